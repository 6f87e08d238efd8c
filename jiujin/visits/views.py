"""Pages of the five must-visits: the worker's agenda with one-tap recording, the lunar month calendar,
supervisors' completion stats, events on a cadre, and the ledger export.

Scoping goes only through `VisitTask.objects.for_user` / `get_cadre_for_user` (via selectors); writes only
through `services`. Out of scope is a 404, exactly like missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.services import cadre_record_view, get_cadre_for_user
from jiujin.core.http import AuthedRequest
from jiujin.lib.calendar import lunar_label
from jiujin.orgs.models import OrgUnit

from . import selectors
from .exports import ledger_filename, write_ledger
from .forms import GIFT_CHIPS, CadreEventForm, PeriodForm, VisitRecordForm
from .models import EventKind, TaskStatus, VisitOutcome, VisitTask
from .services import TaskAlreadyDone, TaskNotOpen, cadre_event_record, visit_task_complete

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALREADY_DONE = "该任务已由他人完成"


def _task_or_404(user: User, pk: int) -> VisitTask:
    task = selectors.task_for_user(user, pk)
    if task is None:
        raise Http404("没有找到该走访任务")
    return task


# ---------------------------------------------------------------- agenda


@login_required
@require_GET
def agenda(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "agenda": selectors.agenda_for(request.user, today=today),
        "today": today,
        "today_lunar": lunar_label(today),
        "supervisor": selectors.is_supervisor(request.user),
        "period": PeriodForm(None, today=today),
    }
    return render(request, "visits/agenda.html", context)


@login_required
@require_GET
def task_row(request: AuthedRequest, pk: int) -> HttpResponse:
    """One agenda row: what the form's 取消 button swaps back in."""
    task = _task_or_404(request.user, pk)
    return render(request, "visits/_task.html", {"task": task, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def task_record(request: AuthedRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request.user, pk)
    today = timezone.localdate()
    if task.status not in (TaskStatus.OPEN, TaskStatus.OVERDUE):
        return _task_gone(request, task, _closed_message(task))
    form = VisitRecordForm(request.POST or None, user=request.user, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            record = visit_task_complete(actor=actor_from_request(request), task=task, **form.cleaned_data)
        except (TaskAlreadyDone, TaskNotOpen) as exc:
            # The other phone won the race; one record exists, and this one is not written.
            return _task_gone(request, task, str(exc) or ALREADY_DONE)
        return _recorded(request, task, nobody_home=record.outcome == VisitOutcome.NOBODY_HOME)
    context = {"task": task, "form": form, "today": today, "gift_chips": GIFT_CHIPS}
    template = "visits/_record_form.html" if request.htmx else "visits/record.html"
    return render(request, template, context)


def _closed_message(task: VisitTask) -> str:
    if task.status == TaskStatus.CANCELLED:
        return f"该任务已取消：{task.cancel_reason}" if task.cancel_reason else "该任务已取消"
    return ALREADY_DONE


def _recorded(request: AuthedRequest, task: VisitTask, *, nobody_home: bool) -> HttpResponse:
    if nobody_home:
        text = f"已记录空访：{task.cadre.name}，任务保留，请再次走访"
    else:
        text = f"已记录走访：{task.cadre.name} · {task.title}"
    if not request.htmx:
        messages.success(request, text)
        return redirect("visits:agenda")
    if nobody_home:
        # The task stays on the agenda: swap its row back in, with the note.
        return render(
            request, "visits/_task.html", {"task": task, "today": timezone.localdate(), "note": text}
        )
    return render(request, "visits/_notice.html", {"text": text, "kind": "ok"})


def _task_gone(request: AuthedRequest, task: VisitTask, text: str) -> HttpResponse:
    if not request.htmx:
        messages.warning(request, f"{task.cadre.name} · {task.title}：{text}")
        return redirect("visits:agenda")
    return render(request, "visits/_notice.html", {"text": f"{task.cadre.name} · {task.title}：{text}"})


# ---------------------------------------------------------------- calendar


@login_required
@require_GET
def month_calendar(request: AuthedRequest) -> HttpResponse:
    first = selectors.month_start(request.GET.get("month"), today=timezone.localdate())
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=31)).replace(day=1)
    context = {
        "first": first,
        "weeks": selectors.month_grid(request.user, first),
        "previous": previous,
        "following": following,
        "today": timezone.localdate(),
        "weekdays": "一二三四五六日",
    }
    return render(request, "visits/calendar.html", context)


# ---------------------------------------------------------------- supervisors


@login_required
@require_GET
def stats(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.is_supervisor(user):
        raise PermissionDenied("街道及以上单位可查看走访完成情况")
    today = timezone.localdate()
    period = PeriodForm(request.GET or None, today=today)
    start, end = period.period()
    community = _community_or_404(user, request.GET.get("community"))
    context = {
        "period": period,
        "start": start,
        "end": end,
        "today": today,
        "community": community,
        "by_kind": selectors.rates_by_kind(user, start, end, today=today),
        "by_community": selectors.rates_by_community(user, start, end, today=today),
        "overdue": selectors.overdue_tasks(
            user, start, end, today=today, community=community.code if community else None
        ),
        "query": f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}",
    }
    return render(request, "visits/stats.html", context)


def _community_or_404(user: User, code: str | None) -> OrgUnit | None:
    if not code:
        return None
    unit = OrgUnit.objects.for_user(user).communities().filter(code=code).first()
    if unit is None:
        raise Http404("没有找到该社区")
    return unit


@login_required
@require_GET
def ledger_export(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can("export_roster"):
        raise PermissionDenied("没有导出台账的权限")
    period = PeriodForm(request.GET or None, today=timezone.localdate())
    if request.GET and not period.is_valid():
        errors = [str(e) for e in period.non_field_errors()] or ["日期格式应为 YYYY-MM-DD"]
        return HttpResponseBadRequest("；".join(errors))
    start, end = period.period()
    records = selectors.ledger_records(user, start, end).iterator(chunk_size=2000)
    content, cadre_ids = write_ledger(records, title=f"走访台账 {start}至{end}")
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出走访台账 {start:%Y-%m-%d}至{end:%Y-%m-%d}，涉及 {len(cadre_ids)} 人",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, ledger_filename(start, end))
    return response


# ---------------------------------------------------------------- one cadre


@login_required
@require_GET
def cadre_visits(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)
    cadre_record_view(actor=actor_from_request(request), cadre=cadre, detail="查看走访记录")
    context = {
        "cadre": cadre,
        "tasks": selectors.cadre_tasks(cadre).select_related("assignee"),
        "records": selectors.cadre_records(cadre),
        "events": cadre.events.select_related("created_by"),
        "today": timezone.localdate(),
        "can_manage": request.user.can("manage_cadres"),
    }
    return render(request, "visits/cadre.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cadre_event_new(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)  # 404 before 403: out of scope looks missing
    if not request.user.can("manage_cadres"):
        raise PermissionDenied("没有登记事件的权限")
    form = CadreEventForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = cadre_event_record(
                actor=actor_from_request(request),
                cadre=cadre,
                kind=data["kind"],
                on=data["date"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _event_message(event))
            return redirect("visits:cadre", cadre_pk=cadre.pk)
    return render(request, "visits/event_form.html", {"cadre": cadre, "form": form, "death": EventKind.DEATH})


def _event_message(event: Any) -> str:
    count = event.tasks.count()
    follow = f"，已生成 {count} 项走访任务" if count else ""
    return f"已登记{event.get_kind_display()}（{date.isoformat(event.date)}）{follow}"
