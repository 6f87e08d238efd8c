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
from jiujin.core.access import access_unit
from jiujin.lib.calendar import HOLIDAY_NAMES, HOLIDAYS, holiday_occurrences, lunar_label
from jiujin.orgs.models import OrgUnit

from .models import (
    Audience,
    Calendar,
    Channel,
    HolidayRule,
    Notification,
    TaskKind,
    TaskStatus,
    VisitRecord,
    VisitSettings,
    VisitTask,
)
from .rules import HolidaySpec, effective_rules, milestone_ages

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


# ---------------------------------------------------------------- visit rules

# Far enough ahead to reach every yearly holiday (a lunar one may be ~384 days away).
NEXT_DUE_HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class RuleRow:
    """One holiday as it applies at a unit, with where it comes from and when it is next due."""

    spec: HolidaySpec
    source: str  # "本单位设置" / "继承自 黄州区" / "系统默认"
    own: HolidayRule | None  # the unit's own rule for this code (editable there), enabled or not
    enabled: bool
    next_due: date | None
    next_lunar: str
    window_start: date | None

    @property
    def audience_label(self) -> str:
        label = Audience(self.spec.audience).label
        return label.replace("N", str(self.spec.min_age)) if self.spec.min_age else label

    @property
    def calendar_label(self) -> str:
        return Calendar(self.spec.calendar).label


@dataclass(frozen=True)
class RulesView:
    rows: list[RuleRow]
    settings: VisitSettings
    settings_source: str
    milestones: tuple[int, ...]


def rules_unit_for(user: User, code: str | None) -> OrgUnit | None:
    """The unit whose rules the page shows: `?unit=CODE` within the user's scope, else the user's own unit
    (the top unit for an admin without one). None when out of scope or missing."""
    if code:
        return access_unit(user, code)
    units = OrgUnit.objects.for_user(user)
    if user.org_unit_id is not None:
        return units.filter(pk=user.org_unit_id).first()
    return units.filter(parent__isnull=True).order_by("code").first()


def rules_view(unit: OrgUnit, *, today: date) -> RulesView:
    rules = effective_rules(unit)
    own = {r.code: r for r in HolidayRule.objects.filter(org_unit=unit)}
    source_ids = {s.unit_id for s in rules.holidays if s.unit_id} | {rules.settings.org_unit_id or 0}
    names = {u.pk: u.name for u in OrgUnit.objects.filter(pk__in=source_ids).only("name")}

    def source(unit_id: int | None) -> str:
        if unit_id is None:
            return "系统默认"
        return "本单位设置" if unit_id == unit.pk else f"继承自 {names.get(unit_id, '上级')}"

    rows = [_rule_row(spec, source(spec.unit_id), own.get(spec.code), today) for spec in rules.holidays]
    shown = {spec.code for spec in rules.holidays}
    # A rule switched off here is no longer effective, but it must stay visible to be switched on again.
    rows += [
        _rule_row(HolidaySpec.from_rule(r), "本单位设置", r, today, enabled=False)
        for r in own.values()
        if r.code not in shown
    ]
    rows.sort(key=lambda row: (not row.enabled, row.next_due or date.max, row.spec.code))
    return RulesView(
        rows=rows,
        settings=rules.settings,
        settings_source=source(rules.settings.org_unit_id),
        milestones=milestone_ages(rules.settings),
    )


def _rule_row(
    spec: HolidaySpec, source: str, own: HolidayRule | None, today: date, *, enabled: bool = True
) -> RuleRow:
    upcoming = holiday_occurrences(spec.calendar, spec.month, spec.day, today, today + NEXT_DUE_HORIZON)
    nxt = upcoming[0] if upcoming else None
    return RuleRow(
        spec=spec,
        source=source,
        own=own,
        enabled=enabled,
        next_due=nxt.due if nxt else None,
        next_lunar=nxt.lunar_label if nxt else "",
        window_start=nxt.due - timedelta(days=spec.window_days) if nxt else None,
    )


def rule_for_user(user: User, pk: int) -> HolidayRule | None:
    return (
        HolidayRule.objects.filter(pk=pk, org_unit__in=OrgUnit.objects.for_user(user))
        .select_related("org_unit")
        .first()
    )


# ---------------------------------------------------------------- in-app reminders


def in_app_notifications(user: User) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(user=user, channel=Channel.IN_APP)
        .only("subject", "body", "created_at", "read_at")
        .order_by("-created_at", "-id")
    )


def unread_count(user: User) -> int:
    return in_app_notifications(user).filter(read_at__isnull=True).count()
