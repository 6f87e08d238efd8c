"""What the tasks app puts on a worker's home: visits overdue and due today, unread reminders, and the visit
as a kind of contact (a 空访 reached nobody, so it is not one)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from .models import VisitOutcome, VisitRecord
from .selectors import agenda_queryset, agenda_tasks, in_app_notifications

HOME_TASK_LIMIT = 20
HOME_REMINDER_LIMIT = 5


def visits_due_panel(request: Any) -> str:
    """Overdue and today's visits, oldest first, each with the cadre's address and the record button."""
    today = timezone.localdate()
    tasks = agenda_tasks(request.user, limit=HOME_TASK_LIMIT, due_by=today)
    if len(tasks) < HOME_TASK_LIMIT:
        total = len(tasks)
    else:
        total = agenda_queryset(request.user).filter(due_date__lte=today).count()
    context = {"tasks": tasks, "total": total, "today": today}
    return render_to_string("tasks/_home_visits.html", context, request=request)


def reminders_panel(request: Any) -> str:
    unread = in_app_notifications(request.user).filter(read_at__isnull=True)
    rows = list(unread[:HOME_REMINDER_LIMIT])
    if not rows:
        return ""
    total = len(rows) if len(rows) < HOME_REMINDER_LIMIT else unread.count()
    return render_to_string("tasks/_home_reminders.html", {"rows": rows, "total": total}, request=request)


def last_visit() -> Subquery:
    records = VisitRecord.objects.filter(task__cadre=OuterRef("pk")).exclude(outcome=VisitOutcome.NOBODY_HOME)
    return Subquery(records.order_by("-visited_on").values("visited_on")[:1])


def register() -> None:
    from jiujin.core.registry import ContactSource, HomePanel, contact_source_register, home_panel_register

    home_panel_register(
        HomePanel("visits-due", visits_due_panel, order=10),
        HomePanel("reminders", reminders_panel, order=50),
    )
    contact_source_register(ContactSource("visit", "走访", last_visit))
