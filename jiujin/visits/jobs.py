"""The visits app's step of the daily loop (registered in apps.py)."""

from __future__ import annotations

from datetime import date

from .generation import visit_tasks_generate


def visit_tasks_daily(today: date, through: date | None) -> str:
    return f"新生成任务 {visit_tasks_generate(today=today, through=through)} 项"
