"""服务工单按时办结率 and 工单服务评价均分 for the 千分 assessment, against hand-built requests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import time_machine

from jiujin.core.registry import metric
from jiujin.servicerequests.models import ServiceRequest
from jiujin.servicerequests.tests.helpers import NOW, make_cadres

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
TZ = NOW.tzinfo


def _request(
    cadre: Any, created: datetime, *, late_by: int | None, state: str = "completed", **extra: Any
) -> None:
    """A request with a 30-minute target, arrived `late_by` minutes after it (negative: early; None: not yet)."""
    due = created + timedelta(minutes=30)
    arrived = None if late_by is None else due + timedelta(minutes=late_by)
    ServiceRequest.objects.create(
        cadre=cadre,
        category="cleaning",
        urgency="normal",
        description="打扫卫生",
        state=state,
        created_at=created,
        target_minutes=30,
        due_at=due,
        arrived_at=arrived,
        **extra,
    )


def _world(tree: Any, cast: Any) -> tuple[int, int, list[int]]:
    [ca] = make_cadres(1, tree.community_a, cast.community_a)
    [cb] = make_cadres(1, tree.community_b, cast.community_b)
    _request(ca, datetime(2026, 3, 1, 10, tzinfo=TZ), late_by=-10, satisfaction="satisfied")
    _request(ca, datetime(2026, 3, 2, 10, tzinfo=TZ), late_by=30, satisfaction="fair")  # late
    _request(ca, datetime(2026, 4, 1, 10, tzinfo=TZ), late_by=None, state="received")  # waiting past target
    _request(ca, datetime(2026, 4, 2, 10, tzinfo=TZ), late_by=None, state="cancelled")  # does not count
    _request(ca, NOW - timedelta(minutes=10), late_by=None, state="dispatched")  # within target: not yet
    _request(ca, datetime(2025, 12, 31, 23, tzinfo=TZ), late_by=0, satisfaction="unsatisfied")  # before
    _request(ca, datetime(2026, 5, 1, 10, tzinfo=TZ), late_by=0, satisfaction="unsatisfied")
    _request(cb, datetime(2026, 6, 1, 10, tzinfo=TZ), late_by=-5)  # not rated
    return (
        tree.community_a.pk,
        tree.community_b.pk,
        [tree.community_a.pk, tree.community_b.pk, tree.community_z.pk],
    )


def test_it_rates_the_requests_not_late(tree: Any, cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        a, b, ids = _world(tree, cast)
        m = metric("requests_on_time")
        assert m is not None and m.kind == "rate"
        assert m.by_community(ids, *YEAR) == {a: (2, 4), b: (1, 1)}


def test_it_averages_the_ratings_on_five_points(tree: Any, cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        a, _b, ids = _world(tree, cast)
        m = metric("requests_satisfaction")
        assert m is not None and m.kind == "ratio"
        got = m.by_community(ids, *YEAR)
    assert got == {a: (9, 3)}  # 满意 5 + 基本满意 3 + 不满意 1; B has no rating, Z nothing
    assert m.value(*got[a]) == 3


def test_it_reads_the_day_received_in_local_time(tree: Any, cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        a, _b, ids = _world(tree, cast)
        m = metric("requests_satisfaction")
        assert m is not None
        assert m.by_community(ids, date(2025, 12, 31), date(2025, 12, 31)) == {a: (1, 1)}
