"""The visits app's steps of the daily loop (registered in apps.py)."""

from __future__ import annotations

from datetime import date

from .generation import visit_tasks_generate, visit_tasks_mark_overdue
from .reminders import reminders_queue_daily


def visit_tasks_daily(today: date, through: date | None) -> str:
    overdue = visit_tasks_mark_overdue(today=today)
    created = visit_tasks_generate(today=today, through=through)
    return f"逾期 {overdue} 项，新生成任务 {created} 项"


def reminder_digest_daily(today: date, through: date | None) -> str:
    return f"提醒入队 {reminders_queue_daily(today=today)} 条"
