"""Read-side queries of the five must-visits: a cadre's visits, completion stats, the ledger and the rules
(the agenda, calendar and reminders are the tasks app's).

Every query starts from `VisitTask.objects.for_user(user)` (or `Cadre.objects.for_user`), so scoping is the
registry's. Sizes are constant in the number of rows: one query per list, one GROUP BY per table.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import Cadre
from jiujin.core.access import access_unit
from jiujin.core.registry import task_kinds
from jiujin.lib.calendar import HOLIDAY_NAMES, holiday_occurrences
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask, scope_field
from jiujin.tasks.selectors import overdue_q

from .models import Audience, Calendar, HolidayRule, VisitSettings
from .rules import HolidaySpec, effective_rules, milestone_ages
from .task_kinds import KINDS

OVERDUE_LIST_LIMIT = 200
SUPERVISOR_ROLES = {Role.ADMIN, Role.CITY, Role.DISTRICT, Role.STREET}


def cadre_tasks(cadre: Any) -> QuerySet[VisitTask]:
    return VisitTask.objects.filter(cadre=cadre).order_by("-due_date", "-id")


def cadre_records(cadre: Any) -> QuerySet[VisitRecord]:
    return VisitRecord.objects.filter(task__cadre=cadre).select_related("task", "recorded_by")


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


def owed_q(today: date) -> Q:
    """The tasks that count in a completion rate: those due by today, and any done ahead of time.

    A task due later in the period is not yet owed: counting it as not done made a month's rate 2 % on its
    2nd day. (Done early, it counts on both sides, so doing work ahead never lowers the rate.)"""
    return Q(due_date__lte=today) | Q(status=TaskStatus.DONE)


def on_time_q() -> Q:
    """Done by the end of the due day, read from the completion time (when the completing record was entered)
    in local time: a visit recorded after its due date is not on time, whatever date it was entered with."""
    return Q(status=TaskStatus.DONE, done_at__date__lte=F("due_date"))


def owed_tasks(user: User, start: date, end: date, *, today: date) -> QuerySet[VisitTask]:
    """The period's tasks that count in a completion rate (owed_q)."""
    return period_tasks(user, start, end).filter(owed_q(today))


def must_visits_owed(start: date, end: date, *, today: date) -> QuerySet[VisitTask]:
    """Every community's owed tasks of the five must-visits (this app's kinds; the tasks other apps put on
    the agenda are not must-visits) due in [start, end]: the assessment's and the summary figures' tasks."""
    return (
        VisitTask.objects.filter(kind__in=[kind.code for kind in KINDS], due_date__range=(start, end))
        .exclude(status=TaskStatus.CANCELLED)
        .filter(owed_q(today))
        .order_by()
    )


def _counts(qs: QuerySet[VisitTask], today: date, *keys: str) -> Iterable[dict[str, Any]]:
    """Owed tasks counted per `unit` (the community) and the keys; on PostgreSQL from the visittask_community_due
    index alone (hence a count of one of its columns, not of the id)."""
    return qs.values(*keys, unit=F(f"{scope_field()}_id")).annotate(
        total=Count("due_date"),
        done=Count("due_date", filter=Q(status=TaskStatus.DONE)),
        overdue=Count("due_date", filter=overdue_q(today)),
    )


@dataclass(frozen=True)
class Completion:
    """The period's completion by kind and by community, from one grouped query."""

    by_kind: list[Rate]
    by_community: list[Rate]

    def overdue(self, community: OrgUnit | None = None) -> int:
        """Overdue tasks in the period: all of them, or one community's."""
        return sum(r.overdue for r in self.by_community if community is None or r.key == community.code)


