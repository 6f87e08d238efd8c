"""Opinions for the tests, made through the services as a worker would, and a work unit's contact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.accounts.models import Role, User
from jiujin.audit.services import Actor
from jiujin.cadres.models import WorkUnit
from jiujin.conftest import PASSWORD
from jiujin.opinions.services import opinion_create, opinion_reply

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 1, 10, 0, tzinfo=TZ)  # raised on 1 September: due on 16 September by default
TODAY = NOW.date()


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def give_work_unit(cadre: Any, name: str = "黄冈市财政局") -> WorkUnit:
    unit, _ = WorkUnit.objects.get_or_create(name=name)
    type(cadre).objects.filter(pk=cadre.pk).update(work_unit=unit)
    cadre.work_unit = unit
    return unit


def make_contact(work_unit: WorkUnit, username: str = "wu-contact") -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=Role.WORK_UNIT, work_unit=work_unit, last_name="王"
    )


def make_opinion(user: Any, cadre: Any, *, route_to: str = "community", **extra: Any) -> Any:
    return opinion_create(
        actor=Actor(user=user),
        cadre=cadre,
        source=extra.pop("source", "visit"),
        content=extra.pop("content", "希望活动室冬天开放暖气"),
        route_to=route_to,
        **extra,
    )


def answer(user: Any, opinion: Any, outcome: str = "solved", reason: str = "") -> Any:
    return opinion_reply(
        actor=Actor(user=user), opinion=opinion, reply="已协调物业开放", outcome=outcome, reason=reason
    )
