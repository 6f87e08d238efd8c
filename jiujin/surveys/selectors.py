"""Reading surveys for a user: the scoped list with its progress, one survey, its questions, a response."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from jiujin.accounts.models import User
from jiujin.core.access import NoAccess, staff_community_ids

from .catalog import SATISFACTION_QUESTION, SATISFIED_CHOICES
from .models import Answer, Response, Survey, SurveyStatus, SurveyTarget, SurveyTemplate


def _count(model: Any, user: User) -> Any:
    rows = model.objects.filter(survey=OuterRef("pk"))
    ids = staff_community_ids(user)
    if ids is not None:
        rows = rows.filter(community_id__in=ids)
    counted = rows.order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def surveys_listed(user: User, *, status: str = "") -> Any:
    """The user's surveys (`Survey.objects.for_user`) with `n_targets` and `n_responses` counted within the
    user's own communities: a community worker sees their community's progress on the district's survey."""
    qs = Survey.objects.for_user(user).select_related("org_unit")
    if status in SurveyStatus.values:
        qs = qs.filter(status=status)
    return qs.annotate(n_targets=_count(SurveyTarget, user), n_responses=_count(Response, user))


def get_survey_for_user(user: User, pk: Any) -> Survey:
    try:
        return Survey.objects.for_user(user).select_related("org_unit", "previous").get(pk=pk)
    except (Survey.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该问卷") from exc


def get_managed_survey(user: User, pk: Any) -> Survey:
    """A survey this user may build and run (manage_cadres, their own unit or below); else 404."""
    try:
        return Survey.objects.managed_by(user).select_related("org_unit").get(pk=pk)
    except (Survey.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该问卷") from exc


def get_response_for_user(user: User, pk: Any) -> Response:
    try:
        return (
            Response.objects.for_user(user)
            .filter(survey__in=Survey.objects.for_user(user))
            .select_related("survey", "cadre", "community", "recorded_by", "visit_record")
            .get(pk=pk)
        )
    except (Response.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该答卷") from exc


def running_for_cadre(user: User, cadre_id: int) -> list[Survey]:
    """The running surveys (visible to the user) that target this cadre, with the cadre's response if any."""
    surveys = list(
        Survey.objects.for_user(user)
        .filter(status=SurveyStatus.RUNNING, targets__cadre_id=cadre_id)
        .select_related("org_unit")
        .order_by("-starts_on", "-pk")
    )
    answered = dict(
        Response.objects.filter(survey__in=surveys, cadre_id=cadre_id).values_list("survey_id", "pk")
    )
    for s in surveys:
        s.response_id = answered.get(s.pk)  # type: ignore[attr-defined]
    return surveys


def scoped_targets(user: User, survey: Survey) -> Any:
    ids = staff_community_ids(user)
    qs = survey.targets.all()
    return qs if ids is None else qs.filter(community_id__in=ids)


def progress(user: User, survey: Survey) -> dict[str, int]:
    ids = staff_community_ids(user)
    scope = Q() if ids is None else Q(community_id__in=ids)
    return {
        "targets": survey.targets.filter(scope).count(),
        "responses": survey.responses.filter(scope).count(),
    }


def visit_links(user: User, record: Any) -> list[tuple[str, str]]:
    """After a visit: a 填写问卷 link per running survey that targets the cadre and has no answer yet."""
    cadre_id = record.task.cadre_id
    return [
        (f"填写问卷：{s.title}", f"{reverse('surveys:fill', args=[s.pk])}?cadre={cadre_id}&visit={record.pk}")
        for s in running_for_cadre(user, cadre_id)
        if not s.response_id  # type: ignore[attr-defined]
    ]


def unanswered(user: User, survey: Survey, *, limit: int = 30) -> list[SurveyTarget]:
    """The user's targets of a running survey still to answer, first `limit` of them, with their cadres."""
    answered = Response.objects.filter(survey=survey, cadre_id=OuterRef("cadre_id"))
    return list(
        scoped_targets(user, survey)
        .exclude(Exists(answered))
        .select_related("cadre", "community")
        .order_by("community__path", "cadre__name_pinyin")[:limit]
    )


# ---------------------------------------------------------------- what the assessment and the summaries count

# 满意: one of SATISFIED_CHOICES (非常满意, 满意) — the 满意度测评满意率 Metric's part and `survey_satisfied`.
SATISFIED = Q(choice__in=SATISFIED_CHOICES)


def satisfaction_answers(start: date, end: date) -> QuerySet[Answer]:
    """The answers 满意度测评满意率 counts over [start, end] (the Metric and the figures): to the overall question
    of surveys built from the satisfaction template, in responses answered then, at the respondent's
    community as answered."""
    return Answer.objects.filter(
        survey__template=SurveyTemplate.SATISFACTION,
        question__code=SATISFACTION_QUESTION,
        response__answered_on__range=(start, end),
        choice__isnull=False,
    )
