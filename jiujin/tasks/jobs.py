"""The tasks app's steps of the daily loop (registered in apps.py)."""

from __future__ import annotations

from datetime import date

from .reminders import reminders_queue_daily
from .scope import task_communities_sync
from .services import tasks_mark_overdue


def tasks_overdue_daily(today: date, through: date | None) -> str:
    return f"逾期 {tasks_mark_overdue(today=today)} 项"


def task_communities_daily(today: date, through: date | None) -> str:
    return f"任务社区校正 {task_communities_sync()} 项"


def reminder_digest_daily(today: date, through: date | None) -> str:
    return f"提醒入队 {reminders_queue_daily(today=today)} 条"
