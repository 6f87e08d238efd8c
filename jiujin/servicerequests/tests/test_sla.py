"""Response-time targets and the overdue flag, on a frozen clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from jiujin.audit.services import Actor
from jiujin.servicerequests import selectors
from jiujin.servicerequests.models import ServiceRequest
from jiujin.servicerequests.services import response_target_minutes, response_target_set

from .helpers import NOW, make_request, move

pytestmark = pytest.mark.django_db


def _overdue(request: Any, at: Any) -> bool:
    return selectors.with_overdue(ServiceRequest.objects.filter(pk=request.pk), at).get().overdue


def test_it_gives_an_emergency_twenty_minutes_and_a_normal_request_a_day(cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        emergency = make_request(cast.community_a, cadre_a)
        normal = make_request(cast.community_a, cadre_a, urgency="normal", category="cleaning")
    assert (emergency.target_minutes, emergency.due_at) == (20, NOW + timedelta(minutes=20))
    assert (normal.target_minutes, normal.created_at) == (1440, NOW)


def test_it_counts_an_arrival_at_19_minutes_as_on_time(cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        request = make_request(cast.community_a, cadre_a)
        move(cast.community_a, request, "dispatched")
        clock.shift(timedelta(minutes=19))
        move(cast.community_a, request, "arrived")
        assert selectors.response_minutes(request) == 19
        assert not _overdue(request, NOW + timedelta(hours=3))  # stays on time after the deadline


def test_it_counts_an_arrival_at_21_minutes_as_late(cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        request = make_request(cast.community_a, cadre_a)
        move(cast.community_a, request, "dispatched")
        clock.shift(timedelta(minutes=21))
        move(cast.community_a, request, "arrived")
        clock.shift(timedelta(minutes=30))
        move(cast.community_a, request, "completed")
    assert selectors.response_minutes(request) == 21
    assert _overdue(request, NOW + timedelta(minutes=60))  # a late arrival stays late after completion


def test_it_flags_a_request_overdue_while_still_waiting(cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        request = make_request(cast.community_a, cadre_a)
    assert not _overdue(request, NOW + timedelta(minutes=20))
    assert _overdue(request, NOW + timedelta(minutes=20, seconds=1))
    ids = selectors.filtered(cast.community_a, NOW + timedelta(minutes=25), overdue=True).values_list(
        "pk", flat=True
    )
    assert list(ids) == [request.pk]


def test_it_does_not_count_a_request_cancelled_before_arrival_as_overdue(cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        request = make_request(cast.community_a, cadre_a)
        move(cast.community_a, request, "cancelled", note="家属已送医")
    assert not _overdue(request, NOW + timedelta(hours=2))


def test_it_takes_the_nearest_units_target(cast: Any, tree: Any, cadre_a: Any) -> None:
    actor = Actor(user=cast.admin)
    response_target_set(actor=actor, unit=tree.district, category="", urgency="emergency", minutes=30)
    assert response_target_minutes(unit=tree.community_a, category="repair", urgency="emergency") == 30
    response_target_set(actor=actor, unit=tree.street, category="", urgency="emergency", minutes=15)
    response_target_set(actor=actor, unit=tree.street, category="repair", urgency="emergency", minutes=45)
    assert response_target_minutes(unit=tree.community_a, category="repair", urgency="emergency") == 45
    assert response_target_minutes(unit=tree.community_a, category="haircut", urgency="emergency") == 15
    # Another district keeps the default; normal urgency too.
    assert response_target_minutes(unit=tree.community_z, category="repair", urgency="emergency") == 20
    assert response_target_minutes(unit=tree.community_a, category="repair", urgency="normal") == 1440
    with time_machine.travel(NOW, tick=False):
        request = make_request(cast.community_a, cadre_a, category="repair")
    assert request.target_minutes == 45
    assert request.due_at == NOW + timedelta(minutes=45)
