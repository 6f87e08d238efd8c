"""Needs found by a needs survey (its `needs` question) turned into items of the cadres' service plans.

A worker picks one need (e.g. 上门巡诊) and some of the respondents who chose it; each gets a monthly service
of that name in their plan, through the plans app's services (which audit each plan and put the service on
the agenda). A cadre without a plan gets one; a cadre whose plan already has that service running is skipped,
so doing it twice adds nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.plans.models import FrequencyUnit, ServicePlan
from jiujin.plans.services import ItemValues, plan_create, plan_update

from .catalog import TEMPLATES
from .models import Question, Response, Survey
from .results import Filters, responses_for


def needs_question(survey: Survey) -> Question | None:
    """The survey's question whose options are needs (the template's `needs_question`), if any."""
    spec = TEMPLATES.get(survey.template)
    if spec is None or not spec.needs_question:
        return None
    return survey.questions.filter(code=spec.needs_question).first()


def need_respondents(
    survey: Survey, unit: OrgUnit, filters: Filters, question: Question, need: int
) -> QuerySet[Response]:
    """Responses in the unit that chose this need, with their cadre and community, by name."""
    return (
        responses_for(survey, unit, filters)
        .filter(answers__question=question, answers__choice=need)
        .select_related("cadre", "community")
        .order_by("community__path", "cadre__name_pinyin", "pk")
    )


@dataclass
class PlanOutcome:
    added: int = 0
    created_plans: int = 0
    skipped: int = 0


@transaction.atomic
def survey_needs_to_plans(
    *, actor: Actor, survey: Survey, question: Question, need: int, cadres: list[Cadre], start_date: date
) -> PlanOutcome:
    """Add the need as a monthly service to each cadre's plan (creating the plan if they have none)."""
    what = str(question.choices[need])[:100]
    outcome = PlanOutcome()
    plans = {
        plan.cadre_id: plan
        for plan in ServicePlan.objects.filter(cadre__in=cadres).prefetch_related(
            "items__worker", "items__volunteer"
        )
    }
    for cadre in cadres:
        new_item = ItemValues(what=what, every=1, unit=FrequencyUnit.MONTH, start_date=start_date)
        plan = plans.get(cadre.pk)
        if plan is None:
            plan_create(
                actor=actor,
                cadre=cadre,
                needs=f"{survey.title}：{what}",
                need_tags=[what],
                review_date=None,
                items=[new_item],
            )
            outcome.created_plans += 1
            outcome.added += 1
            continue
        items = list(plan.items.all())
        if any(item.what == what and item.active for item in items):
            outcome.skipped += 1
            continue
        kept = [
            ItemValues(
                what=item.what,
                every=item.every,
                unit=item.unit,
                start_date=item.start_date,
                active=item.active,
                worker=item.worker,
                volunteer=item.volunteer,
                item=item,
            )
            for item in items
        ]
        plan_update(
            actor=actor,
            plan=plan,
            needs=plan.needs,
            need_tags=sorted({*plan.need_tags, what}),
            review_date=plan.review_date,
            items=[*kept, new_item],
        )
        outcome.added += 1
    return outcome
