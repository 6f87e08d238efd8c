"""The learning and activities figures of the summary tables, against hand-built events: exact rows, the
cadres behind them, the Metrics' totals, and the tables' street/district/city figures after a refresh."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.cadres.models import CadreStatus
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core import registry
from jiujin.core.registry import metric, summary_figure
from jiujin.dashboards.selectors import unit_figures
from jiujin.dashboards.services import summaries_refresh
from jiujin.events.models import Attendance, Event
from jiujin.events.tests.helpers import NOW, TZ

pytestmark = pytest.mark.django_db

TODAY = NOW.date()  # 2026-09-23
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
CODES = {"events", "attendances", "health_lectures"}


def _event(unit: Any, starts: datetime, kind: str, *attendees: Any) -> Event:
    event = Event.objects.create(
        title="活动", kind=kind, unit=unit, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    Attendance.objects.bulk_create([Attendance(event=event, cadre=c, via="list") for c in attendees])
    return event


@pytest.fixture
def world(tree: Any) -> Any:
    a, b, z = tree.community_a, tree.community_b, tree.community_z
    a1, a2 = CadreFactory(community=a), CadreFactory(community=a)
    gone = CadreFactory(community=a, status=CadreStatus.DECEASED)
    b1, z1 = CadreFactory(community=b), CadreFactory(community=z)
    _event(a, datetime(2026, 3, 1, 9, tzinfo=TZ), "health", a1, a2, gone)  # gone counts nowhere
    _event(tree.street, datetime(2026, 4, 1, 9, tzinfo=TZ), "health", a1, b1)  # for no community itself
    _event(a, datetime(2026, 5, 1, 0, 30, tzinfo=TZ), "culture", a1)  # 30 April in UTC: the local day
    _event(a, datetime(2026, 10, 1, 9, tzinfo=TZ), "health")  # not held yet
    _event(b, datetime(2026, 6, 1, 9, tzinfo=TZ), "study", b1)
    _event(tree.district_z, datetime(2026, 7, 1, 9, tzinfo=TZ), "culture", z1)
    _event(a, datetime(2025, 12, 31, 23, tzinfo=TZ), "culture", a1)  # before the year
    return {"a1": a1, "a2": a2, "gone": gone, "b1": b1, "z1": z1}


def _rows(code: str, start: date, end: date) -> list[tuple[int, date, str, int]]:
    figure = summary_figure(code)
    assert figure is not None
    return sorted(figure.rows(start, end))


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_counts_a_communitys_own_events_held_per_kind_on_their_local_day(tree, world, frozen):
    a, b = tree.community_a.pk, tree.community_b.pk
    assert _rows("events", *YEAR) == sorted(
        [
            (a, date(2026, 3, 1), "", 1),
            (a, date(2026, 3, 1), "health", 1),
            (a, date(2026, 5, 1), "", 1),
            (a, date(2026, 5, 1), "culture", 1),
            (b, date(2026, 6, 1), "", 1),
            (b, date(2026, 6, 1), "study", 1),
        ]
    )
    with time_machine.travel(datetime(2026, 10, 1, 9, tzinfo=TZ), tick=False):  # the lecture begins
        assert (a, date(2026, 10, 1), "health", 1) in _rows("events", *YEAR)
    figure = summary_figure("events")
    assert figure is not None and figure.cadres is None and figure.breakdown
    assert figure.breakdown()["health"] == "健康讲座"


def test_it_counts_check_ins_for_the_attendees_community_whoever_organised(tree, world, frozen):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    assert _rows("attendances", *YEAR) == sorted(
        [
            (a, date(2026, 3, 1), "", 2),
            (a, date(2026, 3, 1), "health", 2),
            (a, date(2026, 4, 1), "", 1),
            (a, date(2026, 4, 1), "health", 1),
            (a, date(2026, 5, 1), "", 1),
            (a, date(2026, 5, 1), "culture", 1),
            (b, date(2026, 4, 1), "", 1),
            (b, date(2026, 4, 1), "health", 1),
            (b, date(2026, 6, 1), "", 1),
            (b, date(2026, 6, 1), "study", 1),
            (z, date(2026, 7, 1), "", 1),
            (z, date(2026, 7, 1), "culture", 1),
        ]
    )
    figure = summary_figure("attendances")
    assert figure is not None and figure.cadres is not None
    ids = [a, b]
    assert set(figure.cadres(ids, *YEAR, "")) == {world["a1"], world["a2"], world["b1"]}
    assert set(figure.cadres([a], *YEAR, "culture")) == {world["a1"]}
    assert set(figure.cadres([a], date(2026, 4, 1), date(2026, 4, 30), "")) == {world["a1"]}


def test_it_counts_the_health_lectures_the_community_held(tree, world, frozen):
    assert _rows("health_lectures", *YEAR) == [(tree.community_a.pk, date(2026, 3, 1), "", 1)]


def test_its_totals_are_the_metrics(tree, world, frozen):
    ids = [tree.community_a.pk, tree.community_b.pk, tree.community_z.pk]
    attendance = metric("attendance_per_cadre")
    lectures = metric("health_lectures")
    assert attendance is not None and lectures is not None
    for start, end in [YEAR, (date(2026, 4, 1), date(2026, 5, 1))]:
        parts = attendance.by_community(ids, start, end)
        for community_id in ids:
            counted = sum(
                n for c, _, key, n in _rows("attendances", start, end) if c == community_id and not key
            )
            assert counted == parts.get(community_id, (0, 0))[0]
    held = lectures.by_community(ids, *YEAR)
    assert {c: n for c, _, _, n in _rows("health_lectures", *YEAR)} == {c: p for c, (p, _) in held.items()}


def test_its_rows_are_one_query_each(tree, world, frozen, django_assert_num_queries):
    for code in CODES:
        with django_assert_num_queries(1):
            _rows(code, *YEAR)


def test_the_refreshed_tables_give_every_level_the_same_numbers(tree, world, frozen, monkeypatch):
    mine = {code: f for code, f in registry._summary_figures.items() if code in CODES}
    monkeypatch.setattr(registry, "_summary_figures", mine)  # other apps' figures are tested by them
    summaries_refresh(today=TODAY)
    units = [tree.community_a, tree.street, tree.district, tree.city]
    figures = unit_figures([u.pk for u in units], *YEAR)
    street, district, city = figures[tree.street.pk], figures[tree.district.pk], figures[tree.city.pk]
    # Held by now: the 1 October lecture is not yet in the tables (which keep days ahead too).
    assert [figures[u.pk].get("events") for u in units] == [2, 3, 3, 3]
    assert street.get("events:study") == 1 and street.get("events:health") == 1
    recount = Attendance.objects.filter(
        cadre__community__path__startswith=tree.street.path,
        cadre__status=CadreStatus.ACTIVE,
        event__starts_at__year=2026,
    )
    assert street.get("attendances") == recount.count() == 6
    assert city.get("attendances") == 7 and city.get("attendances:culture") == 2
    attendance = metric("attendance_per_cadre")
    assert attendance is not None
    parts = attendance.by_community([tree.community_a.pk, tree.community_b.pk], *YEAR)
    assert district.get("attendances") == sum(p for p, _ in parts.values())
    assert [f.get("health_lectures") for f in (street, district, city)] == [1, 1, 1]
