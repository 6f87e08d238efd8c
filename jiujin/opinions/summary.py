"""The opinions' figures the summary tables keep (registry `SummaryFigure`, see dashboards), each by the day an
opinion was raised at the community that took it (`selectors.raised_between`, as the Metrics count):

- `opinions` 意见建议: received, with a breakdown by source (走访中提出, 电话反映 …);
- `opinions_closed` 已办结: of those, answered (`selectors.CLOSED`, the 意见建议办结率 Metric's part);
- `opinions_overdue` 逾期: of those, still open past their due date today (`Opinion.objects.overdue`). It is
  read on the day of the refresh: an opinion raised long ago that falls overdue today moves at the loop's
  daily full recomputation, not at its every-pass one (which covers the recent days only).
The cadres behind each number are those who raised the opinions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, F
from django.utils import timezone

from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.cadres.summary import grouped_rows
from jiujin.core.registry import SummaryFigure, summary_figure_register

from .models import OpinionQuerySet, OpinionSource
from .selectors import CLOSED, raised_between

Row = tuple[int, date, str, int]
SECTION = "意见建议"


def _sources() -> dict[str, str]:
    return dict(OpinionSource.choices)


def _per_day(qs: OpinionQuerySet) -> Iterator[Row]:
    for community_id, day, n in (
        qs.values_list("community_id", "raised_on").annotate(n=Count("pk")).order_by()
    ):
        yield community_id, day, "", n


def opinions_rows(start: date, end: date) -> Iterator[Row]:
    """Per community, day and source, and the day's total of the sources."""
    rows = (
        raised_between(start, end)
        .values("community_id", "source", day=F("raised_on"))
        .annotate(n=Count("pk"))
    )
    return grouped_rows(rows.order_by(), key="source")


def closed_rows(start: date, end: date) -> Iterator[Row]:
    return _per_day(raised_between(start, end).filter(CLOSED))


def overdue_rows(start: date, end: date) -> Iterator[Row]:
    return _per_day(raised_between(start, end).overdue(timezone.localdate()))


def _raised_by(qs: OpinionQuerySet, community_ids: list[int]) -> CadreQuerySet:
    return Cadre.objects.filter(pk__in=qs.filter(community_id__in=community_ids).values("cadre_id"))


def opinions_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    qs = raised_between(start, end)
    return _raised_by(qs.filter(source=key) if key else qs, community_ids)


def closed_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _raised_by(raised_between(start, end).filter(CLOSED), community_ids)


def overdue_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _raised_by(raised_between(start, end).overdue(timezone.localdate()), community_ids)


def register() -> None:
    summary_figure_register(
        SummaryFigure(
            "opinions",
            "意见建议",
            SECTION,
            80,
            opinions_rows,
            unit_label="件",
            breakdown=_sources,
            cadres=opinions_cadres,
        ),
        SummaryFigure(
            "opinions_closed",
            "已办结",
            SECTION,
            81,
            closed_rows,
            unit_label="件",
            of="opinions",
            cadres=closed_cadres,
        ),
        SummaryFigure(
            "opinions_overdue",
            "逾期",
            SECTION,
            82,
            overdue_rows,
            unit_label="件",
            of="opinions",
            cadres=overdue_cadres,
        ),
    )
