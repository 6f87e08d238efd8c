"""Read-side queries of the five must-visits: the worker's agenda, the month calendar and completion stats.

Every query starts from `VisitTask.objects.for_user(user)` (or `Cadre.objects.for_user`), so scoping is the
registry's. Sizes are constant in the number of rows: one query per list, one GROUP BY per table.
"""

from __future__ import annotations

import calendar as pycalendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import Cadre
from jiujin.lib.calendar import HOLIDAY_NAMES, HOLIDAYS, holiday_occurrences, lunar_label
from jiujin.orgs.models import OrgUnit

from .models import TaskKind, TaskStatus, VisitRecord, VisitTask

# The agenda shows what is owed soon; later tasks appear as the generator's window moves on.
# A phone shows the earliest hundred; the ledger export and the stats pages cover the rest.
AGENDA_LIMIT = 100
OVERDUE_LIST_LIMIT = 200
SUPERVISOR_ROLES = {Role.ADMIN, Role.CITY, Role.DISTRICT, Role.STREET}


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


@dataclass
class Agenda:
    overdue: list[VisitTask] = field(default_factory=list)
    today: list[VisitTask] = field(default_factory=list)
    this_week: list[VisitTask] = field(default_factory=list)
    later: list[VisitTask] = field(default_factory=list)
    truncated: bool = False  # more pending tasks than AGENDA_LIMIT

    @property
    def sections(self) -> list[tuple[str, str, list[VisitTask]]]:
        return [
            ("overdue", "已逾期", self.overdue),
            ("today", "今天", self.today),
            ("week", "本周", self.this_week),
            ("later", "以后", self.later),
        ]

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.this_week) + len(self.later)


def agenda_queryset(user: User) -> QuerySet[VisitTask]:
    """Pending tasks the user should do: assigned to them, and — for community workers — unassigned
    tasks of cadres in their scope (a cadre without a responsible worker must not fall through)."""
    mine = Q(assignee=user)
    if user.role == Role.COMMUNITY:
        mine |= Q(assignee__isnull=True)
    return VisitTask.objects.for_user(user).pending().filter(mine)


def agenda_for(user: User, *, today: date) -> Agenda:
    """One query: the pending tasks in due order, split into overdue / today / this week / later."""
    tasks = (
        agenda_queryset(user)
        .select_related("cadre__community")
        .order_by("due_date", "-priority", "id")[:AGENDA_LIMIT]
    )
    week_end = today + timedelta(days=6 - today.weekday())  # Sunday ends the week
    agenda = Agenda()
    for task in tasks:
        agenda_bucket(agenda, task, today=today, week_end=week_end).append(task)
    agenda.truncated = agenda.total >= AGENDA_LIMIT
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


def cadre_tasks(cadre: Any) -> QuerySet[VisitTask]:
    return VisitTask.objects.filter(cadre=cadre).order_by("-due_date", "-id")


def cadre_records(cadre: Any) -> QuerySet[VisitRecord]:
    return VisitRecord.objects.filter(task__cadre=cadre).select_related("task", "recorded_by")


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


def month_grid(user: User, first: date) -> list[list[Day]]:
    """Weeks (Monday first) covering the month; one GROUP BY query for the per-day task counts."""
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    counts = dict(
        VisitTask.objects.for_user(user)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(due_date__range=(start, end))
        .order_by()
        .values_list("due_date")
        .annotate(n=Count("id"))
    )
    holidays = holidays_between(start, end)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    cells = [
        Day(d, d.month == first.month, lunar_day_text(d), tuple(holidays.get(d, ())), counts.get(d, 0))
        for d in days
    ]
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


# ---------------------------------------------------------------- supervisor stats


@dataclass(frozen=True)
class Rate:
    key: str
    label: str
    total: int
    done: int
    overdue: int

    @property
    def percent(self) -> int | None:
        return round(self.done * 100 / self.total) if self.total else None


def is_supervisor(user: User) -> bool:
    return user.sees_everything or user.role in SUPERVISOR_ROLES


def period_tasks(user: User, start: date, end: date) -> QuerySet[VisitTask]:
    """Tasks due in the period that count: everything not cancelled."""
    return (
        VisitTask.objects.for_user(user)
        .exclude(status=TaskStatus.CANCELLED)
        .filter(due_date__range=(start, end))
        .order_by()
    )


def _counts(qs: QuerySet[VisitTask], key: str, today: date) -> Iterable[dict[str, Any]]:
    return qs.values(key).annotate(
        total=Count("id"),
        done=Count("id", filter=Q(status=TaskStatus.DONE)),
        overdue=Count("id", filter=overdue_q(today)),
    )


def rates_by_kind(user: User, start: date, end: date, *, today: date) -> list[Rate]:
    rows = {r["kind"]: r for r in _counts(period_tasks(user, start, end), "kind", today)}
    return [
        Rate(kind.value, kind.label, row["total"], row["done"], row["overdue"])
        for kind in TaskKind
        if (row := rows.get(kind.value))
    ]


def rates_by_community(user: User, start: date, end: date, *, today: date) -> list[Rate]:
    """Every visible community, also those with no task in the period (they show "—")."""
    rows = {
        r["cadre__community_id"]: r
        for r in _counts(period_tasks(user, start, end), "cadre__community_id", today)
    }
    rates = []
    for unit in OrgUnit.objects.for_user(user).communities().only("id", "code", "name"):
        row = rows.get(unit.id, {})
        rates.append(
            Rate(unit.code, unit.name, row.get("total", 0), row.get("done", 0), row.get("overdue", 0))
        )
    return rates


def overdue_tasks(
    user: User, start: date, end: date, *, today: date, community: str | None = None
) -> QuerySet[VisitTask]:
    qs = period_tasks(user, start, end).filter(overdue_q(today))
    if community:
        qs = qs.filter(cadre__community__code=community)
    return qs.select_related("cadre__community", "assignee").order_by("due_date", "id")[:OVERDUE_LIST_LIMIT]


# ---------------------------------------------------------------- ledger


def ledger_records(user: User, start: date, end: date) -> QuerySet[VisitRecord]:
    return (
        VisitRecord.objects.filter(
            task__cadre__in=Cadre.objects.for_user(user).values("pk"), visited_on__range=(start, end)
        )
        .select_related("task__cadre__community")
        .order_by("visited_on", "id")
    )
