"""Writes of the task table shared by every app that creates tasks: adding computed tasks once, marking
the overdue ones, and cancelling the scheduled ones of a closed file (by the kinds' registry)."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiujin.core.registry import task_kinds

from .models import PENDING, TaskStatus, VisitTask


def tasks_add(rows: list[VisitTask]) -> int:
    """Insert the tasks whose (cadre, rule_key, occurrence) is not there yet; returns how many were new.

    For the engines that compute their tasks in Python (巡诊 schedules, service plans)."""
    if not rows:
        return 0
    existing = set(
        VisitTask.objects.filter(
            cadre_id__in={r.cadre_id for r in rows},  # the unique key's index leads with cadre
            rule_key__in={r.rule_key for r in rows},
            occurrence__in={r.occurrence for r in rows},
        ).values_list("cadre_id", "rule_key", "occurrence")
    )
    new = [r for r in rows if (r.cadre_id, r.rule_key, r.occurrence) not in existing]
    # ignore_conflicts: a concurrent run may have inserted the same key since the read above.
    VisitTask.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def tasks_mark_overdue(*, today: date) -> int:
    """Open tasks past their due date become overdue; they stay visitable."""
    return VisitTask.objects.filter(status=TaskStatus.OPEN, due_date__lt=today).update(
        status=TaskStatus.OVERDUE
    )


def scheduled_kind_codes() -> list[str]:
    return [kind.code for kind in task_kinds() if kind.scheduled]


def tasks_cancel_scheduled(*, cadre: Any, reason: str) -> int:
    """A cadre who died or moved out gets no more scheduled tasks (every kind registered `scheduled`:
    birthday, holiday, 巡诊, plan services …); tasks called for by an event stay open for the worker."""
    return VisitTask.objects.filter(cadre=cadre, kind__in=scheduled_kind_codes(), status__in=PENDING).update(
        status=TaskStatus.CANCELLED, cancel_reason=reason
    )
