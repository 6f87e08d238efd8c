"""The service requests' summary figures (section 服务工单, registered in apps.py; kept by the dashboards app).

All count the requests by the local day they were received, in their cadre's community, with the assessment's
rules (metrics.py): 按时办结 of the requests that count for it (`requests_counted`: neither cancelled nor still
waiting within their target time), and the rating points of the rated requests whose ratio to them is the
5-point 满意度. Each figure is one GROUP BY over all communities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.cadres.summary import Row, grouped_rows, local_day
from jiujin.core.registry import SummaryFigure, summary_figure_register

from .metrics import RATED, counted_q, rating_points
from .models import RequestState, Satisfaction, ServiceCategory, ServiceRequest
from .selectors import overdue_q, requests_received

SECTION = "服务工单"

# Which of the requests received each figure counts (`now` decides late and still-waiting).
WHICH: dict[str, Callable[[datetime], Q]] = {
    "requests": lambda now: ~Q(state=RequestState.CANCELLED),
    "requests_counted": counted_q,
    "requests_on_time": lambda now: counted_q(now) & ~overdue_q(now),
    "requests_rated": lambda now: RATED,
    "requests_points": lambda now: RATED,
    "requests_satisfied": lambda now: Q(satisfaction=Satisfaction.SATISFIED),
}


def _requests(code: str, start: date, end: date) -> QuerySet[ServiceRequest]:
    return requests_received(start, end).filter(WHICH[code](timezone.now()))


def _rows(code: str, by_category: bool = False) -> Callable[[date, date], Iterator[Row]]:
    def rows(start: date, end: date) -> Iterator[Row]:
        keys: dict[str, Any] = {"key": F("category")} if by_category else {}
        value = Sum(rating_points()) if code == "requests_points" else Count("pk")
        grouped = (
            _requests(code, start, end)
            .values(unit=F("cadre__community_id"), day=local_day("created_at"), **keys)
            .annotate(n=value)
        )
        return grouped_rows(grouped, community="unit")

    return rows


def _cadres(code: str) -> Callable[[list[int], date, date, str], QuerySet[Cadre]]:
    def cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
        qs = _requests(code, start, end).filter(cadre__community_id__in=community_ids)
        return Cadre.objects.filter(pk__in=(qs.filter(category=key) if key else qs).values("cadre_id"))

    return cadres


def _figure(code: str, label: str, order: int, unit: str = "件", **extra: Any) -> SummaryFigure:
    by_category = "breakdown" in extra
    return SummaryFigure(
        code, label, SECTION, order, _rows(code, by_category), unit_label=unit, cadres=_cadres(code), **extra
    )


FIGURES = [
    _figure("requests", "服务工单", 30, breakdown=lambda: dict(ServiceCategory.choices)),
    _figure("requests_counted", "应按时办结", 31),
    _figure("requests_on_time", "按时办结", 32, of="requests_counted"),
    _figure("requests_rated", "已评价", 33),
    _figure("requests_points", "评价分", 34, unit="分", of="requests_rated", ratio=True),
    _figure("requests_satisfied", "满意", 35, of="requests_rated"),
]


def register() -> None:
    summary_figure_register(*FIGURES)
