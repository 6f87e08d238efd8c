"""Helpers of the risk tests: cadres of a given age and situation, contacts and events on given days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.events.models import Attendance
from jiujin.events.tests.helpers import make_event
from jiujin.health.models import CheckUp, HospitalStay
from jiujin.visits.models import CadreEvent, EventKind


def born(today: date, years: int, days_later: int = 0) -> date:
    return today.replace(year=today.year - years) + timedelta(days=days_later)


def cadre(community: Any, worker: Any = None, **fields: Any) -> Any:
    fields.setdefault("living_arrangement", "with_children")
    fields.setdefault("health_status", "good")
    fields.setdefault("birth_date", date(1960, 1, 1))
    return CadreFactory(community=community, responsible_worker=worker, **fields)


def family_event(c: Any, day: date, kind: str = EventKind.FAMILY_EVENT) -> CadreEvent:
    return CadreEvent.objects.create(cadre=c, kind=kind, date=day)


def hospital(c: Any, admitted: date, discharged: date | None = None) -> HospitalStay:
    return HospitalStay.objects.create(
        cadre=c, hospital="黄冈市中心医院", admitted_on=admitted, discharged_on=discharged
    )


def contact(c: Any, day: date) -> None:
    """A check-in at an event on `day`: a contact, and an activity (any registered kind counts the same)."""
    at = timezone.make_aware(datetime.combine(day, time(9)))
    event = make_event(None, c.community, starts_at=at)
    Attendance.objects.create(event=event, cadre=c, checked_in_at=at, via="staff")


def checkup(c: Any, day: date) -> None:
    """A check-up on `day`: a contact but not an activity."""
    CheckUp.objects.create(cadre=c, date=day, place="社区卫生服务站")
