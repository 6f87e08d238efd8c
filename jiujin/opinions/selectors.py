"""Read-side queries of opinions: scope, the board, a cadre's opinions, the work unit's pages, the stats.

Scope, fail closed: staff reach the opinions taken by the communities under their unit (the opinion row's own
`community`, so the board reads no cadre); a work unit's contact reaches only the opinions routed to its work
unit; anyone else reaches none. Out of scope is as missing as what does not exist (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.core.access import NoAccess, access_unit, is_work_unit, staff_community_ids
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import OVERDUE, Opinion, OpinionQuerySet, OpinionState, RouteTo, unanswered_first

BOARD_STATES = [
    ("", "未答复"),
    (OVERDUE, "已逾期"),
    (OpinionState.OPEN.value, "未到期"),
    (OpinionState.ANSWERED.value, "已答复"),
    ("all", "全部"),
]
HOME_LIMIT = 8


def opinions_for_user(user: User) -> OpinionQuerySet:
    if is_work_unit(user):
        if user.work_unit_id is None:  # the database constraint forbids it; fail closed anyway
            return Opinion.objects.none()
        return Opinion.objects.filter(work_unit_id=user.work_unit_id, route_to=RouteTo.WORK_UNIT)
    community_ids = staff_community_ids(user)
    if community_ids is None:
        return Opinion.objects.all()
    return Opinion.objects.filter(community_id__in=community_ids) if community_ids else Opinion.objects.none()


def opinion_for_user(user: User, pk: Any) -> Opinion:
    try:
        return (
            opinions_for_user(user)
            .select_related(
                "cadre", "community__parent", "work_unit", "escalated_to", "answered_by", "created_by"
            )
            .get(pk=pk)
        )
    except (Opinion.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该意见建议") from exc


def escalations_of(opinion: Opinion) -> list[Any]:
    return list(opinion.escalations.select_related("from_unit", "to_unit"))


# ---------------------------------------------------------------- the board


@dataclass
class BoardFilters:
    state: str = ""  # "" unanswered (overdue first), overdue, open (not yet late), answered, all
    unit: OrgUnit | None = None
    route: str = ""
    cadre: int | None = None
    escalated: bool = False


def board(user: User, filters: BoardFilters, today: date) -> QuerySet[Opinion]:
    """Unanswered ones overdue on top, then the soonest due (the due-date order does both); answered ones
    newest answer first. One query for the page, one for the count."""
    qs = opinions_for_user(user)
    if filters.unit is not None:
        qs = qs.filter(community_id__in=_community_ids_under(filters.unit))
    if filters.route:
        qs = qs.filter(route_to=filters.route)
    if filters.cadre:
        qs = qs.filter(cadre_id=filters.cadre)
    if filters.escalated:
        qs = qs.filter(escalated_to__isnull=False)
    if filters.state == "all":
        return qs.order_by(unanswered_first(), "due_date", "id")
    if filters.state == OpinionState.ANSWERED:
        return qs.filter(state=OpinionState.ANSWERED).order_by("-answered_at", "-id")
    if filters.state:
        return qs.in_state(filters.state, today).order_by("due_date", "id")
    return qs.filter(state=OpinionState.OPEN).order_by("due_date", "id")


def board_rows(ids: list[int]) -> list[Opinion]:
    """The page's rows by key, in the keys' order, with what a row shows."""
    rows = Opinion.objects.filter(pk__in=ids).select_related(
        "cadre", "community", "escalated_to", "work_unit"
    )
    by_id = {r.pk: r for r in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _community_ids_under(unit: OrgUnit) -> list[int]:
    if unit.level == OrgLevel.COMMUNITY:
        return [unit.pk]
    return list(OrgUnit.objects.subtree_of(unit).communities().values_list("pk", flat=True))


def unit_for_filter(user: User, code: str) -> OrgUnit | None:
    return access_unit(user, code) if code else None


def counts(user: User, today: date) -> dict[str, int]:
    """Open, overdue and escalated opinions in scope (one query), for the board's head and the home."""
    # Read off the open ones' index only: the answered ones (most of a scope) are never visited.
    return (
        opinions_for_user(user)
        .filter(state=OpinionState.OPEN)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            escalated=Count("pk", filter=Q(escalated_to__isnull=False)),
        )
    )


# ---------------------------------------------------------------- homes


