"""Reads of the assessments app: scope, standings, a unit's breakdown.

Scope: an assessment belongs to a district. Staff whose unit is the district, inside it or above it (city,
admin) reach it; anyone else gets 404 (`NoAccess`). Inside it, a user sees the units of their own subtree
only: a community worker sees their own community's row and breakdown, a street its communities, the
district (and its assessors) all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from jiujin.core.access import NoAccess, is_volunteer, is_work_unit
from jiujin.orgs.models import OrgUnit

from .models import Assessment, Rubric, RubricItem, RubricSection, Score, ScoreEvidence, UnitResult

if TYPE_CHECKING:
    from jiujin.accounts.models import User


@dataclass(frozen=True)
class Standing:
    """A unit's place in its district's ranking. Ties share the rank and the next rank skips (1, 2, 2, 4:
    "standard competition ranking"), so a rank always says how many units did strictly better, plus one."""

    unit: OrgUnit
    total: Decimal
    rank: int


def _reaches_district(user: User, district: OrgUnit) -> bool:
    if not user.is_authenticated or not user.is_active or is_volunteer(user) or is_work_unit(user):
        return False
    if user.sees_everything:
        return True
    unit = user.org_unit
    return unit is not None and (unit.path.startswith(district.path) or district.path.startswith(unit.path))


def districts_for_user(user: User) -> QuerySet[OrgUnit]:
    """The districts whose assessments the user reaches (their own, those under them, the one above them)."""
    districts = OrgUnit.objects.filter(level="district")
    if user.sees_everything:
        return districts
    if user.org_unit is None or is_volunteer(user) or is_work_unit(user):
        return districts.none()
    return districts.filter(pk__in=[d.pk for d in districts if _reaches_district(user, d)])


def unit_in_view(user: User, unit: OrgUnit) -> bool:
    """Whether the user sees this assessed unit's row: it is in their own subtree."""
    if user.sees_everything:
        return True
    return user.org_unit is not None and unit.path.startswith(user.org_unit.path)


def assessment_for_user(user: User, assessment_id: int) -> Assessment:
    assessment = (
        Assessment.objects.select_related("district", "rubric", "published_by")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None or not _reaches_district(user, assessment.district):
        raise NoAccess("没有找到该考评")
    return assessment


def rubric_for_user(user: User, rubric_id: int) -> Rubric:
    rubric = Rubric.objects.select_related("district").filter(pk=rubric_id).first()
    if rubric is None or not _reaches_district(user, rubric.district):
        raise NoAccess("没有找到该考评细则")
    return rubric


def rubric_outline(rubric: Rubric) -> list[RubricSection]:
    """Sections with their items prefetched (two queries)."""
    return list(rubric.sections.prefetch_related(Prefetch("items", queryset=RubricItem.objects.all())))


def results_in_view(user: User, assessment: Assessment) -> list[UnitResult]:
    """The assessed units the user sees, by rank (one query)."""
    results = assessment.results.select_related("unit", "unit__parent").order_by("rank", "unit__path")
    if not user.sees_everything:
        assert user.org_unit is not None
        results = results.filter(unit__path__startswith=user.org_unit.path)
    return list(results)


def result_for_user(user: User, assessment: Assessment, unit_code: str) -> UnitResult:
    result = (
        assessment.results.select_related("unit", "unit__parent", "remark_by")
        .filter(unit__code=unit_code)
        .first()
    )
    if result is None or not unit_in_view(user, result.unit):
        raise NoAccess("没有找到该社区的考评结果")
    return result


def unit_scores(assessment: Assessment, unit: OrgUnit) -> list[Score]:
    """A unit's scores in rubric order, each with its item and evidence (without the bytes)."""
    return list(
        Score.objects.filter(assessment=assessment, unit=unit)
        .select_related("item", "item__section", "scored_by")
        .prefetch_related(Prefetch("evidence", queryset=ScoreEvidence.objects.listing()))
        .order_by("item__section__order", "item__section_id", "item__order", "item_id")
    )


def assessment_standings(assessment: Assessment) -> list[Standing]:
    """Every assessed unit of the assessment with its stored total and rank, best first (one query)."""
    results = assessment.results.select_related("unit").order_by("rank", "unit__path")
    return [Standing(unit=r.unit, total=r.total, rank=r.rank) for r in results]


def competition_ranks(totals: list[Decimal]) -> list[int]:
    """Ranks of totals already sorted best first: ties share a rank, the next one skips (1, 2, 2, 4)."""
    ranks: list[int] = []
    for i, total in enumerate(totals):
        ranks.append(ranks[-1] if i and total == totals[i - 1] else i + 1)
    return ranks
