"""The survey satisfaction metric of the assessment (registry `Metric`): 满意度测评满意率.

Over responses answered in [start, end] to surveys built from the satisfaction template: the part is the
answers to `SATISFACTION_QUESTION` choosing one of `SATISFIED_CHOICES` (非常满意, 满意), the whole every
answer to that question — per community, in one grouped query.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from jiujin.core.registry import Metric, metric_register

from .selectors import SATISFIED, satisfaction_answers


def satisfaction_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    rows = (
        satisfaction_answers(start, end)
        .filter(community_id__in=community_ids)
        .values_list("community_id")
        .annotate(part=Count("id", filter=SATISFIED), whole=Count("id"))
        .order_by()
    )
    return {community_id: (float(part), float(whole)) for community_id, part, whole in rows}


SURVEY_SATISFACTION = Metric(
    "survey_satisfaction", "满意度测评满意率", "rate", "%", 60, satisfaction_by_community
)


def register() -> None:
    """Register this app's metrics (called from SurveysConfig.ready)."""
    metric_register(SURVEY_SATISFACTION)
