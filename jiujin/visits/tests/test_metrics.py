"""应访走访完成率 and 走访按时率 for the 千分 assessment, against hand-built tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import time_machine

from jiujin.core.registry import metric
from jiujin.tasks.models import TaskStatus
from jiujin.visits.tests.helpers import NOW, make_cadres, make_task

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
TZ = NOW.tzinfo


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def _done(cadre: Any, due: date, done_at: datetime, **extra: Any) -> None:
    make_task(cadre, due, status=TaskStatus.DONE, done_at=done_at, **extra)


def _world(tree: Any, cast: Any) -> tuple[int, int, list[int]]:
    a, b = tree.community_a, tree.community_b
    [ca] = make_cadres(1, a, cast.community_a)
    [cb] = make_cadres(1, b, cast.community_b)
    _done(ca, date(2026, 3, 1), _at(date(2026, 2, 28), 10))  # early: on time
    _done(ca, date(2026, 4, 1), _at(date(2026, 4, 2), 9))  # a day late
    make_task(ca, date(2026, 5, 1), status=TaskStatus.OVERDUE)  # owed, not done
    make_task(ca, date(2026, 6, 1), status=TaskStatus.CANCELLED)  # does not count
    _done(ca, date(2025, 12, 31), _at(date(2025, 12, 31), 9))  # before the range
    make_task(ca, date(2026, 10, 10))  # due after today: not yet owed
    _done(ca, date(2026, 10, 20), _at(date(2026, 9, 20), 9))  # done ahead of time: owed and on time
    _done(ca, date(2026, 8, 1), _at(date(2026, 8, 1), 23, 30))  # late evening of the due day: on time
    _done(ca, date(2026, 8, 1), _at(date(2026, 8, 2), 0, 30))  # after local midnight (still 1 Aug in UTC)
    _done(ca, date(2026, 7, 1), _at(date(2026, 7, 1), 9), kind="opinion_reply")  # not a must-visit
    make_task(cb, date(2026, 2, 1), status=TaskStatus.OVERDUE)
    return a.pk, b.pk, [a.pk, b.pk, tree.community_z.pk]


def test_it_rates_the_must_visits_done_of_those_due(tree: Any, cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        a, b, ids = _world(tree, cast)
        m = metric("visits_done")
        assert m is not None and m.kind == "rate"
        got = m.by_community(ids, *YEAR)
    assert got == {a: (5, 6), b: (0, 1)}  # Z has no task: left out


def test_it_rates_the_visits_done_by_their_due_date(tree: Any, cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        a, b, ids = _world(tree, cast)
        m = metric("visits_on_time")
        assert m is not None
        got = m.by_community(ids, *YEAR)
    assert got == {a: (3, 5), b: (0, 0)}
    assert m.value(*got[b]) is None  # nothing done: no figure, not 0 %


def test_it_counts_only_the_range(tree: Any, cast: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        a, _b, ids = _world(tree, cast)
        m = metric("visits_done")
        assert m is not None
        assert m.by_community(ids, date(2026, 3, 1), date(2026, 4, 30)) == {a: (2, 2)}
