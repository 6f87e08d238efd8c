"""Demo history of questionnaires: the district's finished 需求摸底调查 (a few hundred responses, some taken
during visits, 独居 questions only for those living alone), a running 满意度测评 whose satisfaction is below
half in some communities (the seed's "不足50%"), and one draft. Rows are inserted in bulk."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, CadreStatus, LivingArrangement
from jiujin.lib.dates import age_on
from jiujin.orgs.models import OrgUnit
from jiujin.surveys.catalog import TEMPLATES
from jiujin.surveys.models import (
    Answer,
    Question,
    Response,
    ResponseSource,
    Survey,
    SurveyStatus,
    SurveyTarget,
)
from jiujin.surveys.services import questions_from_template, survey_targets_fix
from jiujin.surveys.tallies import tallies_refresh
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask

from .context import Demo
from .tree import DISTRICT_CODE

LIVING_CHOICE = {
    LivingArrangement.WITH_CHILDREN: 0,
    LivingArrangement.EMPTY_NEST: 1,
    LivingArrangement.ALONE: 2,
    LivingArrangement.CARE_HOME: 3,
}
# Plausible answer weights per needs question (by option), after the district's own analysis.
NEEDS_WEIGHTS: dict[str, tuple[int, ...]] = {
    "learning": (62, 25, 13),
    "culture": (18, 40, 30, 12),
    "role": (20, 38, 42),
    "contribute": (55, 35, 10),
    "care": (50, 30, 20),
    "wellbeing": (35, 40, 18, 7),
    "alone_help": (35, 20, 30, 5, 10),
    "hospital": (70, 15, 12, 3),
}
MULTI_RATES: dict[str, tuple[float, ...]] = {
    "worries": (0.35, 0.55, 0.3, 0.1, 0.15, 0.1),
    "pastime": (0.6, 0.45, 0.3, 0.35, 0.3, 0.1, 0.05),
    "needs": (0.3, 0.25, 0.2, 0.15, 0.2, 0.1, 0.05, 0.25),
}


def surveys_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write the surveys history for the demo city; return a one-line Chinese report."""
    district = OrgUnit.objects.filter(code=DISTRICT_CODE).first()
    owner = User.objects.filter(username="demo-district").first()
    if district is None or owner is None:
        return ""
    cadres = list(
        Cadre.objects.filter(status=CadreStatus.ACTIVE, community__path__startswith=district.path).only(
            "pk", "community_id", "category", "living_arrangement", "birth_date"
        )
    )
    needs = _needs(demo, owner, district, cadres)
    satisfaction = _satisfaction(demo, owner, district, cadres)
    _survey(owner, district, "needs", f"{demo.today.year + 1}年老干部需求摸底调查")
    return f"问卷：需求摸底调查 {needs} 份答卷，满意度测评 {satisfaction} 份，另有草稿 1 份"


def _survey(owner: User, unit: OrgUnit, template: str, title: str, **fields: Any) -> Survey:
    """A survey written as the services would, without the audit log: demo rows are nobody's doing."""
    spec = TEMPLATES[template]
    survey = Survey.objects.create(
        org_unit=unit,
        title=title,
        template=template,
        description=spec.description,
        created_by=owner,
        **fields,
    )
    questions_from_template(survey, spec)
    return survey


def _needs(demo: Demo, owner: User, district: OrgUnit, cadres: list[Cadre]) -> int:
    rng = demo.rng("surveys:needs")
    starts, ends = demo.today - timedelta(days=150), demo.today - timedelta(days=110)
    survey = _survey(
        owner,
        district,
        "needs",
        "老干部需求摸底调查",
        starts_on=starts,
        ends_on=ends,
        status=SurveyStatus.CLOSED,
        started_at=demo.at(starts, 9 * 60),
        closed_at=demo.at(ends, 17 * 60),
    )
    SurveyTarget.objects.bulk_create(
        [SurveyTarget.of(survey, tuple(getattr(c, f) for f in SurveyTarget.COPIED)) for c in cadres],
        batch_size=2000,
    )
    questions = {q.code: q for q in survey.questions.all()}
    chosen = [c for c in cadres if rng.random() < 0.78][:450]
    visits = _visits(chosen, starts, ends)

    def answers(cadre: Cadre) -> dict[str, Any]:
        values: dict[str, Any] = {code: _pick(rng, w) for code, w in NEEDS_WEIGHTS.items()}
        for code, rates in MULTI_RATES.items():
            values[code] = [i for i, rate in enumerate(rates) if rng.random() < rate] or [0]
        living = LIVING_CHOICE.get(cadre.living_arrangement)  # type: ignore[call-overload]
        values["living"] = living if living is not None else _pick(rng, (45, 40, 10, 5))
        if values["living"] != 2:
            del values["alone_help"]  # skip logic: asked only of those living alone
        if rng.random() < 0.3:
            del values["needs"]  # optional
        return values

    return _write(demo, survey, questions, chosen, answers, rng=rng, period=(starts, ends), visits=visits)


