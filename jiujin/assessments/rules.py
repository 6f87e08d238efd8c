"""Pure rules of the rubric: a metric value to points, and whether a rubric adds up."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .models import RuleKind

TENTH = Decimal("0.1")


def tenth(x: Decimal) -> Decimal:
    return x.quantize(TENTH, rounding=ROUND_HALF_UP)


def linear_points(
    value: float, *, low: Decimal, high: Decimal, max_points: Decimal, higher_is_better: bool
) -> Decimal:
    """≤ low → 0, ≥ high → max, linear between; reversed when lower is better (≤ low → max, ≥ high → 0)."""
    v = Decimal(str(value))
    if v <= low:
        share = Decimal(0)
    elif v >= high:
        share = Decimal(1)
    else:
        share = (v - low) / (high - low)
    if not higher_is_better:
        share = 1 - share
    return tenth(max_points * share)


def step_points(value: float, *, steps: list[Any], max_points: Decimal, higher_is_better: bool) -> Decimal:
    """Steps [[threshold, points], …]: higher is better → the points of the highest threshold the value
    reaches; lower is better → the points of the lowest threshold the value does not exceed; else 0."""
    v = Decimal(str(value))
    ordered = sorted((Decimal(str(t)), Decimal(str(p))) for t, p in steps)
    earned = Decimal(0)
    if higher_is_better:
        for threshold, points in ordered:
            if v >= threshold:
                earned = points
    else:
        for threshold, points in reversed(ordered):
            if v <= threshold:
                earned = points
    return tenth(min(earned, max_points))


def rule_points(
    *,
    kind: str,
    value: float | None,
    max_points: Decimal,
    higher_is_better: bool,
    low: Decimal | None = None,
    high: Decimal | None = None,
    steps: list[Any] | None = None,
) -> Decimal:
    """Points for a metric value under an item's rule; no value (nothing to measure) earns 0."""
    if value is None:
        return Decimal(0)
    if kind == RuleKind.LINEAR:
        assert low is not None and high is not None
        return linear_points(
            value, low=low, high=high, max_points=max_points, higher_is_better=higher_is_better
        )
    if kind == RuleKind.STEPS:
        return step_points(value, steps=steps or [], max_points=max_points, higher_is_better=higher_is_better)
    raise ValueError(f"unknown rule kind {kind!r}")


def rule_problems(
    *, kind: str, metric_code: str, low: Decimal | None, high: Decimal | None, steps: Any, max_points: Decimal
) -> list[str]:
    """What is wrong with one item's point rule (Chinese, for the editor); [] when it is usable."""
    if bool(metric_code) != bool(kind):
        return ["绑定指标和计分规则要同时填写（或都不填，作为人工评分项）"]
    if kind == RuleKind.LINEAR:
        if low is None or high is None:
            return ["线性规则要填写上、下两个阈值"]
        if low >= high:
            return ["下阈值要小于上阈值（“越低越好”的指标也这样填，系统会反向计分）"]
    if kind == RuleKind.STEPS:
        try:
            pairs = [(Decimal(str(t)), Decimal(str(p))) for t, p in steps]
        except (TypeError, ValueError, ArithmeticError):
            return ["分档格式不对：每行“阈值 分数”"]
        if not pairs:
            return ["分档规则至少要有一档"]
        if any(p < 0 or p > max_points for _t, p in pairs):
            return [f"每档分数要在 0 到 {max_points} 之间"]
        if len({t for t, _p in pairs}) != len(pairs):
            return ["分档的阈值不能重复"]
    return []


def totals_problems(total: Decimal, sections: list[tuple[str, Decimal, Decimal]]) -> list[str]:
    """sections: (name, declared points, sum of its base items' max). Chinese messages saying by how much."""
    problems = []
    declared = sum((points for _n, points, _s in sections), Decimal(0))
    if declared != total:
        gap = total - declared
        problems.append(
            f"各板块分值合计 {declared} 分，与总分 {total} 分相差 {abs(gap)} 分（{'少' if gap > 0 else '多'}）"
        )
    for name, points, items_sum in sections:
        if items_sum != points:
            gap = points - items_sum
            problems.append(
                f"“{name}”各项分值合计 {items_sum} 分，与板块分值 {points} 分相差 {abs(gap)} 分"
                f"（{'少' if gap > 0 else '多'}）"
            )
    return problems
