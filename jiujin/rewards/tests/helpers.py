"""A finished assessment of the test district, written straight to its tables (the assessments app's own
tests check how scores are computed; here only the stored totals and ranks matter)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jiujin.assessments.models import Assessment, AssessmentStatus, Rubric, UnitResult
from jiujin.assessments.selectors import competition_ranks
from jiujin.orgs.models import OrgLevel, OrgUnit
from jiujin.orgs.services import org_unit_create


def communities(tree: Any) -> list[OrgUnit]:
    """Community A and B plus C and D in the same street: four units to rank."""
    extra = [
        org_unit_create(code=f"42110200100{n}", name=f"社区{c}", level=OrgLevel.COMMUNITY, parent=tree.street)
        for n, c in ((3, "C"), (4, "D"))
    ]
    return [tree.community_a, tree.community_b, *extra]


def make_assessment(
    tree: Any,
    totals: list[str],
    *,
    year: int = 2025,
    published: bool = True,
    units: list[OrgUnit] | None = None,
) -> Assessment:
    """The district's assessment for `year` with these totals, in the order of `units` (default: A–D)."""
    units = units or communities(tree)
    rubric = Rubric.objects.create(district=tree.district, year=year, name=f"{year}年度千分考评细则")
    assessment = Assessment.objects.create(
        rubric=rubric,
        district=tree.district,
        year=year,
        status=AssessmentStatus.PUBLISHED if published else AssessmentStatus.IN_PROGRESS,
    )
    pairs = sorted(zip(units, [Decimal(t) for t in totals], strict=False), key=lambda p: -p[1])
    ranks = competition_ranks([t for _u, t in pairs])
    UnitResult.objects.bulk_create(
        UnitResult(assessment=assessment, unit=u, base_total=t, total=t, rank=r)
        for (u, t), r in zip(pairs, ranks, strict=True)
    )
    return assessment
