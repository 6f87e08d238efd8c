"""以奖代补 allocation: largest-remainder rounding, the threshold, the two methods."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiujin.lib.allocation import (
    DEFAULT_TIERS,
    PROPORTIONAL,
    TIERS,
    AllocationError,
    Candidate,
    Tier,
    allocate,
    fen_of,
    split_fen,
    yuan,
)

D = Decimal


def _c(key: str, score: str, rank: int) -> Candidate:
    return Candidate(key, D(score), rank)


def test_it_splits_by_largest_remainder() -> None:
    # 100 fen in thirds: 33.33 each, the one fen left goes to the first in order.
    assert split_fen(100, [1, 1, 1], [(1, "a"), (2, "b"), (3, "c")]) == [34, 33, 33]
    assert split_fen(100, [1, 1, 1], [(3, "a"), (2, "b"), (1, "c")]) == [33, 33, 34]
    # 10 fen as 46:29:14:11: exact shares 4.6, 2.9, 1.4, 1.1: floors 4+2+1+1 = 8, two left.
    assert split_fen(10, [46, 29, 14, 11], [(i, "") for i in range(4)]) == [5, 3, 1, 1]


def test_it_gives_proportional_shares_and_nothing_below_the_threshold() -> None:
    units = [_c("A", "960", 1), _c("B", "940", 2), _c("C", "700", 3)]
    shares = allocate(100_000_00, units, threshold=D(800), method=PROPORTIONAL)
    assert [(s.key, s.fen, s.tier) for s in shares] == [
        ("A", 50_526_32, "达标"),  # 960/1900 of 100,000.00 = 50,526.315…
        ("B", 49_473_68, "达标"),
        ("C", 0, ""),
    ]
    assert sum(s.fen for s in shares) == 100_000_00


def test_it_gives_weighted_tiers() -> None:
    units = [_c("A", "960", 1), _c("B", "930", 2), _c("C", "910", 3), _c("D", "850", 4), _c("E", "799.5", 5)]
    shares = allocate(90_000_00, units, threshold=D(800), method=TIERS, tiers=DEFAULT_TIERS)
    # Weights 3, 2, 2, 1: 90,000 / 8 = 11,250 per weight.
    assert [(s.tier, yuan(s.fen)) for s in shares] == [
        ("一等", D("33750.00")),
        ("二等", D("22500.00")),
        ("二等", D("22500.00")),
        ("三等", D("11250.00")),
        ("", D("0.00")),
    ]


def test_it_pays_fixed_tier_amounts_and_shares_the_rest_equally() -> None:
    tiers = [Tier("一等", D(950), amount_fen=30_000_00), Tier("二等", D(0), amount_fen=10_000_00)]
    units = [_c("A", "960", 1), _c("B", "900", 2), _c("C", "880", 3)]
    shares = allocate(50_000_01, units, threshold=D(850), method=TIERS, tiers=tiers)
    # 50,000.01 − 50,000.00 = 1 fen left: to the first in rank order.
    assert [s.fen for s in shares] == [30_000_01, 10_000_00, 10_000_00]
    with pytest.raises(AllocationError, match="超过资金池"):
        allocate(49_999_99, units, threshold=D(850), method=TIERS, tiers=tiers)


def test_it_breaks_ties_by_rank_then_code() -> None:
    units = [_c("B", "900", 1), _c("A", "900", 1), _c("C", "900", 1)]
    shares = allocate(100, units, threshold=D(0))
    assert [(s.key, s.fen) for s in shares] == [("A", 34), ("B", 33), ("C", 33)]


def test_it_refuses_what_it_cannot_allocate() -> None:
    units = [_c("A", "700", 1)]
    with pytest.raises(AllocationError, match="没有得分达到门槛"):
        allocate(100, units, threshold=D(800))
    with pytest.raises(AllocationError, match="须大于0"):
        allocate(0, units, threshold=D(0))
    with pytest.raises(AllocationError, match="统一"):
        allocate(100, units, threshold=D(0), method=TIERS, tiers=[Tier("x", D(0), D(1), 100)])
    with pytest.raises(AllocationError, match="分配方式"):
        allocate(100, units, threshold=D(0), method="lottery")


def test_it_converts_yuan_and_fen() -> None:
    assert fen_of(D("12345.67")) == 1234567
    assert yuan(1234567) == D("12345.67")
    with pytest.raises(AllocationError):
        fen_of(D("0.001"))


scores = st.decimals(min_value=0, max_value=1050, places=1, allow_nan=False, allow_infinity=False)
units_st = st.lists(scores, min_size=1, max_size=30)


def _candidates(values: list[Decimal]) -> list[Candidate]:
    ordered = sorted(values, reverse=True)
    return [Candidate(f"U{i:03d}", s, ordered.index(s) + 1) for i, s in enumerate(values)]


@settings(max_examples=200, deadline=None)
@given(units_st, st.integers(min_value=1, max_value=10**11), scores, st.sampled_from([PROPORTIONAL, TIERS]))
def test_property_sums_to_the_pool_and_nothing_below_the_threshold(
    values: list[Decimal], pool: int, threshold: Decimal, method: str
) -> None:
    candidates = _candidates(values)
    try:
        shares = allocate(pool, candidates, threshold=threshold, method=method, tiers=DEFAULT_TIERS)
    except AllocationError:
        assert all(v < threshold or v == 0 for v in values)  # refused only when nobody qualifies
        return
    assert sum(s.fen for s in shares) == pool
    assert all(s.fen == 0 for s in shares if s.score < threshold)
    assert all(s.fen >= 0 for s in shares)


@settings(max_examples=200, deadline=None)
@given(units_st, st.integers(min_value=1, max_value=10**11), scores)
def test_property_proportional_is_monotone_in_score(
    values: list[Decimal], pool: int, threshold: Decimal
) -> None:
    try:
        shares = allocate(pool, _candidates(values), threshold=threshold)
    except AllocationError:
        return
    for a in shares:
        for b in shares:
            if a.score > b.score:
                assert a.fen >= b.fen
