"""以奖代补 over /api/v1/: allocate a district's fund pool from its published 千分 assessment.

`POST /assessments/{assessment_id}/allocate` `{"pool": "100000.00"}` (optional `threshold`, `method`,
`tiers`; what is left out comes from the district's pool settings — this year's, else its latest — or the
documented defaults: 800 points, tiers weighted 3/2/1 from 950 and 900). It saves the settings on the pool of
the assessment's district and year and replaces its allocation: per unit `unit`, `score`, `rank`, `tier`,
`amount`, and the `total`, which equals the pool to the fen. Amounts are decimal strings in yuan with two
places (as every amount of the API). Only district staff who manage the assessment (`manage_assessment`)
may; an assessment outside the caller's district is 404; one not yet published, or a pool already issued
(已下达), is 409; settings that cannot be allocated are 422.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from jiujin.audit.services import actor_from_request
from jiujin.core.access import access, staff
from jiujin.core.api import Detail, caller, one_of, raise_field_errors
from jiujin.lib.allocation import AllocationError

from .models import Method
from .selectors import allocation_rows, rewards_assessment_for_user
from .services import RewardsConflict, fund_pool_allocate, fund_pool_save, pool_defaults

router = Router(tags=["以奖代补"])


class TierIn(Schema):
    name: str = Field(max_length=20, description="等次名称，如 一等")
    min: Decimal = Field(ge=0, max_digits=7, decimal_places=1, description="最低分（含）")
    weight: Decimal | None = Field(
        None, gt=0, max_digits=6, decimal_places=2, description="权重（按权重分配）"
    )
    amount: Decimal | None = Field(
        None,
        ge=0,
        max_digits=12,
        decimal_places=2,
        description="每个单位的固定金额（元）；余额由获奖单位平均追加",
    )


class AllocateIn(Schema):
    pool: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="资金总额（元，精确到分）")
    threshold: Decimal | None = Field(None, ge=0, max_digits=7, decimal_places=1, description="门槛分（含）")
    method: Annotated[str, one_of(Method)] | None = Field(
        None, description="proportional 按得分比例 / tiers 按等次"
    )
    tiers: list[TierIn] | None = Field(
        None, max_length=10, description="等次：各等次统一用 weight 或统一用 amount"
    )


class UnitRef(Schema):
    code: str
    name: str


class AllocationOut(Schema):
    unit: UnitRef
    score: Decimal
    rank: int
    tier: str = Field(description="等次；未达门槛为空")
    amount: Decimal = Field(description="金额（元）")


class PoolOut(Schema):
    assessment: int
    year: int
    district: UnitRef
    pool: Decimal = Field(description="资金总额（元）")
    threshold: Decimal
    method: str
    tiers: list[dict[str, str]]
    status: str = Field(description="draft 拟分配 / issued 已下达")
    total: Decimal = Field(description="分配合计（元），等于资金总额")
    units: list[AllocationOut]


@router.post(
    "/assessments/{assessment_id}/allocate",
    response={200: PoolOut, 403: Detail, 404: Detail, 409: Detail},
    summary="以奖代补资金分配 Allocate the fund pool by score",
)
@access(staff("manage_assessment"))
def allocate(request: HttpRequest, assessment_id: int, payload: AllocateIn) -> dict[str, Any]:
    user = caller(request)
    assessment = rewards_assessment_for_user(user, assessment_id)
    defaults = pool_defaults(assessment)
    actor = actor_from_request(request, via="api")
    tiers = defaults["tiers"] if payload.tiers is None else [t.dict(exclude_none=True) for t in payload.tiers]
    try:
        if not assessment.is_published:
            raise RewardsConflict("考评结果尚未发布，不能分配以奖代补资金")
        pool = fund_pool_save(
            actor=actor,
            assessment=assessment,
            amount=payload.pool,
            threshold=defaults["threshold"] if payload.threshold is None else payload.threshold,
            method=payload.method or defaults["method"],
            tiers=tiers,
            note=defaults.get("note", ""),
            issuer=defaults.get("issuer", ""),
        )
        fund_pool_allocate(actor=actor, pool=pool)
    except RewardsConflict as exc:
        raise HttpError(409, str(exc)) from None
    except AllocationError as exc:
        raise_field_errors({"pool": [str(exc)]})
    rows = allocation_rows(pool)
    return {
        "assessment": assessment.pk,
        "year": pool.year,
        "district": {"code": assessment.district.code, "name": assessment.district.name},
        "pool": pool.amount,
        "threshold": pool.threshold,
        "method": pool.method,
        "tiers": pool.tiers,
        "status": pool.status,
        "total": sum((r.amount for r in rows), Decimal("0.00")),
        "units": [
            {
                "unit": {"code": r.unit.code, "name": r.unit.name},
                "score": r.score,
                "rank": r.rank,
                "tier": r.tier,
                "amount": r.amount,
            }
            for r in rows
        ],
    }
