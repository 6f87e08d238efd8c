"""Read-side queries of the worker's due work: the agenda, the month calendar and the in-app reminders.

Every query starts from `VisitTask.objects.for_user(user)`, so scoping is the registry's. Sizes are constant in
the number of rows: one query per list, one GROUP BY per table.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from jiujin.accounts.models import Role, User
from jiujin.lib.calendar import HOLIDAY_NAMES, HOLIDAYS, holiday_occurrences, lunar_label

from .models import Channel, Notification, TaskStatus, VisitTask

# The agenda shows what is owed soon; later tasks appear as the generator's window moves on.
# A phone shows the earliest hundred; the ledger export and the stats pages cover the rest.
AGENDA_LIMIT = 100


# ---------------------------------------------------------------- status


def with_effective_status(qs: QuerySet[VisitTask], today: date) -> QuerySet[VisitTask]:
    """Annotate `effective_status`: an open task past its due date is overdue even before the nightly
    `visit_tasks_mark_overdue` has run, so pages, stats and API agree on the day itself."""
    return qs.annotate(
        effective_status=Case(
            When(status=TaskStatus.OPEN, due_date__lt=today, then=Value(TaskStatus.OVERDUE)),
            default="status",
            output_field=CharField(),
        )
    )


def overdue_q(today: date) -> Q:
    return Q(status=TaskStatus.OVERDUE) | Q(status=TaskStatus.OPEN, due_date__lt=today)


# ---------------------------------------------------------------- agenda

AGENDA_ORDER = ("due_date", "-priority", "id")


@dataclass
class Agenda:
    overdue: list[VisitTask] = field(default_factory=list)
    today: list[VisitTask] = field(default_factory=list)
    this_week: list[VisitTask] = field(default_factory=list)
    later: list[VisitTask] = field(default_factory=list)
    # How many tasks each section holds, listed or not: counted only when the list is cut.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def sections(self) -> list[tuple[str, str, list[VisitTask], int]]:
        lists = [
            ("overdue", "已逾期", self.overdue),
            ("today", "今天", self.today),
            ("week", "本周", self.this_week),
            ("later", "以后", self.later),
        ]
        return [(key, label, tasks, self.counts.get(key, len(tasks))) for key, label, tasks in lists]

    @property
    def shown(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.this_week) + len(self.later)

    @property
    def total(self) -> int:
        return sum(count for *_, count in self.sections)

    @property
    def truncated(self) -> bool:
        return self.shown < self.total


def agenda_queryset(user: User) -> QuerySet[VisitTask]:
    """Pending tasks the user should do: assigned to them, and — for community workers — unassigned
    tasks of cadres in their scope (a cadre without a responsible worker must not fall through)."""
    mine = Q(assignee=user)
    if user.role == Role.COMMUNITY:
        mine |= Q(assignee__isnull=True)
    return VisitTask.objects.for_user(user).pending().filter(mine)


def agenda_tasks(user: User, *, limit: int, due_by: date | None = None) -> list[VisitTask]:
    """The first `limit` pending tasks of the user's agenda in due order (only those due by `due_by`): read in
    the order of a pending-task index (by community, or by assignee) and stopped at the limit."""
    qs = agenda_queryset(user)
    if due_by is not None:
        qs = qs.filter(due_date__lte=due_by)
    return list(qs.select_related("cadre__community").order_by(*AGENDA_ORDER)[:limit])


def agenda_for(user: User, *, today: date) -> Agenda:
    """The earliest AGENDA_LIMIT pending tasks split into overdue / today / this week / later. When there are
    more, one grouped count says how many each section holds in all, so the cut list says what it leaves out."""
    week_end = today + timedelta(days=6 - today.weekday())  # Sunday ends the week
    tasks = agenda_tasks(user, limit=AGENDA_LIMIT + 1)  # one more than shown: is the list cut?
    agenda = Agenda()
    for task in tasks[:AGENDA_LIMIT]:
        agenda_bucket(agenda, task, today=today, week_end=week_end).append(task)
    if len(tasks) > AGENDA_LIMIT:
        late = Q(due_date__lt=today) | Q(status=TaskStatus.OVERDUE)
        agenda.counts = agenda_queryset(user).aggregate(
            overdue=Count("due_date", filter=late),  # a column of the index: counted without reading rows
            today=Count("due_date", filter=Q(due_date=today) & ~late),
            week=Count("due_date", filter=Q(due_date__gt=today, due_date__lte=week_end) & ~late),
            later=Count("due_date", filter=Q(due_date__gt=week_end) & ~late),
        )
    return agenda


def agenda_bucket(agenda: Agenda, task: VisitTask, *, today: date, week_end: date) -> list[VisitTask]:
    if task.due_date < today or task.status == TaskStatus.OVERDUE:
        return agenda.overdue
    if task.due_date == today:
        return agenda.today
    if task.due_date <= week_end:
        return agenda.this_week
    return agenda.later


def task_for_user(user: User, pk: Any) -> VisitTask | None:
    """A task the user may see, or None (the caller answers 404, exactly as for a missing task)."""
    try:
        return VisitTask.objects.for_user(user).select_related("cadre__community").get(pk=pk)
    except (VisitTask.DoesNotExist, ValueError, TypeError):
        return None


# ---------------------------------------------------------------- month calendar


@dataclass(frozen=True)
class Day:
    date: date
    in_month: bool
    lunar: str  # "十五", or the month name ("八月") on 初一
    holidays: tuple[str, ...]
    due: int


def month_start(month: str | None, *, today: date) -> date:
    """`YYYY-MM` → its first day; anything unreadable means this month."""
    try:
        year, mon = (int(part) for part in (month or "").split("-"))
        return date(year, mon, 1)
    except ValueError:
        return today.replace(day=1)


def lunar_day_text(d: date) -> str:
    """The lunar day for a calendar cell: "十五", or the month name ("八月", "闰四月") on 初一."""
    month, day = lunar_label(d).removeprefix("农历").rsplit("月", 1)
    return f"{month}月" if day == "初一" else day


def holidays_between(start: date, end: date) -> dict[date, list[str]]:
    found: dict[date, list[str]] = {}
    for code, (cal, month, day) in HOLIDAYS.items():
        for occ in holiday_occurrences(cal, month, day, start, end):
            found.setdefault(occ.due, []).append(HOLIDAY_NAMES[code])
    return found


def month_span(first: date) -> tuple[date, date]:
    """The Monday before the month's first day and the Sunday after its last: the grid's first and last cell."""
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())


# Calendar facts only, never task counts. lunar_python recomputes a whole lunar year (~8 ms) each time a
# conversion moves to another year: a grid across a lunar new year took 0.3 s to label, every request.
@lru_cache(maxsize=48)
def _month_cells(first: date) -> tuple[tuple[date, str, tuple[str, ...]], ...]:
    start, end = month_span(first)
    holidays = holidays_between(start, end)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return tuple((d, lunar_day_text(d), tuple(holidays.get(d, ()))) for d in days)


def month_grid(user: User, first: date) -> list[list[Day]]:
    """Weeks (Monday first) covering the month; one GROUP BY query for the per-day task counts."""
    start, end = month_span(first)
    counts = dict(
        VisitTask.objects.for_user(user)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(due_date__range=(start, end))
        .order_by()
        .values_list("due_date")
        .annotate(n=Count("*"))  # not Count("id"): the count is read from the index alone
    )
    cells = [
        Day(d, d.month == first.month, lunar, holidays, counts.get(d, 0))
        for d, lunar, holidays in _month_cells(first)
    ]
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


# ---------------------------------------------------------------- in-app reminders


def in_app_notifications(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user, channel=Channel.IN_APP)
        .only("subject", "body", "created_at", "read_at")
        .order_by("-created_at", "-id")
    )


def unread_count(user: User) -> int:
    return in_app_notifications(user).filter(read_at__isnull=True).count()
