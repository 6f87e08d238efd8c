"""Reads of the branches app, scoped: a branch through `Branch.objects.for_user`, its members through
`Cadre.objects.for_user` (a work-unit branch seen from one community shows only that community's members and
counts the others). Out of scope is NoAccess (404), like missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.core.access import NoAccess

from .models import BadgeAward, Branch, DuesCharge, MemberRole, Membership, PartyProfile

BADGE_YEARS = 50
JULY_FIRST = (7, 1)


def branches_for_user(user: User) -> QuerySet[Branch]:
    secretary = Membership.objects.filter(
        branch=OuterRef("pk"), left_on__isnull=True, role=MemberRole.SECRETARY
    ).values("cadre__name")[:1]
    return (
        Branch.objects.for_user(user)
        .select_related("org_unit", "work_unit")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)),
            secretary_name=Subquery(secretary),
        )
        .order_by("org_unit__path", "name", "id")
    )


def get_branch_for_user(user: User, pk: Any) -> Branch:
    branch = Branch.objects.for_user(user).select_related("org_unit", "work_unit").filter(pk=pk).first()
    if branch is None:
        raise NoAccess("没有找到该支部")
    return branch


def get_membership_for_user(user: User, pk: Any) -> Membership:
    """A membership whose cadre the user reaches (and so whose branch they see)."""
    found = (
        Membership.objects.select_related("branch", "cadre")
        .filter(pk=pk, cadre__in=Cadre.objects.for_user(user))
        .first()
    )
    if found is None:
        raise NoAccess("没有找到该党员")
    return found


@dataclass
class Members:
    rows: list[Membership]
    hidden: int  # open members the user does not look after (a work-unit branch seen from one community)


def branch_members(user: User, branch: Branch) -> Members:
    mine = Cadre.objects.for_user(user).values("pk")
    rows = list(
        Membership.objects.filter(branch=branch, left_on__isnull=True, cadre__in=mine)
        .select_related("cadre", "cadre__community", "cadre__party_profile")
        .order_by("cadre__name_pinyin", "id")
    )
    total = Membership.objects.filter(branch=branch, left_on__isnull=True).count()
    return Members(rows, total - len(rows))


def branch_history(user: User, branch: Branch, *, limit: int = 50) -> list[Membership]:
    """Recent changes (joined or left), newest first, of the members the user reaches."""
    return list(
        Membership.objects.filter(branch=branch, cadre__in=Cadre.objects.for_user(user).values("pk"))
        .select_related("cadre")
        .order_by("-created_at", "-id")[:limit]
    )


def addable_cadres(user: User, branch: Branch) -> QuerySet[Cadre]:
    """Whom the member form offers: active cadres the user reaches, from the branch's communities (or its
    work unit), not in any branch yet (those are transferred instead)."""
    qs = Cadre.objects.for_user(user).active()
    if branch.work_unit_id:
        qs = qs.filter(work_unit_id=branch.work_unit_id)
    else:
        qs = qs.filter(community__path__startswith=branch.org_unit.path)
    in_branch = Membership.objects.filter(cadre=OuterRef("pk"), left_on__isnull=True)
    return qs.exclude(Exists(in_branch)).order_by("name_pinyin", "id")


def badge_cutoff(year: int) -> date:
    """Joined on or before this day: 50 years of membership by 七一 of `year`."""
    return date(year - BADGE_YEARS, *JULY_FIRST)


def badge_due(user: User, year: int) -> QuerySet[Cadre]:
    """Living cadres the user reaches whose party age reaches 50 by 七一 of `year`, without the badge yet."""
    awarded = BadgeAward.objects.filter(cadre=OuterRef("pk"))
    return (
        Cadre.objects.for_user(user)
        .active()
        .filter(party_profile__joined_party_on__lte=badge_cutoff(year))
        .exclude(Exists(awarded))
        .select_related("community", "party_profile")
        .order_by("party_profile__joined_party_on", "name_pinyin", "id")
    )


def badges_awarded(user: User, year: int) -> QuerySet[BadgeAward]:
    return (
        BadgeAward.objects.filter(year=year, cadre__in=Cadre.objects.for_user(user).values("pk"))
        .select_related("cadre", "cadre__community", "cadre__party_profile")
        .order_by("awarded_on", "id")
    )


# ---------------------------------------------------------------- dues


@dataclass
class MemberDues:
    cadre: Cadre
    due: Decimal
    paid: Decimal
    arrears: Decimal
    unpaid_months: int


def ledger_rows(user: User, branch: Branch, year: int) -> QuerySet[DuesCharge]:
    return (
        DuesCharge.objects.filter(
            branch=branch, month__year=year, cadre__in=Cadre.objects.for_user(user).values("pk")
        )
        .select_related("cadre", "cadre__community")
        .order_by("cadre__name_pinyin", "cadre_id", "month")
    )


def dues_summary(charges: list[DuesCharge]) -> list[MemberDues]:
    """Per member: due, paid and arrears of the given ledger rows (already scoped), in their order."""
    by_cadre: dict[int, MemberDues] = {}
    for c in charges:
        row = by_cadre.setdefault(c.cadre_id, MemberDues(c.cadre, Decimal(0), Decimal(0), Decimal(0), 0))
        row.due += c.amount_due
        if c.paid_on is None:
            row.arrears += c.amount_due
            row.unpaid_months += 1
        else:
            row.paid += c.amount_paid or Decimal(0)
    return list(by_cadre.values())


def cadre_dues_status(cadre: Cadre) -> dict[str, Any]:
    agg = DuesCharge.objects.filter(cadre=cadre, paid_on__isnull=True).aggregate(
        months=Count("id"), amount=Sum("amount_due")
    )
    last_paid = DuesCharge.objects.filter(cadre=cadre, paid_on__isnull=False).order_by("-month").first()
    return {"unpaid_months": agg["months"], "arrears": agg["amount"] or Decimal(0), "last_paid": last_paid}


def cadre_party_facts(cadre: Cadre) -> tuple[Membership | None, PartyProfile | None]:
    membership = Membership.objects.filter(cadre=cadre, left_on__isnull=True).select_related("branch").first()
    profile = PartyProfile.objects.filter(cadre=cadre).first()
    return membership, profile