def escalated_to_unit(user: User, limit: int = HOME_LIMIT) -> tuple[list[Opinion], int]:
    """Opinions escalated to the user's own unit (a street, district or city), the oldest due first."""
    if user.org_unit_id is None:
        return [], 0
    qs = Opinion.objects.filter(state=OpinionState.OPEN, escalated_to_id=user.org_unit_id)
    rows = list(qs.select_related("cadre", "community").order_by("due_date", "id")[:limit])
    return rows, (len(rows) if len(rows) < limit else qs.count())


def unanswered_in_scope(user: User, limit: int = HOME_LIMIT) -> list[Opinion]:
    qs = opinions_for_user(user).filter(state=OpinionState.OPEN)
    return list(qs.select_related("cadre", "escalated_to").order_by("due_date", "id")[:limit])


# ---------------------------------------------------------------- a cadre's opinions


def cadre_opinions(user: User, cadre: Cadre, limit: int = 10) -> list[Opinion]:
    qs = opinions_for_user(user).filter(cadre=cadre).select_related("escalated_to")
    return list(qs.order_by("-raised_on", "-id")[:limit])


# ---------------------------------------------------------------- the work unit's pages


def work_unit_retirees(user: User) -> QuerySet[Cadre]:
    """The work unit's own retirees, for their names and communities only (no numbers, no health)."""
    if not is_work_unit(user) or user.work_unit_id is None:
        return Cadre.objects.none()
    return Cadre.objects.filter(work_unit_id=user.work_unit_id).order_by("name_pinyin", "pk")


# ---------------------------------------------------------------- what the assessment and the summaries count

# 办结: answered (the 意见建议办结率 Metric's part and the `opinions_closed` figure).
CLOSED = Q(state=OpinionState.ANSWERED)


def raised_between(start: date, end: date) -> OpinionQuerySet:
    """The opinions counted for [start, end] (the Metrics and the figures): raised then, at the community that
    took them (kept if the cadre moves)."""
    return Opinion.objects.filter(raised_on__range=(start, end))


# ---------------------------------------------------------------- closure rate and median days per unit


@dataclass
class UnitStats:
    unit: OrgUnit
    total: int = 0
    answered: int = 0
    overdue: int = 0
    days: dict[int, int] = field(default_factory=dict)  # days to answer → how many answered in that many

    @property
    def closure(self) -> float | None:
        return round(100 * self.answered / self.total, 1) if self.total else None

    @property
    def median_days(self) -> float | None:
        """The median of the days to answer, read off the histogram."""
        n = sum(self.days.values())
        if not n:
            return None
        wanted = [(n - 1) // 2, n // 2]
        found: list[int] = []
        seen = 0
        for day in sorted(self.days):
            seen += self.days[day]
            while len(found) < 2 and wanted[len(found)] < seen:
                found.append(day)
        return (found[0] + found[1]) / 2

    def add(self, other: UnitStats) -> None:
        self.total += other.total
        self.answered += other.answered
        self.overdue += other.overdue
        for day, n in other.days.items():
            self.days[day] = self.days.get(day, 0) + n


def unit_stats(user: User, unit: OrgUnit, *, since: date, today: date) -> tuple[list[UnitStats], UnitStats]:
    """One row per child unit of `unit` (the unit itself for a community) and the total, for opinions raised
    since `since`: closure rate, overdue now, median days to answer. Three queries whatever the size."""
    communities = list(OrgUnit.objects.subtree_of(unit).communities().values_list("pk", "path"))
    children = [unit] if unit.level == OrgLevel.COMMUNITY else list(unit.children.order_by("path"))
    owner = {pk: next((c for c in children if path.startswith(c.path)), None) for pk, path in communities}
    per_community: dict[int, UnitStats] = {}
    scoped = opinions_for_user(user).filter(community_id__in=list(owner), raised_on__gte=since).order_by()
    for row in scoped.values("community_id").annotate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(state=OpinionState.ANSWERED)),
        overdue=Count("pk", filter=Q(state=OpinionState.OPEN, due_date__lt=today)),
    ):
        per_community[row["community_id"]] = UnitStats(
            unit, total=row["total"], answered=row["answered"], overdue=row["overdue"]
        )
    histogram = (
        scoped.filter(state=OpinionState.ANSWERED)
        .values("community_id", "answer_days")
        .annotate(n=Count("pk"))
    )
    for bucket in histogram:
        stats = per_community.setdefault(bucket["community_id"], UnitStats(unit))
        stats.days[bucket["answer_days"] or 0] = bucket["n"]
    rows = {c.pk: UnitStats(c) for c in children}
    total = UnitStats(unit)
    for community_id, stats in per_community.items():
        child = owner.get(community_id)
        if child is not None:
            rows[child.pk].add(stats)
        total.add(stats)
    return list(rows.values()), total
