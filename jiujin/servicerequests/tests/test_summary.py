"""The 服务工单 summary figures against hand-built requests (frozen clock): exact rows by the local day
received, the cadres behind each number, the assessment's Metrics, and the stored figures at every level."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import behind, levels, query_count, rows_of, stored, totals
from jiujin.core.registry import metric
from jiujin.servicerequests.models import ServiceRequest
from jiujin.servicerequests.tests.helpers import NOW

TZ = NOW.tzinfo
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
CODES = ["requests", "requests_counted", "requests_on_time", "requests_rated", "requests_points"]
CODES += ["requests_satisfied"]

pytestmark = pytest.mark.django_db


def _request(
    cadre: Any, created: datetime, *, late_by: int | None, state: str = "completed", **extra: Any
) -> None:
    """A request with a 30-minute target, arrived `late_by` minutes after it (negative: early; None: not yet)."""
    due = created + timedelta(minutes=30)
    arrived = None if late_by is None else due + timedelta(minutes=late_by)
    values = {"category": "cleaning", "urgency": "normal", "description": "打扫卫生"} | extra
    ServiceRequest.objects.create(
        cadre=cadre,
        state=state,
        created_at=created,
        target_minutes=30,
        due_at=due,
        arrived_at=arrived,
        **values,
    )


def _at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def world(tree: Any) -> Any:
    ca = CadreFactory(name="甲", community=tree.community_a)
    cb = CadreFactory(name="乙", community=tree.community_b)
    _request(ca, _at(3, 1), late_by=-10, satisfaction="satisfied")
    _request(ca, _at(3, 2), late_by=30, satisfaction="fair")  # late
    _request(ca, _at(3, 3, 0, 30), late_by=-1, category="haircut")  # 2 March in UTC
    _request(ca, _at(4, 1), late_by=None, state="received")  # waiting past its target: late
    _request(ca, _at(4, 2), late_by=None, state="cancelled")  # does not count
    _request(ca, NOW - timedelta(minutes=10), late_by=None, state="dispatched")  # within target: not yet
    _request(ca, datetime(2025, 12, 31, 23, tzinfo=TZ), late_by=0, satisfaction="unsatisfied")  # before
    _request(ca, _at(5, 1), late_by=0, satisfaction="unsatisfied")  # arrived at the deadline: on time
    _request(cb, _at(6, 1), late_by=-5)
    return tree


def test_it_counts_the_requests_by_the_local_day_received(world: Any) -> None:
    a, b = world.community_a.pk, world.community_b.pk
    today = NOW.date()
    with time_machine.travel(NOW, tick=False):
        assert rows_of("requests", *YEAR) == {
            **{(a, day, ""): 1 for day in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3))},
            **{(a, day, ""): 1 for day in (date(2026, 4, 1), date(2026, 5, 1), today)},
            **{(a, day, "cleaning"): 1 for day in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 4, 1))},
            **{(a, day, "cleaning"): 1 for day in (date(2026, 5, 1), today)},
            (a, date(2026, 3, 3), "haircut"): 1,
            (b, date(2026, 6, 1), ""): 1,
            (b, date(2026, 6, 1), "cleaning"): 1,
        }
        assert totals("requests_counted", *YEAR) == {a: 5, b: 1}
        assert rows_of("requests_on_time", *YEAR) == {
            (a, date(2026, 3, 1), ""): 1,
            (a, date(2026, 3, 3), ""): 1,
            (a, date(2026, 5, 1), ""): 1,
            (b, date(2026, 6, 1), ""): 1,
        }
        assert totals("requests_rated", *YEAR) == {a: 3}
        assert totals("requests_points", *YEAR) == {a: 9}  # 5 + 3 + 1
        assert rows_of("requests_satisfied", *YEAR) == {(a, date(2026, 3, 1), ""): 1}
        assert behind("requests", [a], *YEAR, key="haircut") == {"甲"}
        assert behind("requests_on_time", [a, b], date(2026, 6, 1), date(2026, 6, 30)) == {"乙"}
        assert behind("requests_rated", [b], *YEAR) == set()
        for code in CODES:
            assert query_count(code, *YEAR) == 1, code


def test_its_totals_are_the_metrics(world: Any) -> None:
    ids = [world.community_a.pk, world.community_b.pk, world.community_z.pk]
    with time_machine.travel(NOW, tick=False):
        for code, part, whole in (
            ("requests_on_time", "requests_on_time", "requests_counted"),
            ("requests_satisfaction", "requests_points", "requests_rated"),
        ):
            m = metric(code)
            assert m is not None
            got = m.by_community(ids, *YEAR)
            parts, wholes = totals(part, *YEAR), totals(whole, *YEAR)
            assert got == {c: (parts.get(c, 0), wholes[c]) for c in wholes}, code


def test_it_stores_the_same_numbers_at_every_level(world: Any) -> None:
    a, b, street, district, city = levels(world)
    with time_machine.travel(NOW, tick=False):
        figures = stored(world, NOW.date(), *YEAR)
        march = stored(world, NOW.date(), date(2026, 3, 1), date(2026, 3, 31))
    assert [figures[u].get("requests") for u in (a, b, street, district, city)] == [6, 1, 7, 7, 7]
    assert figures[city].get("requests:haircut") == 1
    assert figures[street].get("requests_on_time") == 4
    assert figures[district].get("requests_counted") == 6
    assert figures[city].get("requests_points") == 9
    assert march[street].get("requests") == 3
