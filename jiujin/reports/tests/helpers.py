"""One row of every ledger for a cadre, in the period (2026) and one before it (2025): the bundle's tests and
the access walk build on it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.contributions.tests.helpers import log_hours
from jiujin.events.models import Attendance
from jiujin.events.tests.helpers import make_event
from jiujin.health.models import CheckUp
from jiujin.opinions.tests.helpers import make_opinion
from jiujin.servicerequests.tests.helpers import make_request
from jiujin.visits.tests.helpers import make_record, make_task
from jiujin.volunteers.models import ContactLog
from jiujin.volunteers.tests.helpers import make_volunteer, pair

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
SHEETS = ["名册", "走访", "服务工单", "一助一", "健康讲座和义诊", "学习和活动", "发挥作用", "意见建议"]


def fill_ledgers(worker: Any, unit: Any, cadre: Any, *, note: str = "走访了解情况") -> dict[str, Any]:
    """One row on every sheet for `cadre` (of `unit`, a community) in 2026, plus a visit of 2025."""
    task = make_task(cadre, date(2026, 9, 10))
    make_record(task, date(2026, 9, 10), findings=note)
    make_record(make_task(cadre, date(2025, 9, 10), occurrence="2025"), date(2025, 9, 10))
    make_request(worker, cadre)
    volunteer = make_volunteer(unit)
    pairing = pair(
        cadre, volunteer, started_on=date(2026, 2, 1), ended_on=date(2026, 8, 1), end_reason="志愿者搬家"
    )
    ContactLog.objects.create(pairing=pairing, on=date(2026, 3, 1), note="陪同买菜")
    ContactLog.objects.create(pairing=pairing, on=date(2025, 12, 1), note="上年的")
    lecture = make_event(
        worker, unit, starts_at=datetime(2026, 5, 10, 9, tzinfo=TZ), kind="health", title="健康讲座"
    )
    Attendance.objects.create(event=lecture, cadre=cadre, via="list")
    study = make_event(worker, unit, starts_at=datetime(2026, 6, 1, 9, tzinfo=TZ), title="政治学习")
    Attendance.objects.create(event=study, cadre=cadre, via="list")
    CheckUp.objects.create(
        cadre=cadre, date=date(2026, 4, 1), place="社区卫生服务站", systolic=150, diastolic=95
    )
    log_hours(worker, cadre, "2", day=date(2026, 8, 1))
    make_opinion(worker, cadre, content=note)
    return {"lecture": lecture, "study": study, "pairing": pairing}