def _satisfaction(demo: Demo, owner: User, district: OrgUnit, cadres: list[Cadre]) -> int:
    rng = demo.rng("surveys:satisfaction")
    starts = demo.today - timedelta(days=20)
    survey = _survey(
        owner,
        district,
        "satisfaction",
        "社区为老服务满意度测评",
        starts_on=starts,
        ends_on=demo.today + timedelta(days=25),
        status=SurveyStatus.RUNNING,
        started_at=demo.at(starts, 9 * 60),
    )
    survey_targets_fix(survey)  # targets and the open tasks on the workers' agendas
    questions = {q.code: q for q in survey.questions.all()}
    communities = sorted({c.community_id for c in cadres})
    # Some communities satisfy fewer than half of their cadres; the others most of them.
    satisfied = {cid: rng.choice((0.3, 0.42, 0.48, 0.65, 0.78, 0.85)) for cid in communities}
    chosen = [c for c in cadres if rng.random() < 0.55][:400]

    def answers(cadre: Cadre) -> dict[str, Any]:
        share = satisfied[cadre.community_id]
        good = rng.random() < share
        overall = _pick(rng, (35, 65)) if good else _pick(rng, (0, 0, 60, 30, 10))
        score = (
            (lambda: _pick(rng, (0, 5, 20, 45, 30)) + 1)
            if good
            else (lambda: _pick(rng, (10, 25, 40, 20, 5)) + 1)
        )
        values: dict[str, Any] = {"overall": overall, "knows_contact": 0 if rng.random() < 0.7 else 1}
        for code in ("visits", "home_services", "activities", "medical", "staff"):
            values[code] = score()
        return values

    written = _write(
        demo, survey, questions, chosen, answers, rng=rng, period=(starts, demo.today), visits={}
    )
    VisitTask.objects.filter(
        kind="survey", rule_key=survey.task_rule_key, cadre_id__in=[c.pk for c in chosen]
    ).update(status=TaskStatus.DONE, done_at=demo.now)
    return written


def _pick(rng: random.Random, weights: tuple[int, ...]) -> int:
    return rng.choices(range(len(weights)), weights=weights)[0]


def _visits(cadres: list[Cadre], starts: date, ends: date) -> dict[int, VisitRecord]:
    """A visit in the survey's period per cadre, where there was one: about those, the survey was taken then."""
    found: dict[int, VisitRecord] = {}
    rows = VisitRecord.objects.filter(
        task__cadre_id__in=[c.pk for c in cadres], visited_on__range=(starts, ends), outcome="visited"
    ).select_related("task")
    for record in rows:
        found.setdefault(record.task.cadre_id, record)
    return found


def _write(
    demo: Demo,
    survey: Survey,
    questions: dict[str, Question],
    cadres: list[Cadre],
    answers: Any,
    *,
    rng: random.Random,
    period: tuple[date, date],
    visits: dict[int, VisitRecord],
) -> int:
    starts, ends = period
    span = max((min(ends, demo.today) - starts).days, 1)
    responses, values = [], []
    for cadre in cadres:
        visit = visits.get(cadre.pk)
        day = visit.visited_on if visit else starts + timedelta(days=rng.randrange(span))
        responses.append(
            Response(
                survey=survey,
                cadre_id=cadre.pk,
                community_id=cadre.community_id,
                category=cadre.category,
                living_arrangement=cadre.living_arrangement,
                age=age_on(cadre.birth_date, day),
                source=ResponseSource.VISIT if visit else ResponseSource.WEB,
                visit_record=visit,
                answered_on=day,
                recorded_by=demo.workers.get(cadre.community_id),
            )
        )
        values.append(answers(cadre))
    Response.objects.bulk_create(responses, batch_size=1000)
    rows = []
    for response, given in zip(responses, values, strict=True):
        base = {"response": response, "survey_id": survey.pk, "community_id": response.community_id}
        for code, value in given.items():
            q = questions[code]
            if q.kind == "multiple":
                rows += [Answer(**base, question_id=q.pk, choice=i) for i in value]
            elif q.kind == "single":
                rows.append(Answer(**base, question_id=q.pk, choice=value))
            else:
                rows.append(Answer(**base, question_id=q.pk, number=value))
    Answer.objects.bulk_create(rows, batch_size=5000)
    tallies_refresh(survey_id=survey.pk, community_ids={r.community_id for r in responses})
    Response.objects.filter(survey=survey).update(updated_at=timezone.now())
    return len(responses)
