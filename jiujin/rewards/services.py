"""Writes of 以奖代补: set a district's pool, allocate it from the published assessment, issue it.

Every write is one transaction and audited. Allocating replaces the previous allocation whole; a pool marked
已下达 (issued) is frozen: neither its settings nor its allocation change any more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiujin.assessments.models import Assessment
from jiujin.assessments.selectors import assessment_standings
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, diff, snapshot
from jiujin.lib.allocation import AllocationError, Candidate, Tier, allocate, check_tiers, fen_of, yuan

from .models import DEFAULT_THRESHOLD, Allocation, FundPool, Method, PoolStatus

# The documented defaults when a district has no pool yet: three tiers weighted 3/2/1 above 800 points.
DEFAULT_TIER_ROWS: list[dict[str, str]] = [
    {"name": "一等", "min": "950", "weight": "3"},
    {"name": "二等", "min": "900", "weight": "2"},
    {"name": "三等", "min": "0", "weight": "1"},
]
POOL_FIELDS = ["amount", "threshold", "method", "tiers", "note", "issuer", "assessment"]


class RewardsConflict(Exception):
    """The state forbids the write (the assessment is not published, the pool is issued): 409 in the API."""


def tiers_from_rows(rows: Sequence[Mapping[str, Any]]) -> list[Tier]:
    """JSON rows to the allocation's tiers; AllocationError on a row that does not read."""
    tiers = []
    for row in rows:
        try:
            name = str(row.get("name") or "").strip()
            minimum = Decimal(str(row.get("min", "0")))
            weight = row.get("weight")
            amount = row.get("amount")
            tiers.append(
                Tier(
                    name=name,
                    minimum=minimum,
                    weight=None if weight in (None, "") else Decimal(str(weight)),
                    amount_fen=None if amount in (None, "") else fen_of(Decimal(str(amount))),
                )
            )
        except (InvalidOperation, AttributeError, TypeError) as exc:
            raise AllocationError("等次设置有误：最低分、权重和金额须为数字") from exc
        if not name:
            raise AllocationError("等次须有名称")
    return tiers


def tier_rows(tiers: Sequence[Tier]) -> list[dict[str, str]]:
    """The allocation's tiers as the JSON rows kept on the pool."""
    rows = []
    for t in tiers:
        row = {"name": t.name, "min": str(t.minimum)}
        if t.weight is not None:
            row["weight"] = str(t.weight)
        if t.amount_fen is not None:
            row["amount"] = str(yuan(t.amount_fen))
        rows.append(row)
    return rows


def _refuse_if_issued(pool: FundPool) -> None:
    if pool.is_issued:
        raise RewardsConflict("该年度以奖代补资金已下达，不能再修改")


def _refuse_unless_published(assessment: Assessment) -> None:
    if not assessment.is_published:
        raise RewardsConflict("考评结果尚未发布，不能分配以奖代补资金")


@transaction.atomic
def fund_pool_save(
    *,
    actor: Actor,
    assessment: Assessment,
    amount: Decimal,
    threshold: Decimal,
    method: str,
    tiers: Sequence[Mapping[str, Any]],
    note: str = "",
    issuer: str = "",
) -> FundPool:
    """Create or update the pool of the assessment's district and year (the settings only)."""
    if method not in Method.values:
        raise AllocationError("分配方式只能是按得分比例或按等次")
    parsed = tiers_from_rows(tiers)
    if parsed or method == Method.TIERS:
        check_tiers(parsed)
    fen_of(amount)  # refuses a fraction of a fen
    if amount <= 0 or threshold < 0:
        raise AllocationError("资金池金额须大于0，门槛分不能为负数")
    pool = (
        FundPool.objects.select_for_update()
        .filter(district=assessment.district_id, year=assessment.year)
        .first()
    )
    before = snapshot(pool, POOL_FIELDS) if pool else {}
    if pool is None:
        pool = FundPool(district_id=assessment.district_id, year=assessment.year)
    else:
        _refuse_if_issued(pool)
    pool.assessment = assessment
    amount, threshold = amount.quantize(Decimal("0.01")), threshold.quantize(Decimal("0.1"))
    pool.amount, pool.threshold, pool.method, pool.tiers = amount, threshold, method, tier_rows(parsed)
    pool.note, pool.issuer = note, issuer
    pool.save()
    changes = diff(before, snapshot(pool, POOL_FIELDS))
    action = AuditAction.UPDATE if before else AuditAction.CREATE
    audit_record(
        actor=actor, action=action, subject=pool, detail=f"{pool.year}年度以奖代补资金池", changes=changes
    )
    return pool


@transaction.atomic
def fund_pool_allocate(*, actor: Actor, pool: FundPool) -> list[Allocation]:
    """Allocate the pool from its assessment's standings, replacing the previous allocation."""
    pool = FundPool.objects.select_for_update().select_related("assessment").get(pk=pool.pk)
    _refuse_if_issued(pool)
    _refuse_unless_published(pool.assessment)
    standings = assessment_standings(pool.assessment)
    units = {s.unit.code: s.unit for s in standings}
    shares = allocate(
        fen_of(pool.amount),
        [Candidate(s.unit.code, s.total, s.rank) for s in standings],
        threshold=pool.threshold,
        method=pool.method,
        tiers=tiers_from_rows(pool.tiers),
    )
    previous = {a.unit_id: str(a.amount) for a in pool.allocations.all()}
    pool.allocations.all().delete()
    rows = Allocation.objects.bulk_create(
        Allocation(pool=pool, unit=units[s.key], score=s.score, rank=s.rank, tier=s.tier, amount=yuan(s.fen))
        for s in shares
    )
    pool.allocated_at = timezone.now()
    pool.save(update_fields=["allocated_at"])
    after = {r.unit.pk: str(r.amount) for r in rows}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=pool,
        detail=f"分配{pool.year}年度以奖代补资金 {pool.amount} 元（{pool.get_method_display()}，门槛 {pool.threshold} 分）",
        changes={"allocations": [previous, after]} if previous != after else {},
    )
    return rows


@transaction.atomic
def fund_pool_issue(*, actor: Actor, pool: FundPool) -> FundPool:
    """Mark the pool 已下达: its settings and allocation are frozen from now on."""
    pool = FundPool.objects.select_for_update().get(pk=pool.pk)
    _refuse_if_issued(pool)
    if not pool.allocations.exists():
        raise RewardsConflict("请先分配资金再下达")
    pool.status, pool.issued_at, pool.issued_by = PoolStatus.ISSUED, timezone.now(), actor.user
    pool.save(update_fields=["status", "issued_at", "issued_by"])
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        subject=pool,
        detail=f"下达{pool.year}年度以奖代补资金",
        changes={"status": [PoolStatus.DRAFT, PoolStatus.ISSUED]},
    )
    return pool


def pool_defaults(assessment: Assessment) -> dict[str, Any]:
    """The settings a new allocation starts from: this district's pool for the year, else its latest pool,
    else the documented defaults (800 points, tiers weighted 3/2/1 from 950 and 900)."""
    pool = FundPool.objects.filter(district=assessment.district_id, year__lte=assessment.year).order_by(
        "-year"
    )
    latest = pool.first()
    if latest is None:
        return {
            "threshold": DEFAULT_THRESHOLD,
            "method": Method.TIERS,
            "tiers": DEFAULT_TIER_ROWS,
            "amount": None,
        }
    same_year = latest.year == assessment.year
    return {
        "threshold": latest.threshold,
        "method": latest.method,
        "tiers": latest.tiers,
        "amount": latest.amount if same_year else None,
        "note": latest.note if same_year else "",
        "issuer": latest.issuer,
    }
