"""The service requests' figures for the 千分 assessment (registered in apps.py), over the requests received
(`created_at`, local days) in [start, end], per the cadre's community:

- 服务工单按时办结率: requests not late by the app's own rule (selectors.overdue_q: arrived after the target
  time, or still waiting past it) / requests that count. Cancelled requests do not count, nor do those
  still waiting within their target time (not yet on time or late).
- 工单服务评价均分: the sum of the ratings / the rated requests, on a 5-point scale (满意 5, 基本满意 3,
  不满意 1; RATING_POINTS), the scale the default rubric's thresholds read.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from jiujin.core.registry import Metric, metric_register

from .models import WAITING_STATES, RequestState, Satisfaction, ServiceRequest
from .selectors import overdue_q, requests_received

RATING_POINTS = {Satisfaction.SATISFIED: 5, Satisfaction.FAIR: 3, Satisfaction.UNSATISFIED: 1}
RATED = ~Q(satisfaction="")


def _received(community_ids: list[int], start: date, end: date) -> QuerySet[ServiceRequest]:
    return requests_received(start, end).filter(cadre__community_id__in=community_ids)


def counted_q(now: datetime) -> Q:
    """The requests an on-time rate counts: not cancelled, nor still waiting within their target time."""
    return ~Q(state=RequestState.CANCELLED) & ~Q(state__in=WAITING_STATES, due_at__gte=now)


def rating_points() -> Case:
    return Case(
        *(When(satisfaction=value, then=Value(p)) for value, p in RATING_POINTS.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def on_time_by_community(community_ids: list[int], start: date, end: date) -> dict[int, tuple[float, float]]:
    now = timezone.now()
    rows = (
        _received(community_ids, start, end)
        .filter(counted_q(now))
        .values("cadre__community_id")
        .annotate(total=Count("pk"), late=Count("pk", filter=overdue_q(now)))
    )
    return {r["cadre__community_id"]: (r["total"] - r["late"], r["total"]) for r in rows}


def satisfaction_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    rows = (
        _received(community_ids, start, end)
        .filter(RATED)
        .values("cadre__community_id")
        .annotate(points=Sum(rating_points()), rated=Count("pk"))
    )
    return {r["cadre__community_id"]: (r["points"] or 0, r["rated"]) for r in rows}


def register() -> None:
    metric_register(
        Metric(
            "requests_on_time", "服务工单按时办结率", "rate", "%", order=30, by_community=on_time_by_community
        ),
        Metric(
            "requests_satisfaction",
            "工单服务评价均分",
            "ratio",
            "分（5分制）",
            order=31,
            by_community=satisfaction_by_community,
        ),
    )
