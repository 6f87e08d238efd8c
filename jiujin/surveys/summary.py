"""The surveys' figures the summary tables keep (registry `SummaryFigure`, see dashboards), by the day a
response was answered (`answered_on`, the day the Metric counts by) at the community copied onto it:

- `survey_responses` 问卷答卷: responses, with a breakdown by questionnaire (需求摸底, 满意度测评, 自建问卷);
- `survey_rated` 满意度测评 and `survey_satisfied` 满意 (a share of it): the answers and the satisfied answers
  the 满意度测评满意率 Metric counts (`selectors.satisfaction_answers`, `selectors.SATISFIED`), so the
  dashboards show the same rate as the assessment.
The cadres behind each number are the respondents.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, QuerySet

from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.core.registry import SummaryFigure, summary_figure_register

from .models import Answer, Response, SurveyTemplate
from .selectors import SATISFIED, satisfaction_answers

Row = tuple[int, date, str, int]
SECTION = "问卷"
CUSTOM = "custom"  # a survey built by hand (template "")


def _templates() -> dict[str, str]:
    return {**dict(SurveyTemplate.choices), CUSTOM: "自建问卷"}


def _responses(start: date, end: date) -> QuerySet[Response]:
    return Response.objects.filter(answered_on__range=(start, end))


def responses_rows(start: date, end: date) -> Iterator[Row]:
    """Per community, day and questionnaire; the figure's own row is the engine's sum of theirs."""
    rows = (
        _responses(start, end)
        .values_list("community_id", "answered_on", "survey__template")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for community_id, day, template, n in rows:
        yield community_id, day, template or CUSTOM, n
        yield community_id, day, "", n


def responses_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    qs = _responses(start, end).filter(community_id__in=community_ids)
    if key:
        qs = qs.filter(survey__template="" if key == CUSTOM else key)
    return Cadre.objects.filter(pk__in=qs.values("cadre_id"))


def _answers_per_day(qs: QuerySet[Answer]) -> Iterator[Row]:
    rows = qs.values_list("community_id", "response__answered_on").annotate(n=Count("pk")).order_by()
    for community_id, day, n in rows:
        yield community_id, day, "", n


def rated_rows(start: date, end: date) -> Iterator[Row]:
    return _answers_per_day(satisfaction_answers(start, end))


def satisfied_rows(start: date, end: date) -> Iterator[Row]:
    return _answers_per_day(satisfaction_answers(start, end).filter(SATISFIED))


def _respondents(qs: QuerySet[Answer], community_ids: list[int]) -> CadreQuerySet:
    return Cadre.objects.filter(pk__in=qs.filter(community_id__in=community_ids).values("response__cadre_id"))


def rated_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _respondents(satisfaction_answers(start, end), community_ids)


def satisfied_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _respondents(satisfaction_answers(start, end).filter(SATISFIED), community_ids)


def register() -> None:
    summary_figure_register(
        SummaryFigure(
            "survey_responses",
            "问卷答卷",
            SECTION,
            90,
            responses_rows,
            unit_label="份",
            breakdown=_templates,
            cadres=responses_cadres,
        ),
        SummaryFigure(
            "survey_rated", "满意度测评", SECTION, 91, rated_rows, unit_label="人次", cadres=rated_cadres
        ),
        SummaryFigure(
            "survey_satisfied",
            "满意",
            SECTION,
            92,
            satisfied_rows,
            unit_label="人次",
            of="survey_rated",
            cadres=satisfied_cadres,
        ),
    )
