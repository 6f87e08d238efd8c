"""Pages of the worker's due work: the agenda with one-tap recording, the lunar month calendar and the
in-app reminders. The apps that create tasks add buttons and sections to the agenda through the registry.

Scoping goes only through `VisitTask.objects.for_user` (via selectors); writes only through the service
modules (`records`, `reminders`). Out of scope is a 404, exactly like missing.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.core.access import PUBLIC, STAFF, access
from jiujin.core.http import AuthedRequest
from jiujin.core.registry import agenda_links_for, agenda_panels_for, visit_follow_ups_for
from jiujin.lib.calendar import lunar_label

from . import selectors
from .forms import GIFT_CHIPS, VisitRecordForm
from .models import TaskStatus, VisitOutcome, VisitRecord, VisitTask
from .records import TaskAlreadyDone, TaskNotOpen, visit_task_complete
from .reminders import notifications_mark_read

ALREADY_DONE = "该任务已由他人完成"


def _task_or_404(user: User, pk: int) -> VisitTask:
    task = selectors.task_for_user(user, pk)
    if task is None:
        raise Http404("没有找到该走访任务")
    return task


# ---------------------------------------------------------------- agenda


@access(STAFF)
@login_required
@require_GET
def agenda(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "agenda": selectors.agenda_for(request.user, today=today),
        "today": today,
        "today_lunar": lunar_label(today),
        "links": agenda_links_for(request.user),
        "panels": agenda_panels_for(request),
    }
    return render(request, "tasks/agenda.html", context)


@access(STAFF)
@login_required
@require_GET
def task_row(request: AuthedRequest, pk: int) -> HttpResponse:
    """One agenda row: what the form's 取消 button swaps back in."""
    task = _task_or_404(request.user, pk)
    return render(request, "tasks/_task.html", {"task": task, "today": timezone.localdate()})


@access(STAFF)
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
        return _recorded(request, task, record)
    context = {"task": task, "form": form, "today": today, "gift_chips": GIFT_CHIPS}
    template = "tasks/_record_form.html" if request.htmx else "tasks/record.html"
    return render(request, template, context)


def _closed_message(task: VisitTask) -> str:
    if task.status == TaskStatus.CANCELLED:
        return f"该任务已取消：{task.cancel_reason}" if task.cancel_reason else "该任务已取消"
    return ALREADY_DONE


def _recorded(request: AuthedRequest, task: VisitTask, record: VisitRecord) -> HttpResponse:
    nobody_home = record.outcome == VisitOutcome.NOBODY_HOME
    if nobody_home:
        text = f"已记录空访：{task.cadre.name}，任务保留，请再次走访"
    else:
        text = f"已记录走访：{task.cadre.name} · {task.title}"
    # What other apps offer after a visit (a survey to fill in with the cadre …), as links after the text.
    links = [] if nobody_home else visit_follow_ups_for(request.user, record)
    if not request.htmx:
        messages.success(request, format_html("{}{}", text, _links_html(links)))
        return redirect("tasks:agenda")
    if nobody_home:
        # The task stays on the agenda: swap its row back in, with the note.
        return render(
            request, "tasks/_task.html", {"task": task, "today": timezone.localdate(), "note": text}
        )
    return render(request, "tasks/_notice.html", {"text": text, "kind": "ok", "links": links})


def _links_html(links: list[tuple[str, str]]) -> str:
    return format_html_join("", ' <a class="button" href="{}">{}</a>', ((url, label) for label, url in links))


def _task_gone(request: AuthedRequest, task: VisitTask, text: str) -> HttpResponse:
    if not request.htmx:
        messages.warning(request, f"{task.cadre.name} · {task.title}：{text}")
        return redirect("tasks:agenda")
    return render(request, "tasks/_notice.html", {"text": f"{task.cadre.name} · {task.title}：{text}"})


# ---------------------------------------------------------------- calendar


@access(STAFF)
@login_required
@require_GET
def month_calendar(request: AuthedRequest) -> HttpResponse:
    first = selectors.month_start(request.GET.get("month"), today=timezone.localdate())
    if not 1900 <= first.year <= 2100:
        # Like an unreadable month: 0001-01 or 9999-12 would have no previous/next month (OverflowError).
        first = timezone.localdate().replace(day=1)
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
    return render(request, "tasks/calendar.html", context)


# ---------------------------------------------------------------- in-app reminders

REMINDERS_PAGE_SIZE = 30


@access(STAFF)
@login_required
@require_GET
def reminders(request: AuthedRequest) -> HttpResponse:
    page = Paginator(selectors.in_app_notifications(request.user), REMINDERS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "tasks/reminders.html", {"page": page, "items": list(page.object_list)})


@access(STAFF)
@login_required
@require_POST
def reminders_mark_read(request: AuthedRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)
    messages.success(request, f"已将 {count} 条提醒标为已读" if count else "没有未读提醒")
    return redirect("tasks:reminders")


@access(PUBLIC)
@require_GET
def reminders_badge(request: HttpRequest) -> HttpResponse:
    """The nav's unread count, fetched by htmx after the page loads so no page pays for it.

    Not behind login_required: a redirect would swap the login page into the nav; nothing is shown instead.
    """
    user = request.user
    if not user.is_authenticated:
        return HttpResponse("")
    count = selectors.unread_count(user)
    return render(request, "tasks/_reminders_badge.html", {"count": count})
