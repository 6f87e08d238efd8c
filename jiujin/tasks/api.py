"""The worker's tasks over /api/v1/: listing tasks (of every registered kind) and recording a visit.

Mounted at "/" on the project's NinjaAPI, so it inherits its bearer auth and error shapes. Scoping is the
pages' (VisitTask.objects.for_user); out of scope is 404 like missing. Records are validated by the page's
form, so both accept and reject the same input with the same Chinese messages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, NoAccess, access
from jiujin.core.api import (
    PAGE_SIZE,
    Detail,
    OneOf,
    Page,
    caller,
    one_of,
    page_field,
    paged,
    raise_form_errors,
)
from jiujin.core.registry import task_kinds

from .forms import VisitRecordForm
from .models import TaskStatus, VisitForm, VisitOutcome, VisitRecord, VisitTask
from .records import TaskAlreadyDone, TaskNotOpen, visit_task_complete
from .selectors import task_for_user, with_effective_status

router = Router(tags=["tasks 走访任务"])

# The kinds every app registered by now (the API is built after the apps are ready).
TaskKindName = Annotated[str, OneOf(tuple(kind.code for kind in task_kinds()))]
TaskStatusName = Annotated[str, one_of(TaskStatus)]


class TaskFilters(Schema):
    cadre: int | None = Field(None, description="老干部 id")
    from_: date | None = Field(None, alias="from", description="应访日期起 YYYY-MM-DD（含）")
    to: date | None = Field(None, description="应访日期止 YYYY-MM-DD（含）")
    status: TaskStatusName | None = Field(None, description="open / done / overdue / cancelled")
    kind: TaskKindName | None = None
    page: int = page_field(PAGE_SIZE)


class TaskOut(Schema):
    id: int
    cadre: int
    kind: str
    title: str
    due_date: date
    window_start: date
    status: str = Field(description="open / done / overdue / cancelled；过了应访日期仍未访即为 overdue")
    priority: int
    lunar_label: str = Field(description="应访日期的农历，如 农历八月十五")


class TaskPage(Page):
    items: list[TaskOut]


class RecordIn(Schema):
    visited_on: str | None = Field(None, description="YYYY-MM-DD，默认今天")
    visitors: str | None = Field(None, description="走访人，默认调用者姓名")
    form: Annotated[str, one_of(VisitForm)] = VisitForm.HOME
    outcome: Annotated[str, one_of(VisitOutcome)] = Field(
        VisitOutcome.VISITED, description="nobody_home = 空访：任务保留，可再次走访"
    )
    gifts: str = ""
    money: Decimal | None = Field(None, description="慰问金（元）")
    findings: str = ""
    needs: str = ""
    for_reports: bool = Field(False, description="了解到的情况可作为汇报材料的典型事例")


class RecordOut(Schema):
    id: int
    task: int
    task_status: str
    visited_on: date
    visitors: str
    form: str
    outcome: str
    gifts: str
    money: Decimal | None
    findings: str
    needs: str


@router.get("/visit-tasks", response=TaskPage, summary="走访任务 List visit tasks")
@access(STAFF)
def list_visit_tasks(request: HttpRequest, filters: Query[TaskFilters]) -> dict[str, Any]:
    qs = with_effective_status(VisitTask.objects.for_user(caller(request)), timezone.localdate())
    if filters.cadre is not None:
        qs = qs.filter(cadre_id=filters.cadre)  # already scoped: another's cadre simply yields nothing
    if filters.from_:
        qs = qs.filter(due_date__gte=filters.from_)
    if filters.to:
        qs = qs.filter(due_date__lte=filters.to)
    if filters.status:
        qs = qs.filter(effective_status=filters.status)  # type: ignore[misc]
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return paged(qs.order_by("due_date", "id"), filters.page, items=lambda rows: [_task_out(t) for t in rows])


def _task_out(task: VisitTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "cadre": task.cadre_id,
        "kind": task.kind,
        "title": task.title,
        "due_date": task.due_date,
        "window_start": task.window_start,
        "status": task.effective_status,  # type: ignore[attr-defined]
        "priority": task.priority,
        "lunar_label": task.lunar_label,
    }


@router.post(
    "/visit-tasks/{task_id}/records",
    response={201: RecordOut, 404: Detail, 409: Detail},
    summary="记录走访 Record a visit",
)
@access(STAFF)
def create_record(request: HttpRequest, task_id: int, payload: RecordIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    task = task_for_user(user, task_id)
    if task is None:
        raise NoAccess()
    form = VisitRecordForm(_record_values(user, payload), user=user)
    raise_form_errors(form)
    try:
        record = visit_task_complete(
            actor=actor_from_request(request, via="api"), task=task, **form.cleaned_data
        )
    except (TaskAlreadyDone, TaskNotOpen) as exc:
        raise HttpError(409, str(exc)) from None
    return 201, _record_out(record)


def _record_values(user: User, payload: RecordIn) -> dict[str, Any]:
    values = payload.dict()
    values["visited_on"] = values["visited_on"] or timezone.localdate().isoformat()
    values["visitors"] = values["visitors"] or user.display_name
    values["money"] = "" if values["money"] is None else values["money"]
    return VisitRecordForm.data_for(values)


def _record_out(record: VisitRecord) -> dict[str, Any]:
    # Read back what was stored: the money as the column keeps it, and the task's status after the visit.
    record = VisitRecord.objects.select_related("task").get(pk=record.pk)
    return {
        "id": record.pk,
        "task": record.task_id,
        "task_status": record.task.status,
        "visited_on": record.visited_on,
        "visitors": record.visitors,
        "form": record.form,
        "outcome": record.outcome,
        "gifts": record.gifts,
        "money": record.money,
        "findings": record.findings,
        "needs": record.needs,
    }
