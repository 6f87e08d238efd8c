"""去世 recorded twice, or five times at once, makes one 吊唁慰问; an event on a deceased cadre is a 4xx."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client

from jiujin.accounts.models import ApiToken
from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.tasks.models import TaskStatus, VisitTask
from jiujin.visits.events import DECEASED_NO_EVENTS, cadre_event_record
from jiujin.visits.models import CadreEvent, EventKind
from jiujin.visits.task_kinds import CONDOLENCE
from jiujin.visits.tests.helpers import make_task

pytestmark = pytest.mark.django_db

DIED = date(2026, 1, 10)


def condolences(cadre: Any) -> int:
    return VisitTask.objects.filter(cadre=cadre, kind=CONDOLENCE.code).count()


def test_it_makes_one_condolence_when_death_is_recorded_twice(cast: Any, cadre_a: Any) -> None:
    actor = Actor(user=cast.community_a)
    cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.DEATH, on=DIED)
    with pytest.raises(ValidationError) as caught:
        cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.DEATH, on=DIED)
    assert caught.value.messages == [DECEASED_NO_EVENTS]
    assert condolences(cadre_a) == 1
    assert CadreEvent.objects.filter(cadre=cadre_a).count() == 1


def test_it_rereads_the_cadre_so_a_stale_copy_cannot_record_a_second_death(cast: Any, cadre_a: Any) -> None:
    # Two requests loaded the cadre while still 在册; the second records after the first committed.
    first, second, third = (Cadre.objects.get(pk=cadre_a.pk) for _ in range(3))
    actor = Actor(user=cast.community_a)
    cadre_event_record(actor=actor, cadre=first, kind=EventKind.DEATH, on=DIED)
    assert second.status == third.status == CadreStatus.ACTIVE  # stale
    with pytest.raises(ValidationError):
        cadre_event_record(actor=actor, cadre=second, kind=EventKind.DEATH, on=DIED)
    with pytest.raises(ValidationError):
        cadre_event_record(actor=actor, cadre=third, kind=EventKind.HOSPITALISED, on=DIED)
    assert condolences(cadre_a) == 1
    assert list(CadreEvent.objects.filter(cadre=cadre_a).values_list("kind", flat=True)) == ["death"]


def test_the_table_holds_one_live_condolence_per_cadre(cadre_a: Any) -> None:
    make_task(cadre_a, DIED, kind=CONDOLENCE.code, rule_key="condolence", occurrence="event-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_task(cadre_a, DIED, kind=CONDOLENCE.code, rule_key="condolence", occurrence="event-2")
    # A cancelled one does not count: the cadre's 吊唁 can be made again after a wrong cancellation.
    VisitTask.objects.filter(cadre=cadre_a).update(status=TaskStatus.CANCELLED)
    make_task(cadre_a, DIED, kind=CONDOLENCE.code, rule_key="condolence", occurrence="event-3")


def test_the_event_page_says_the_cadre_has_died(cast: Any, cadre_a: Any, client_for: Any) -> None:
    cadre_event_record(actor=Actor(user=cast.community_a), cadre=cadre_a, kind=EventKind.DEATH, on=DIED)
    response = client_for(cast.community_a).post(
        f"/visits/cadres/{cadre_a.pk}/events/new/",
        {"kind": "death", "date": "2026-01-11", "confirm_death": "on"},
    )
    assert response.status_code == 200
    assert DECEASED_NO_EVENTS in response.content.decode()
    assert condolences(cadre_a) == 1


def test_the_event_api_answers_422_for_a_deceased_cadre(cast: Any, cadre_a: Any) -> None:
    cadre_event_record(actor=Actor(user=cast.community_a), cadre=cadre_a, kind=EventKind.DEATH, on=DIED)
    headers = {"Authorization": f"Bearer {ApiToken.issue(cast.community_a)[1]}"}
    response = Client().post(
        f"/api/v1/cadres/{cadre_a.pk}/events",
        {"kind": "death", "date": "2026-01-11"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [{"loc": ["body"], "msg": DECEASED_NO_EVENTS, "type": "value_error"}]
    assert condolences(cadre_a) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks: runs on PostgreSQL in CI")
@pytest.mark.django_db(transaction=True)
def test_five_parallel_deaths_make_one_condolence(cast: Any, cadre_a: Any) -> None:
    actor = Actor(user=cast.community_a)
    start = threading.Barrier(5)
    outcomes: list[str] = []

    def record() -> None:
        try:
            start.wait()
            cadre_event_record(
                actor=actor, cadre=Cadre.objects.get(pk=cadre_a.pk), kind=EventKind.DEATH, on=DIED
            )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ok", "refused", "refused", "refused", "refused"]
    assert condolences(cadre_a) == 1
    assert Cadre.objects.get(pk=cadre_a.pk).status == CadreStatus.DECEASED
