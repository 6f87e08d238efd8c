"""The 走访慰问 summary figures against hand-built tasks and records (frozen clock): exact rows, the cadres
behind each number, the assessment's Metrics, and the stored figures after a refresh at every level."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from jiujin.cadres.tests.summary_helpers import behind, levels, query_count, rows_of, stored, totals
from jiujin.core.registry import metric
from jiujin.tasks.models import TaskStatus
from jiujin.visits.tests.helpers import NOW, TODAY, make_record, make_task

TZ = NOW.tzinfo
SEPT = (date(2026, 9, 1), date(2026, 9, 30))
CODES = [
    "visits_due",
    "visits_done",
    "visits_on_time",
    "visits_overdue",
    "visit_records",
    "gifts_money",
    "gifts",
]

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int) -> datetime:
    return datetime(2026, 9, day, hour, tzinfo=TZ)


def _sep(day: int) -> date:
    return date(2026, 9, day)


@pytest.fixture
def world(tree: Any, cast: Any) -> Any:
    from jiujin.cadres.tests.factories import CadreFactory

    ca = CadreFactory(name="甲", community=tree.community_a, responsible_worker=cast.community_a)
    cb = CadreFactory(name="乙", community=tree.community_b, responsible_worker=cast.community_b)
    with time_machine.travel(NOW, tick=False):
        done = TaskStatus.DONE
        on_time = make_task(ca, _sep(1), kind="birthday", status=done, done_at=_at(1, 9))
        late = make_task(ca, _sep(2), status=done, done_at=_at(3, 9))  # a day late
        make_task(ca, _sep(10), status=TaskStatus.OVERDUE)
        past = make_task(ca, _sep(11))  # still open after its day: overdue all the same
        make_task(ca, _sep(12), status=TaskStatus.CANCELLED)
        make_task(ca, _sep(23))  # due today: owed, not overdue
        make_task(ca, _sep(30))  # not yet owed
        make_task(ca, _sep(28), status=done, done_at=_at(20, 9))  # done ahead: owed and on time
        other = make_task(
            ca, _sep(5), kind="opinion_reply", status=done, done_at=_at(5, 9)
        )  # not a must-visit
        make_task(cb, _sep(15), status=TaskStatus.OVERDUE)
        make_record(on_time, _sep(1), gifts="月饼", money=Decimal("200.50"))
        make_record(past, _sep(1), form="video", outcome="nobody_home", money=Decimal("0.25"))
        make_record(late, _sep(3), form="phone", money=Decimal("100.25"))
        make_record(other, _sep(5))
    return tree


def test_it_counts_the_owed_must_visits_by_due_day_and_kind(world: Any) -> None:
    a, b = world.community_a.pk, world.community_b.pk
    with time_machine.travel(NOW, tick=False):
        assert rows_of("visits_due", *SEPT) == {
            **{(a, _sep(d), ""): 1 for d in (1, 2, 10, 11, 23, 28)},
            (a, _sep(1), "birthday"): 1,
            **{(a, _sep(d), "holiday"): 1 for d in (2, 10, 11, 23, 28)},
            (b, _sep(15), ""): 1,
            (b, _sep(15), "holiday"): 1,
        }
        assert totals("visits_done", *SEPT) == {a: 3}
        assert totals("visits_done", *SEPT, key="birthday") == {a: 1}
        assert rows_of("visits_on_time", *SEPT) == {(a, _sep(1), ""): 1, (a, _sep(28), ""): 1}
        assert rows_of("visits_overdue", *SEPT) == {
            (a, _sep(10), ""): 1,
            (a, _sep(11), ""): 1,
            (b, _sep(15), ""): 1,
        }
        assert behind("visits_due", [a], *SEPT) == {"甲"}
        assert behind("visits_due", [a], *SEPT, key="birthday") == {"甲"}
        assert behind("visits_done", [b], *SEPT) == set()
        assert behind("visits_overdue", [a, b], *SEPT) == {"甲", "乙"}
        assert behind("visits_on_time", [a], _sep(2), _sep(27)) == set()


def test_its_totals_are_the_metrics(world: Any) -> None:
    ids = [world.community_a.pk, world.community_b.pk]
    with time_machine.travel(NOW, tick=False):
        for code, part, whole in (
            ("visits_done", "visits_done", "visits_due"),
            ("visits_on_time", "visits_on_time", "visits_done"),
        ):
            m = metric(code)
            assert m is not None
            got = m.by_community(ids, *SEPT)
            parts, wholes = totals(part, *SEPT), totals(whole, *SEPT)
            assert got == {c: (parts.get(c, 0), wholes.get(c, 0)) for c in got}
            assert set(wholes) <= set(got)


def test_it_counts_the_visit_records_and_gifts_by_visit_day(world: Any) -> None:
    a = world.community_a.pk
    with time_machine.travel(NOW, tick=False):
        assert rows_of("visit_records", *SEPT) == {
            (a, _sep(1), ""): 2,
            (a, _sep(1), "home"): 1,
            (a, _sep(1), "video"): 1,
            (a, _sep(3), ""): 1,
            (a, _sep(3), "phone"): 1,
            (a, _sep(5), ""): 1,
            (a, _sep(5), "home"): 1,
        }
        assert rows_of("gifts_money", *SEPT) == {
            (a, _sep(1), ""): 201,
            (a, _sep(3), ""): 100,
        }  # 200.75, 100.25
        assert rows_of("gifts", *SEPT) == {(a, _sep(1), ""): 1}
        assert behind("visit_records", [a], *SEPT, key="phone") == {"甲"}
        assert behind("gifts", [a], _sep(2), _sep(30)) == set()
        assert behind("gifts_money", [a], *SEPT) == {"甲"}


def test_it_stores_the_same_numbers_at_every_level(world: Any) -> None:
    a, b, street, district, city = levels(world)
    with time_machine.travel(NOW, tick=False):
        figures = stored(world, TODAY, *SEPT)
    assert [figures[u].get("visits_due") for u in (a, b, street, district, city)] == [6, 1, 7, 7, 7]
    assert figures[street].get("visits_due:holiday") == 6
    assert figures[city].get("visits_overdue") == 3
    assert figures[district].get("visits_on_time") == 2
    assert figures[city].get("visit_records:home") == 2
    assert figures[street].get("gifts_money") == 301


def test_it_reads_each_figure_in_one_grouped_query(world: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        for code in CODES:
            assert query_count(code, *SEPT) == 1, code