def completion_rates(user: User, start: date, end: date, *, today: date) -> Completion:
    """Rates per kind (every app's kinds, in their order) and per visible community (also those with no task
    in the period: they show "—"), summed from the owed tasks of those communities counted per (community,
    kind): both tables add up the same tasks, and even an admin's counts read the community index."""
    units = list(OrgUnit.objects.for_user(user).communities().only("id", "code", "name"))
    owed = owed_tasks(user, start, end, today=today).filter(**{f"{scope_field()}__in": [u.id for u in units]})
    kinds: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # total, done, overdue
    communities: defaultdict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in _counts(owed, today, "kind"):
        for sums in (kinds[str(row["kind"])], communities[row["unit"]]):
            for i, name in enumerate(("total", "done", "overdue")):
                sums[i] += row[name]
    labels = {kind.code: kind.label for kind in task_kinds()}
    # A kind no app registers any more still counts, under its code.
    order = [code for code in labels if code in kinds] + sorted(kinds.keys() - labels.keys())
    by_kind = [Rate(code, labels.get(code, code), *kinds[code]) for code in order]
    by_community = [Rate(unit.code, unit.name, *communities.get(unit.id, [0, 0, 0])) for unit in units]
    return Completion(by_kind, by_community)


@dataclass(frozen=True)
class VisitFigures:
    """One community's visits this month so far: `due` tasks owed by today (see owed_tasks), `done` of them,
    `overdue` of them (past due and not done)."""

    done: int
    due: int
    overdue: int

    @property
    def percent(self) -> int | None:
        return round(self.done * 100 / self.due) if self.due else None


def visit_figures_by_community(
    user: User, communities: QuerySet[OrgUnit], *, today: date
) -> dict[int, VisitFigures]:
    """{community id: VisitFigures} for this month up to today, for the communities of the queryset (within
    the user's scope), from one grouped query; a community with no task owed is left out."""
    first = today.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])  # for the tasks done early
    owed = owed_tasks(user, first, last, today=today).filter(**{f"{scope_field()}__in": communities})
    return {r["unit"]: VisitFigures(r["done"], r["total"], r["overdue"]) for r in _counts(owed, today)}


def overdue_tasks(
    user: User, start: date, end: date, *, today: date, community: OrgUnit | None = None
) -> list[VisitTask]:
    """The earliest OVERDUE_LIST_LIMIT overdue tasks of the period (of one community): the page says how
    many there are in all (Completion.overdue)."""
    qs = period_tasks(user, start, end).filter(overdue_q(today))
    if community is not None:
        qs = qs.filter(**{scope_field(): community})
    # The ids in a narrow subquery first: asked for the wide joined rows, PostgreSQL expected thousands of
    # overdue tasks and read the whole period in due order (60 ms for a city); the ids come from the two
    # index ranges of overdue_q (under 1 ms).
    first = qs.order_by("due_date", "id").values("pk")[:OVERDUE_LIST_LIMIT]
    return list(
        VisitTask.objects.filter(pk__in=first)
        .select_related("cadre__community", "assignee")
        .order_by("due_date", "id")
    )


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

    @property
    def code_label(self) -> str:
        """The holiday a built-in code stands for ("春节" for spring_festival) when the rule's own name says
        otherwise ("春节慰问"); "" when the name already says it. The code itself is never shown."""
        builtin = HOLIDAY_NAMES.get(self.spec.code, "")
        return builtin if builtin and builtin != self.spec.name else ""

    @property
    def priority_label(self) -> str:
        return priority_label(self.spec.priority)


# What the rule's priority number means to the worker (the agenda sorts by it; 3 marks 重要).
PRIORITY_LABELS = {1: "低", 2: "普通", 3: "重要"}


def priority_label(priority: int) -> str:
    return PRIORITY_LABELS.get(priority, "重要" if priority > 3 else "低")


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


def visit_stories(user: User, unit: OrgUnit, start: date, end: date) -> QuerySet[VisitRecord]:
    """Visits marked 可用于汇报材料 in [start, end] of the unit's cadres in the user's scope (the 汇报材料's
    典型事例), oldest first."""
    return (
        VisitRecord.objects.filter(
            for_reports=True,
            visited_on__range=(start, end),
            task__cadre__in=Cadre.objects.for_user(user)
            .filter(community__path__startswith=unit.path)
            .values("pk"),
        )
        .exclude(findings="")
        .select_related("task__cadre")
        .order_by("visited_on", "id")
    )
