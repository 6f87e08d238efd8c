from __future__ import annotations

from datetime import date, datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.audit.services import Actor
from jiujin.volunteers.matching import building_of
from jiujin.volunteers.models import Pairing, Volunteer

TODAY = date(2026, 9, 23)
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_seq = count(1)


def make_volunteer(community: Any, **fields: Any) -> Volunteer:
    n = next(_seq)
    values = {"name": f"志愿者{n}", "phone": f"1390000{n:04d}", "address": "", "skills": ""} | fields
    return Volunteer.objects.create(community=community, building=building_of(values["address"]), **values)


def pair(cadre: Any, volunteer: Volunteer, started_on: date = date(2026, 1, 1), **fields: Any) -> Pairing:
    return Pairing.objects.create(cadre=cadre, volunteer=volunteer, started_on=started_on, **fields)


def actor(user: Any) -> Actor:
    return Actor(user=user, ip="127.0.0.1")
