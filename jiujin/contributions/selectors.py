"""Read-side queries of 发挥作用: scoping, the talent pool and its reviews, teams, and the totals.

Scoping: contributions and pool entries through `Cadre.objects.for_user` (a cadre out of scope is as missing
as one that does not exist); teams through the units of the caller's subtree. Volunteers reach none of it.
Every list is a fixed number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.http import Http404

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.core.access import access_unit, is_volunteer
from jiujin.orgs.models import OrgUnit

from .models import Contribution, Kind, Outing, Story, StoryPhoto, TalentEntry, Team, TeamMember, years_after
from .services import talent_age_limit

CADRE_ROWS_LIMIT = 200  # a community's per-cadre totals: the most active first


def cadres_in_scope(user: User) -> CadreQuerySet:
    return Cadre.objects.none() if is_volunteer(user) else Cadre.objects.for_user(user)


def contributions_for(user: User) -> QuerySet[Contribution]:
    return Contribution.objects.filter(cadre__in=cadres_in_scope(user).values("pk"))


def units_for(user: User) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.none() if is_volunteer(user) else OrgUnit.objects.for_user(user)


# ---------------------------------------------------------------- talent pool


def over_age_born_before(today: date) -> date:
    """Cadres born on or before this day are older than the age limit today."""
    return years_after(today, -(talent_age_limit() + 1))


def talent_for(user: User, today: date) -> QuerySet[TalentEntry]:
    """The current pool in scope, each entry with `over_age` (flagged, never removed silently)."""
    return (
        TalentEntry.objects.current()
        .filter(cadre__in=cadres_in_scope(user).values("pk"))
        .annotate(
            over_age=ExpressionWrapper(
                Q(cadre__birth_date__lte=over_age_born_before(today)), output_field=BooleanField()
            )
        )
        .select_related("cadre__community")
    )


def talent_filtered(user: User, today: date, *, field: str = "", unit: OrgUnit | None = None) -> Any:
    qs = talent_for(user, today)
    if field:
        qs = qs.filter(field=field)
    if unit is not None:
        qs = qs.filter(cadre__community__path__startswith=unit.path)
    return qs.order_by("field", "cadre__name_pinyin", "id")


def talent_due(user: User, today: date) -> QuerySet[TalentEntry]:
    return talent_for(user, today).filter(next_review_on__lte=today).order_by("next_review_on", "id")


def talent_entry_for_user(user: User, pk: Any, today: date) -> TalentEntry:
    try:
        return talent_for(user, today).get(pk=pk)
    except (TalentEntry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该人才库成员") from exc


# ---------------------------------------------------------------- teams


def teams_for(user: User) -> QuerySet[Team]:
    return Team.objects.filter(org_unit__in=units_for(user)).select_related("org_unit", "leader")


def teams_listed(user: User, year: int) -> QuerySet[Team]:
    # Hours from a subquery: summed over the join with the members, each hour would count once per member.
    hours = (
        Contribution.objects.filter(outing__team=OuterRef("pk"), date__year=year)
        .order_by()
        .values("outing__team")
        .annotate(h=Sum("hours"))
        .values("h")
    )
    return (
        teams_for(user)
        .annotate(member_count=Count("members"), hours=Subquery(hours))
        .order_by("-active", "org_unit__path", "name")
    )


def team_for_user(user: User, pk: Any) -> Team:
    try:
        return teams_for(user).get(pk=pk)
    except (Team.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该队伍") from exc


def team_members(team: Team) -> list[TeamMember]:
    return list(team.members.select_related("cadre__community").order_by("cadre__name_pinyin"))


def team_outings(team: Team, limit: int) -> list[Outing]:
    rows = team.outings.annotate(people=Count("contributions"), hours=Sum("contributions__hours"))
    return list(rows.order_by("-date", "-id")[:limit])


# ---------------------------------------------------------------- one cadre


@dataclass
class CadreSummary:
    teams: list[Team]
    hours: Decimal
    donated: Decimal
    advice: int
    talent: list[TalentEntry]


def cadre_summary(cadre: Cadre, year: int) -> CadreSummary:
    """The cadre page's panel: roles (teams), this year's hours and donations, the pool entries."""
    member = TeamMember.objects.filter(team=OuterRef("pk"), cadre=cadre)
    teams = list(Team.objects.filter(Exists(member)).select_related("org_unit").order_by("name"))
    sums = Contribution.objects.filter(cadre=cadre, date__year=year).aggregate(
        hours=Sum("hours"), donated=Sum("amount"), advice=Count("pk", filter=Q(kind=Kind.ADVICE))
    )
    talent = list(TalentEntry.objects.current().filter(cadre=cadre).order_by("joined_on"))
    return CadreSummary(
        teams=teams,
        hours=sums["hours"] or Decimal("0"),
        donated=sums["donated"] or Decimal("0"),
        advice=sums["advice"],
        talent=talent,
    )


def hours_between(cadre_id: int, start: date, end: date) -> Decimal:
    total = Contribution.objects.filter(cadre_id=cadre_id, date__gte=start, date__lte=end).aggregate(
        h=Sum("hours")
    )["h"]
    return total or Decimal("0")


# ---------------------------------------------------------------- totals per unit, drilling down the tree


@dataclass
class Totals:
    hours: Decimal = Decimal("0")
    amount: Decimal = Decimal("0")
    donations: int = 0
    advice: int = 0
    people: int = 0

    def add(self, other: Totals) -> None:
        self.hours += other.hours
        self.amount += other.amount
        self.donations += other.donations
        self.advice += other.advice
        self.people += other.people


@dataclass
class TotalsRow:
    label: str
    totals: Totals
    unit: OrgUnit | None = None
    cadre_id: int | None = None
    drill: bool = False


@dataclass
class UnitTotals:
    unit: OrgUnit
    chain: list[OrgUnit]
    rows: list[TotalsRow] = field(default_factory=list)
    whole: Totals = field(default_factory=Totals)
    by_cadre: bool = False


def totals_unit(user: User, code: str | None) -> OrgUnit:
    """`?unit=CODE` in scope (else 404), the caller's own unit, or an admin's top unit."""
    if code:
        return access_unit(user, code)
    if user.org_unit_id is not None and not is_volunteer(user):
        assert user.org_unit is not None
        return user.org_unit
    root = units_for(user).filter(parent__isnull=True).order_by("path").first()
    if root is None:
        raise Http404("没有找到该单位")
    return root


def _sums(qs: QuerySet[Contribution], *group: str) -> QuerySet[Any]:
    return (
        qs.values(*group)
        .annotate(
            hours=Sum("hours"),
            amount=Sum("amount"),
            donations=Count("pk", filter=Q(kind=Kind.DONATION)),
            advice=Count("pk", filter=Q(kind=Kind.ADVICE)),
            people=Count("cadre", distinct=True),
        )
        .order_by()
    )


def _totals(row: dict[str, Any]) -> Totals:
    return Totals(
        hours=row["hours"] or Decimal("0"),
        amount=row["amount"] or Decimal("0"),
        donations=row["donations"],
        advice=row["advice"],
        people=row["people"],
    )


def unit_totals(user: User, unit: OrgUnit, start: date, end: date) -> UnitTotals:
    """The unit's children side by side (a community: its cadres), each with hours, donations and people.

    A child's people are the sum of its communities' (a cadre counts in the community that logged it)."""
    rows = contributions_for(user).filter(
        org_unit__path__startswith=unit.path, date__gte=start, date__lte=end
    )
    chain = list(units_for(user).filter(path__in=unit.chain_paths()[:-1]).order_by("path"))
    result = UnitTotals(unit=unit, chain=chain, by_cadre=unit.is_community)
    whole = rows.aggregate(
        hours=Sum("hours"),
        amount=Sum("amount"),
        donations=Count("pk", filter=Q(kind=Kind.DONATION)),
        advice=Count("pk", filter=Q(kind=Kind.ADVICE)),
        people=Count("cadre", distinct=True),
    )
    result.whole = _totals(whole)
    if unit.is_community:
        per_cadre = _sums(rows, "cadre_id", "cadre__name").order_by("-hours", "-amount", "cadre__name")
        result.rows = [
            TotalsRow(r["cadre__name"], _totals(r), cadre_id=r["cadre_id"])
            for r in per_cadre[:CADRE_ROWS_LIMIT]
        ]
        return result
    by_unit = {r["org_unit__path"]: _totals(r) for r in _sums(rows, "org_unit__path")}
    for child in units_for(user).filter(parent=unit).order_by("path"):
        line = Totals()
        for path, totals in by_unit.items():
            if path.startswith(child.path):
                line.add(totals)
        result.rows.append(TotalsRow(child.name, line, unit=child, drill=True))
    return result


# ---------------------------------------------------------------- records and the ledger


def record_sums(qs: QuerySet[Contribution]) -> dict[str, Any]:
    sums = qs.aggregate(n=Count("pk"), hours=Sum("hours"), amount=Sum("amount"))
    return {"n": sums["n"], "hours": sums["hours"] or Decimal("0"), "amount": sums["amount"] or Decimal("0")}


def ledger_rows(user: User, unit: OrgUnit, start: date, end: date) -> QuerySet[Contribution]:
    return (
        contributions_for(user)
        .filter(org_unit__path__startswith=unit.path, date__gte=start, date__lte=end)
        .select_related("cadre", "org_unit", "outing__team", "created_by")
        .order_by("date", "id")
    )


# ---------------------------------------------------------------- stories


def stories_for(user: User) -> QuerySet[Story]:
    """Stories of units in the caller's subtree (a story's cadre always lives in its unit's subtree)."""
    return Story.objects.filter(org_unit__in=units_for(user)).select_related("org_unit", "cadre", "team")


def stories_listed(user: User) -> QuerySet[Story]:
    first_photo = (
        StoryPhoto.objects.filter(story=OuterRef("pk")).order_by("uploaded_at", "id").values("pk")[:1]
    )
    rows = stories_for(user).annotate(photo_count=Count("photos"), cover_id=Subquery(first_photo))
    return rows.order_by("-date", "-id")


def stories_for_reports(user: User, start: date, end: date) -> list[Story]:
    """Stories marked 可用于汇报材料 in a period, each with only the photos marked so (for report material)."""
    photos = Prefetch("photos", queryset=StoryPhoto.objects.listing().filter(for_reports=True))
    qs = stories_for(user).filter(for_reports=True, date__gte=start, date__lte=end).prefetch_related(photos)
    return list(qs.order_by("date", "id"))


def story_for_user(user: User, pk: Any) -> Story:
    try:
        return stories_for(user).get(pk=pk)
    except (Story.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该先进典型") from exc


def story_photo_for_user(user: User, pk: Any) -> StoryPhoto:
    try:
        return StoryPhoto.objects.filter(story__in=stories_for(user).values("pk")).get(pk=pk)
    except (StoryPhoto.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该照片") from exc
