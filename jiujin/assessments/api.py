"""千分量化考评 over /api/v1/: a year's scores of the assessed units under a unit.

`GET /assessments?unit=CODE&year=YYYY`: the unit must be in the caller's staff scope (else 404, like a
missing one); the answer lists every assessed community under it that the caller sees, with its total, rank
and item points. A community worker's scope is their own community, so they get their own unit only.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from jiujin.core.access import STAFF, NoAccess, access, access_unit
from jiujin.core.api import Detail, caller

from .models import Assessment, Score, Source, UnitResult

router = Router(tags=["千分量化考评"])


class AssessmentQuery(Schema):
    unit: str = Field("", description="单位编码：区/县、街道或社区；不填为本人所在单位")
    year: int | None = Field(None, description="考评年度；不填为今年", ge=2000, le=2100)


class UnitRef(Schema):
    code: str
    name: str


class ItemOut(Schema):
    code: str
    name: str
    points: Decimal | None = Field(description="扣分后的得分；人工项未评时为 null")
    max: Decimal
    source: str = Field(description="metric（系统计算）| manual（人工评分）")
    value: float | None = Field(description="系统计算项的指标值；人工项为 null")


class UnitScoreOut(Schema):
    assessment: int
    status: str
    unit: UnitRef
    total: Decimal
    rank: int
    items: list[ItemOut]


@router.get("/assessments", response={200: list[UnitScoreOut], 404: Detail})
@access(STAFF)
def assessment_scores(request: HttpRequest, q: Query[AssessmentQuery]) -> list[UnitScoreOut]:
    user = caller(request)
    code = q.unit or (user.org_unit.code if user.org_unit else "")
    unit = access_unit(user, code)
    year = q.year or timezone.localdate().year
    # The district's assessment whose district holds the unit, or those of the districts under it (a city).
    assessments = list(
        Assessment.objects.filter(year=year)
        .filter(Q(district__path__in=unit.chain_paths()) | Q(district__path__startswith=unit.path))
        .select_related("district")
    )
    # The unit is in the caller's subtree, so the caller reaches these districts and every unit under it.
    if not assessments:
        raise NoAccess("没有找到该年度的考评")
    results = list(
        UnitResult.objects.filter(assessment__in=assessments, unit__path__startswith=unit.path)
        .select_related("unit", "assessment")
        .order_by("assessment__district__path", "rank", "unit__path")
    )
    scores = Score.objects.filter(
        assessment__in=assessments, unit_id__in=[r.unit_id for r in results]
    ).select_related("item", "item__section")
    by_unit: dict[tuple[int, int], list[Score]] = defaultdict(list)
    for s in sorted(scores, key=lambda s: (s.item.section.order, s.item.section_id, s.item.order, s.item_id)):
        by_unit[(s.assessment_id, s.unit_id)].append(s)
    return [
        UnitScoreOut(
            assessment=r.assessment_id,
            status=r.assessment.status,
            unit=UnitRef(code=r.unit.code, name=r.unit.name),
            total=r.total,
            rank=r.rank,
            items=[
                ItemOut(
                    code=s.item.code,
                    name=s.item.name,
                    points=None if s.points is None else s.net,
                    max=s.item.max_points,
                    source=s.source,
                    value=s.value if s.source == Source.METRIC else None,
                )
                for s in by_unit[(r.assessment_id, r.unit_id)]
            ],
        )
        for r in results
    ]
