"""以奖代补: a fund pool split among assessed units by score, in fen (分), summing exactly to the pool.

Two methods, both over the units whose score reaches the threshold (a unit below it gets nothing):
- "proportional": each unit's share is proportional to its score;
- "tiers": each unit falls in the highest tier whose minimum it reaches (一等 ≥ 950, 二等 ≥ 900, 三等 ≥ the
  threshold …) and either every tier has a weight (the pool is split in proportion to the weights) or every
  tier has a fixed amount: each unit is paid its tier's amount and what is left of the pool is shared
  equally among the awarded units (the remainder rule); fixed amounts adding up to more than the pool are
  refused. A unit that reaches the threshold but no tier's minimum gets nothing.

Exact shares are rationals; each unit first gets the fen below its share, then the fen left over go one
each to the largest remainders (largest-remainder / Hamilton rounding), ties broken by rank then unit key,
so the amounts always add up to the pool and the same input always gives the same result. No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

PROPORTIONAL = "proportional"
TIERS = "tiers"
METHODS = (PROPORTIONAL, TIERS)


class AllocationError(ValueError):
    """The configuration cannot be allocated (the message is Chinese, for the page and the API)."""


@dataclass(frozen=True)
class Candidate:
    key: str  # the unit's code: the last tie-breaker
    score: Decimal
    rank: int


@dataclass(frozen=True)
class Tier:
    name: str
    minimum: Decimal
    weight: Decimal | None = None
    amount_fen: int | None = None  # a fixed amount per unit, in fen


@dataclass(frozen=True)
class Share:
    key: str
    score: Decimal
    rank: int
    tier: str  # the tier's name, "达标" (proportional without tiers), or "" below the threshold
    fen: int


DEFAULT_TIERS = (
    Tier("一等", Decimal(950), weight=Decimal(3)),
    Tier("二等", Decimal(900), weight=Decimal(2)),
    Tier("三等", Decimal(0), weight=Decimal(1)),  # from the threshold up
)


def split_fen(total: int, weights: Sequence[Fraction | Decimal | int], order: Sequence[tuple]) -> list[int]:
    """`total` fen split in proportion to `weights` (≥ 0, not all 0) by largest remainder; `order` breaks
    ties among equal remainders (smaller first)."""
    if total < 0:
        raise AllocationError("金额不能为负数")
    whole = sum(Fraction(w) for w in weights)
    if whole <= 0:
        raise AllocationError("没有可分配的单位")
    exact = [Fraction(total) * Fraction(w) / whole for w in weights]
    fen = [floor(e) for e in exact]
    left = total - sum(fen)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - fen[i]), order[i]))
    for i in by_remainder[:left]:
        fen[i] += 1
    return fen


def tier_of(score: Decimal, tiers: Sequence[Tier]) -> Tier | None:
    """The highest tier whose minimum the score reaches."""
    for tier in sorted(tiers, key=lambda t: t.minimum, reverse=True):
        if score >= tier.minimum:
            return tier
    return None


def check_tiers(tiers: Sequence[Tier]) -> None:
    if not tiers:
        raise AllocationError("请至少设置一个等次")
    weighted = [t.weight is not None for t in tiers]
    fixed = [t.amount_fen is not None for t in tiers]
    if not (all(weighted) and not any(fixed)) and not (all(fixed) and not any(weighted)):
        raise AllocationError("各等次须统一按权重或统一按固定金额设置")
    if any(
        (t.weight is not None and t.weight <= 0) or (t.amount_fen is not None and t.amount_fen < 0)
        for t in tiers
    ):
        raise AllocationError("等次的权重须大于0，固定金额不能为负数")
    if len({t.minimum for t in tiers}) != len(tiers):
        raise AllocationError("各等次的最低分不能相同")


def allocate(
    pool_fen: int,
    candidates: Sequence[Candidate],
    *,
    threshold: Decimal,
    method: str = PROPORTIONAL,
    tiers: Sequence[Tier] = (),
) -> list[Share]:
    """One Share per candidate (in rank, key order); the awarded ones add up to `pool_fen` exactly."""
    if method not in METHODS:
        raise AllocationError("分配方式只能是按得分比例或按等次")
    if pool_fen <= 0:
        raise AllocationError("资金池金额须大于0")
    people = sorted(candidates, key=lambda c: (c.rank, c.key))
    if method == TIERS:
        check_tiers(tiers)
    named = {c.key: tier_of(c.score, tiers) if tiers else None for c in people}
    if method == PROPORTIONAL:
        awarded = [c for c in people if c.score >= threshold and c.score > 0]
        weights: list[Fraction] = [Fraction(c.score) for c in awarded]
    else:
        awarded = [c for c in people if c.score >= threshold and named[c.key] is not None]
        weights = [Fraction(_tier(named, c).weight or 0) for c in awarded]
    if not awarded:
        raise AllocationError("没有得分达到门槛的单位")
    order = [(c.rank, c.key) for c in awarded]
    if method == TIERS and tiers[0].amount_fen is not None:
        fixed = [_tier(named, c).amount_fen or 0 for c in awarded]
        left = pool_fen - sum(fixed)
        if left < 0:
            raise AllocationError("各等次固定金额合计超过资金池")
        fen = [f + extra for f, extra in zip(fixed, split_fen(left, [1] * len(awarded), order), strict=True)]
    else:
        fen = split_fen(pool_fen, weights, order)
    paid = {c.key: f for c, f in zip(awarded, fen, strict=True)}
    return [
        Share(c.key, c.score, c.rank, _label(c, named, threshold, tiers), paid.get(c.key, 0)) for c in people
    ]


def _tier(named: dict[str, Tier | None], c: Candidate) -> Tier:
    tier = named[c.key]
    assert tier is not None
    return tier


def _label(c: Candidate, named: dict[str, Tier | None], threshold: Decimal, tiers: Sequence[Tier]) -> str:
    if c.score < threshold:
        return ""
    if not tiers:
        return "达标"
    tier = named[c.key]
    return tier.name if tier else ""


def fen_of(amount: Decimal) -> int:
    """Yuan (two decimals at most) to fen."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise AllocationError("金额最多精确到分")
    return int(fen)


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))
