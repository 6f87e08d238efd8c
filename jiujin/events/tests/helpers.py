"""Events for the tests, created through the services like a worker would."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.audit.services import Actor
from jiujin.events.services import event_create

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=TZ)


def make_event(user: Any, unit: Any, *, starts_at: datetime | None = None, **extra: Any) -> Any:
    starts = starts_at or NOW + timedelta(days=2)
    data = {
        "title": "学习二十届三中全会精神",
        "kind": "study",
        "unit": unit,
        "place": "社区活动室",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": None,
        "waiting_list": True,
        "audience": "all",
        **extra,
    }
    return event_create(actor=Actor(user=user), data=data)
