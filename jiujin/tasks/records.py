"""Completion records: completing a task (空访 keeps it open) or cancelling it, each claimed once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record

from .models import PENDING, TaskStatus, VisitOutcome, VisitRecord, VisitTask


class TaskAlreadyDone(Exception):
    def __init__(self, message: str = "该任务已由他人完成") -> None:
        super().__init__(message)


class TaskNotOpen(Exception):
    def __init__(self, message: str = "该任务已取消，不能登记走访") -> None:
        super().__init__(message)


@transaction.atomic
def visit_task_complete(
    *,
    actor: Actor,
    task: VisitTask,
    visited_on: date,
    visitors: str,
    form: str,
    outcome: str,
    gifts: str = "",
    money: Decimal | None = None,
    findings: str = "",
    needs: str = "",
    for_reports: bool = False,
) -> VisitRecord:
    """Record a visit. 空访 (nobody home) keeps the task open to be retried; any other outcome completes it.

    Completion claims the task with a conditional UPDATE, so of two phones submitting at once only one
    writes the completing record; the other gets TaskAlreadyDone.
    """
    if outcome == VisitOutcome.NOBODY_HOME:
        _raise_unless_pending(VisitTask.objects.select_for_update().get(pk=task.pk).status)
    else:
        now = timezone.now()
        claimed = VisitTask.objects.filter(pk=task.pk, status__in=PENDING).update(
            status=TaskStatus.DONE, done_at=now
        )
        if not claimed:
            _raise_unless_pending(VisitTask.objects.get(pk=task.pk).status)
        task.status, task.done_at = TaskStatus.DONE, now
    record = VisitRecord.objects.create(
        task=task,
        visited_on=visited_on,
        visitors=visitors,
        form=form,
        outcome=outcome,
        gifts=gifts,
        money=money,
        findings=findings,
        needs=needs,
        for_reports=for_reports,
        recorded_by=actor.user,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=task.cadre,
        detail=f"走访记录：{task.title}（{VisitOutcome(outcome).label}）",
    )
    return record


def _raise_unless_pending(status: str) -> None:
    if status == TaskStatus.DONE:
        raise TaskAlreadyDone()
    if status == TaskStatus.CANCELLED:
        raise TaskNotOpen()


@transaction.atomic
def visit_task_cancel(*, actor: Actor, task: VisitTask, reason: str) -> VisitTask:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    cancelled = VisitTask.objects.filter(pk=task.pk, status__in=PENDING).update(
        status=TaskStatus.CANCELLED, cancel_reason=reason
    )
    if not cancelled:
        status = VisitTask.objects.get(pk=task.pk).status
        _raise_unless_pending(status)
    task.status, task.cancel_reason = TaskStatus.CANCELLED, reason
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=task.cadre,
        detail=f"取消走访任务：{task.title}：{reason}",
    )
    return task
