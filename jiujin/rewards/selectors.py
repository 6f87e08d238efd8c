"""Reads of 以奖代补: scope, a district's pool and its allocation.

The pages and the API reach a pool through its assessment (one per district and year): the assessments app
decides who reaches the district (`assessment_for_user`, else 404), and of those only the district's own
staff and those above it (city, admin) see its money: a street or community user gets 404 here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse

from jiujin.assessments.models import Assessment, AssessmentStatus
from jiujin.assessments.selectors import assessment_for_user, districts_for_user
from jiujin.core.access import NoAccess

from .models import Allocation, FundPool

if TYPE_CHECKING:
    from jiujin.accounts.models import User


def sees_district_money(user: User, assessment: Assessment) -> bool:
    return user.sees_everything or _above(user, assessment.district.path)


def rewards_assessment_for_user(user: User, assessment_id: int) -> Assessment:
    assessment = assessment_for_user(user, assessment_id)
    if not sees_district_money(user, assessment):
        raise NoAccess("没有找到该考评")
    return assessment


def pool_for(assessment: Assessment) -> FundPool | None:
    return (
        FundPool.objects.filter(district=assessment.district_id, year=assessment.year)
        .select_related("district", "assessment", "issued_by")
        .first()
    )


def allocation_rows(pool: FundPool) -> list[Allocation]:
    return list(pool.allocations.select_related("unit").order_by("rank", "unit__code"))


def allocation_total(rows: list[Allocation]) -> Decimal:
    return sum((r.amount for r in rows), Decimal("0.00"))


@dataclass(frozen=True)
class PoolLine:
    assessment: Assessment
    pool: FundPool | None


def pool_lines(user: User) -> list[PoolLine]:
    """The published assessments of the districts whose money the user sees, newest first, each with its
    pool if it has one (two queries)."""
    districts = [d for d in districts_for_user(user) if user.sees_everything or _above(user, d.path)]
    assessments = list(
        Assessment.objects.filter(district__in=districts, status=AssessmentStatus.PUBLISHED)
        .select_related("district")
        .order_by("-year", "district__path")
    )
    pools = {
        (p.district_id, p.year): p
        for p in FundPool.objects.filter(district__in=districts).select_related("district")
    }
    return [PoolLine(a, pools.get((a.district_id, a.year))) for a in assessments]


def _above(user: User, path: str) -> bool:
    """The user's unit is this one or above it."""
    return user.org_unit is not None and path.startswith(user.org_unit.path)


def pool_link(user: User, assessment: Assessment) -> list[tuple[str, str]]:
    """The overview's button to the fund pool, once the scores are published, for who may see the money."""
    if assessment.status != AssessmentStatus.PUBLISHED or not sees_district_money(user, assessment):
        return []
    return [("以奖代补资金分配", reverse("rewards:pool", args=[assessment.pk]))]
