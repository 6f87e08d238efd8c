"""One death path: 去世 on the status page and 登记事件 去世 both make one 吊唁 and run the hooks once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiujin.audit.services import Actor
from jiujin.cadres import hooks
from jiujin.cadres.models import CadreStatus
from jiujin.cadres.services import cadre_change_status
from jiujin.tasks.models import TaskStatus, VisitTask
from jiujin.visits.events import DECEASED_NO_EVENTS, cadre_event_record
from jiujin.visits.models import CadreEvent, EventKind
from jiujin.visits.task_kinds import CONDOLENCE

pytestmark = pytest.mark.django_db

DIED = date(2026, 1, 10)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 1, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def closings() -> Iterator[list[str]]:
    """The cadres whose file-closed hooks ran, in order (a spy hook, removed afterwards)."""
    seen: list[str] = []

    def spy(*, cadre: Any, reason: str, **_: Any) -> None:
        seen.append(f"{cadre.pk}:{reason}")

    hooks.on_file_closed(spy)
    yield seen
    hooks._file_closed.remove(spy)


def condolences(cadre: Any) -> list[VisitTask]:
    return list(VisitTask.objects.filter(cadre=cadre, kind=CONDOLENCE.code))


def test_it_makes_the_condolence_visit_from_the_status_page(
    cast: Any, cadre_a: Any, client_for: Any, closings: list[str]
) -> None:
    response = client_for(cast.community_a).post(
        f"/cadres/{cadre_a.pk}/status/", {"status": "deceased", "date": "2026-01-10", "reason": "病故"}
    )
    assert response.status_code == 302
    [task] = condolences(cadre_a)
    assert (task.title, task.due_date, task.status) == ("吊唁慰问家属", date(2026, 1, 12), TaskStatus.OPEN)
    assert task.assignee == cast.community_a
    # The death is in the cadre's events as if 登记事件 had been used.
    event = CadreEvent.objects.get(cadre=cadre_a)
    assert (event.kind, event.date, event.note, task.event) == (EventKind.DEATH, DIED, "病故", event)
    assert closings == [f"{cadre_a.pk}:老干部已去世"]


def test_it_makes_no_second_condolence_when_both_ways_are_used(
    cast: Any, cadre_a: Any, client_for: Any, closings: list[str]
) -> None:
    actor = Actor(user=cast.community_a)
    cadre_change_status(actor=actor, cadre=cadre_a, status=CadreStatus.DECEASED, on=DIED, reason="病故")
    with pytest.raises(ValidationError) as caught:
        cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.DEATH, on=DIED)
    assert caught.value.messages == [DECEASED_NO_EVENTS]
    assert len(condolences(cadre_a)) == 1 and closings == [f"{cadre_a.pk}:老干部已去世"]


def test_it_runs_the_hooks_once_for_a_death_recorded_as_an_event(
    cast: Any, cadre_a: Any, closings: list[str]
) -> None:
    event = cadre_event_record(
        actor=Actor(user=cast.community_a), cadre=cadre_a, kind=EventKind.DEATH, on=DIED
    )
    [task] = condolences(cadre_a)
    assert task.event == event and CadreEvent.objects.filter(cadre=cadre_a).count() == 1
    assert closings == [f"{cadre_a.pk}:老干部已去世"]


def test_it_runs_the_hooks_only_when_the_file_closes(cast: Any, cadre_a: Any, closings: list[str]) -> None:
    actor = Actor(user=cast.community_a)
    cadre_change_status(actor=actor, cadre=cadre_a, status=CadreStatus.MOVED_OUT, on=DIED, reason="迁居")
    # Already closed: a later 去世 neither re-runs the hooks nor sends the old community to condole.
    cadre_change_status(actor=actor, cadre=cadre_a, status=CadreStatus.DECEASED, on=DIED, reason="病故")
    assert closings == [f"{cadre_a.pk}:老干部已迁出"] and condolences(cadre_a) == []


def test_it_keeps_one_condolence_when_a_death_is_undone_and_redone(cast: Any, cadre_a: Any) -> None:
    actor = Actor(user=cast.community_a)
    for status in (CadreStatus.DECEASED, CadreStatus.ACTIVE, CadreStatus.DECEASED):
        cadre_change_status(actor=actor, cadre=cadre_a, status=status, on=DIED, reason="更正")
    assert len(condolences(cadre_a)) == 1


def test_it_refuses_a_change_to_the_status_already_stored(
    cast: Any, cadre_a: Any, closings: list[str]
) -> None:
    actor = Actor(user=cast.community_a)
    stale = type(cadre_a).objects.get(pk=cadre_a.pk)
    cadre_change_status(actor=actor, cadre=cadre_a, status=CadreStatus.DECEASED, on=DIED, reason="病故")
    with pytest.raises(ValidationError):  # a second page open on the same cadre, 在册 when it was loaded
        cadre_change_status(actor=actor, cadre=stale, status=CadreStatus.DECEASED, on=DIED, reason="病故")
    assert len(closings) == 1 and len(condolences(cadre_a)) == 1
