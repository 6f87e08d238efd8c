"""The opinions' figures for the 千分 assessment (registered in apps.py), over the opinions raised
(`raised_on`) in [start, end] at the receiving community:

- 意见建议办结率: answered / received;
- 意见建议平均答复天数: the sum of the days to answer (answer_days, kept when answered) / answered; lower is
  better.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Sum

from jiujin.core.registry import Metric, metric_register

from .selectors import CLOSED, raised_between


def _counts(community_ids: list[int], start: date, end: date) -> list[Any]:
    rows = (
        raised_between(start, end)
        .filter(community_id__in=community_ids)
        .order_by()
        .values("community_id")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=CLOSED),
            days=Sum("answer_days", filter=CLOSED),
        )
    )
    return list(rows)


def closed_by_community(community_ids: list[int], start: date, end: date) -> dict[int, tuple[float, float]]:
    return {r["community_id"]: (r["answered"], r["received"]) for r in _counts(community_ids, start, end)}


def days_by_community(community_ids: list[int], start: date, end: date) -> dict[int, tuple[float, float]]:
    return {r["community_id"]: (r["days"] or 0, r["answered"]) for r in _counts(community_ids, start, end)}


def register() -> None:
    metric_register(
        Metric("opinions_closed", "意见建议办结率", "rate", "%", order=40, by_community=closed_by_community),
        Metric(
            "opinions_days",
            "意见建议平均答复天数",
            "ratio",
            "天",
            order=41,
            by_community=days_by_community,
            higher_is_better=False,
        ),
    )
