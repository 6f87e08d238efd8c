"""The learning and activities figures the summary tables keep (registry `SummaryFigure`, see dashboards),
by the day an event starts (local date), from one grouped query each:

- `events` 活动: events held (`selectors.events_held`: begun by now, so the days ahead the tables keep count
  none until they come) per kind, counted for the organising unit only when it is a community. A street's
  or district's event is open to all its communities and belongs to none of them (it would count once for
  each); its attendances do count, below. Events have no cancelled state: a called-off event is deleted.
- `attendances` 参加人次: check-ins per kind, counted for the attending cadre's community whoever organised
  the event — the part of 人均参加活动次数 (`selectors.counted_attendances`, shared with the Metric).
- `health_lectures` 健康讲座 (section 健康): the 健康讲座场次 Metric's lectures
  (`selectors.health_lectures_held`): a community's own lectures already begun.
Attendees (distinct cadres) are not additive over days, so there is no figure of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.cadres.summary import grouped_rows
from jiujin.core.registry import SummaryFigure, summary_figure_register
from jiujin.orgs.models import OrgLevel

from .models import EventKind
from .selectors import counted_attendances, events_held, health_lectures_held

Row = tuple[int, date, str, int]


def _day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _kinds() -> dict[str, str]:
    return dict(EventKind.choices)


def events_rows(start: date, end: date) -> Iterator[Row]:
    """Per community, day and kind, and the day's total of the kinds."""
    rows = (
        events_held(start, end)
        .filter(unit__level=OrgLevel.COMMUNITY)
        .annotate(day=_day("starts_at"))
        .values("unit_id", "day", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return grouped_rows(rows, key="kind", community="unit_id")


def attendances_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        counted_attendances(start, end)
        .annotate(day=_day("event__starts_at"))
        .values("cadre__community_id", "day", "event__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return grouped_rows(rows, key="event__kind", community="cadre__community_id")


def attendances_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    """The cadres of these communities who checked in (at events of the kind `key`, if given)."""
    checked = counted_attendances(start, end).filter(cadre__community_id__in=community_ids)
    if key:
        checked = checked.filter(event__kind=key)
    return Cadre.objects.filter(pk__in=checked.values("cadre_id"))


def health_lectures_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        health_lectures_held(start, end)
        .filter(unit__level=OrgLevel.COMMUNITY)
        .annotate(day=_day("starts_at"))
        .values_list("unit_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for community_id, day, n in rows:
        yield community_id, day, "", n


def register() -> None:
    summary_figure_register(
        SummaryFigure("events", "活动", "学习和活动", 60, events_rows, unit_label="场", breakdown=_kinds),
        SummaryFigure(
            "attendances",
            "参加人次",
            "学习和活动",
            61,
            attendances_rows,
            unit_label="人次",
            breakdown=_kinds,
            cadres=attendances_cadres,
        ),
        SummaryFigure("health_lectures", "健康讲座", "健康", 50, health_lectures_rows, unit_label="场"),
    )
