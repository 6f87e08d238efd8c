"""人均参加活动次数 and 健康讲座场次 for the 千分 assessment, against hand-built events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import time_machine

from jiujin.cadres.models import CadreStatus
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.registry import metric
from jiujin.events.models import Attendance, Event
from jiujin.events.tests.helpers import NOW, TZ

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _event(unit: Any, starts: datetime, kind: str, *attendees: Any) -> Event:
    event = Event.objects.create(
        title="活动", kind=kind, unit=unit, starts_at=starts, ends_at=starts + timedelta(hours=2)
    )
    Attendance.objects.bulk_create([Attendance(event=event, cadre=c, via="list") for c in attendees])
    return event


def _world(tree: Any) -> list[int]:
    a, b = tree.community_a, tree.community_b
    a1, a2 = CadreFactory(community=a), CadreFactory(community=a)
    gone = CadreFactory(community=a, status=CadreStatus.DECEASED)
    b1, _b2 = CadreFactory(community=b), CadreFactory(community=b)
    _event(a, datetime(2026, 3, 1, 9, tzinfo=TZ), "health", a1, a2, gone)  # gone counts on neither side
    _event(tree.street, datetime(2026, 4, 1, 9, tzinfo=TZ), "health", a1, b1)  # the street's lecture
    _event(a, datetime(2025, 12, 31, 23, tzinfo=TZ), "culture", a1)  # before the range
    _event(a, datetime(2026, 10, 1, 9, tzinfo=TZ), "health")  # not held yet
    _event(b, datetime(2026, 6, 1, 9, tzinfo=TZ), "study", b1)
    return [a.pk, b.pk, tree.community_z.pk]


def test_it_counts_check_ins_per_active_cadre(tree: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        ids = _world(tree)
        m = metric("attendance_per_cadre")
        assert m is not None and m.kind == "ratio"
        got = m.by_community(ids, *YEAR)
    assert got == {tree.community_a.pk: (3, 2), tree.community_b.pk: (2, 2)}  # Z has no cadre
    assert m.value(*got[tree.community_a.pk]) == 1.5


def test_it_counts_the_health_lectures_the_community_held(tree: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        ids = _world(tree)
        m = metric("health_lectures")
        assert m is not None and m.kind == "count"
        got = m.by_community(ids, *YEAR)
        # The street's lecture counts for no community, the one not yet held neither.
        assert got == {tree.community_a.pk: (1, 0)}
        assert m.by_community(ids, date(2026, 1, 1), date(2026, 2, 28)) == {}
