"""Task and record rows for the page, API and export tests (the backend's generator is tested elsewhere)."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.lib.calendar import lunar_label
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask
from jiujin.visits.task_kinds import HOLIDAY

TODAY = date(2026, 9, 23)  # a Wednesday, two days before 中秋 (2026-09-25 is 农历八月十五)
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_seq = count(1)


def make_task(cadre: Any, due: date, **fields: Any) -> VisitTask:
    n = next(_seq)
    values = {
        "kind": HOLIDAY.code,
        "rule_key": f"test:{n}",
        "occurrence": str(due.year),
        "title": "中秋慰问",
        "window_start": due,
        "lunar_label": lunar_label(due),
        "assignee": cadre.responsible_worker,
        "status": TaskStatus.OPEN,
    }
    return VisitTask.objects.create(cadre=cadre, due_date=due, **(values | fields))


def make_cadres(n: int, community: Any, worker: Any) -> list[Any]:
    return CadreFactory.create_batch(n, community=community, responsible_worker=worker)


def make_record(task: VisitTask, visited_on: date, **fields: Any) -> VisitRecord:
    values = {"visitors": "王芳", "form": "home", "outcome": "visited"}
    return VisitRecord.objects.create(task=task, visited_on=visited_on, **(values | fields))
