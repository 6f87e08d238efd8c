"""The one table of allowed transitions, its refusals, timestamps and the timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.servicerequests.models import ServiceRequest
from jiujin.servicerequests.services import Assignee, TransitionRefused, service_request_rate
from jiujin.volunteers.models import Volunteer

from .helpers import NOW, make_request, move

pytestmark = pytest.mark.django_db


def test_it_walks_received_dispatched_arrived_completed_with_a_timestamp_each(
    cast: Any, cadre_a: Any
) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        request = make_request(cast.community_a, cadre_a)
        for minutes, state in [(2, "dispatched"), (15, "arrived"), (60, "completed")]:
            clock.move_to(NOW + timedelta(minutes=minutes))
            move(cast.community_a, request, state, note=f"{state} note")
    request = ServiceRequest.objects.get(pk=request.pk)
    assert request.state == "completed"
    assert request.dispatched_at == NOW + timedelta(minutes=2)
    assert request.arrived_at == NOW + timedelta(minutes=15)
    assert request.completed_at == NOW + timedelta(minutes=60)
    assert request.assignee_user == cast.community_a
    timeline = list(request.events.values_list("state", "at", "actor", "note"))
    assert [t[0] for t in timeline] == ["received", "dispatched", "arrived", "completed"]
    assert timeline[1] == ("dispatched", NOW + timedelta(minutes=2), cast.community_a.pk, "dispatched note")
    assert (
        AuditEvent.objects.filter(
            cadre_id=cadre_a.pk, action="create", detail__contains="受理服务工单"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("path", "state", "message"),
    [
        ([], "arrived", "工单尚未派单，不能登记到达"),
        ([], "completed", "服务人员尚未到达，不能登记完成"),
        (["dispatched"], "completed", "服务人员尚未到达，不能登记完成"),
        (["cancelled"], "completed", "工单已取消，不能再改为“完成”"),
        (["cancelled"], "dispatched", "工单已取消，不能再改为“派单”"),
        (["dispatched", "arrived", "completed"], "cancelled", "工单已完成，不能再改为“取消”"),
        (["dispatched", "arrived"], "dispatched", "工单当前为“到达”，不能改为“派单”"),
    ],
)
def test_it_refuses_illegal_transitions_in_chinese(
    cast: Any, cadre_a: Any, path: list[str], state: str, message: str
) -> None:
    request = make_request(cast.community_a, cadre_a)
    for step in path:
        move(cast.community_a, request, step)
    before = request.events.count()
    with pytest.raises(TransitionRefused, match=message):
        move(cast.community_a, request, state)
    assert ServiceRequest.objects.get(pk=request.pk).state == (path[-1] if path else "received")
    assert request.events.count() == before


def test_it_reads_the_stored_state_not_the_callers_stale_copy(cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.community_a, cadre_a)
    stale = ServiceRequest.objects.get(pk=request.pk)
    move(cast.community_a, request, "cancelled")
    with pytest.raises(TransitionRefused, match="工单已取消"):
        move(cast.community_a, stale, "dispatched")


def test_it_needs_an_assignee_to_dispatch(cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.community_a, cadre_a)
    with pytest.raises(ValidationError):
        move(cast.community_a, request, "dispatched", assignee=Assignee())


def test_it_redispatches_to_a_volunteer_keeping_the_first_dispatch_time(
    cast: Any, tree: Any, cadre_a: Any
) -> None:
    volunteer = Volunteer.objects.create(name="李青", phone="13900000001", community=tree.community_a)
    with time_machine.travel(NOW, tick=False) as clock:
        request = make_request(cast.community_a, cadre_a)
        move(cast.community_a, request, "dispatched")
        clock.shift(timedelta(minutes=5))
        move(cast.community_a, request, "dispatched", assignee=Assignee(volunteer=volunteer))
    request.refresh_from_db()
    assert (request.assignee_user, request.assignee_volunteer) == (None, volunteer)
    assert request.dispatched_at == NOW
    assert request.assignee_label == "李青（志愿者）"
    assert request.events.last().assignee == "李青（志愿者）"


def test_it_rates_only_a_completed_request(cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.community_a, cadre_a)
    actor = Actor(user=cast.community_a)
    with pytest.raises(TransitionRefused, match="工单完成后才能评价"):
        service_request_rate(actor=actor, request=request, satisfaction="satisfied")
    for state in ["dispatched", "arrived", "completed"]:
        move(cast.community_a, request, state)
    service_request_rate(actor=actor, request=request, satisfaction="fair", comment="来得有点晚")
    request.refresh_from_db()
    assert (request.satisfaction, request.satisfaction_comment) == ("fair", "来得有点晚")
    assert request.rated_at is not None
