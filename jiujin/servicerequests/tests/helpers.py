"""Requests for the page, API and SLA tests, created through the services like a dispatcher would."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.audit.services import Actor
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.servicerequests.services import Assignee, service_request_create, service_request_transition

NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_request(
    user: Any, cadre: Any, *, urgency: str = "emergency", category: str = "emergency_help"
) -> Any:
    return service_request_create(
        actor=Actor(user=user),
        cadre=cadre,
        category=category,
        urgency=urgency,
        description="老人在家摔倒，腿疼不能起身",
        caller_name="王芳",
        caller_relation="女儿",
    )


def move(user: Any, request: Any, state: str, *, assignee: Any = None, note: str = "") -> Any:
    if state == "dispatched" and assignee is None:
        assignee = Assignee(user=user)
    return service_request_transition(
        actor=Actor(user=user), request=request, state=state, assignee=assignee, note=note
    )


def make_cadres(n: int, community: Any, worker: Any) -> list[Any]:
    return CadreFactory.create_batch(n, community=community, responsible_worker=worker)
