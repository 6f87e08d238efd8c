from decimal import Decimal

import pytest

from jiujin.assessments.rules import rule_points, rule_problems, totals_problems
from jiujin.assessments.selectors import competition_ranks

D = Decimal


@pytest.mark.parametrize(
    ("value", "higher", "points"),
    [
        (40, True, D(0)),  # below low
        (50, True, D(0)),  # at low
        (75, True, D(30)),  # halfway
        (90, True, D(48)),
        (100, True, D(60)),  # at high
        (120, True, D(60)),  # above high
        (50, False, D(60)),  # lower is better: at low is full marks
        (75, False, D(30)),
        (100, False, D(0)),
        (130, False, D(0)),
    ],
)
def test_it_maps_a_value_linearly_between_two_thresholds(value: float, higher: bool, points: Decimal) -> None:
    got = rule_points(
        kind="linear", value=value, max_points=D(60), higher_is_better=higher, low=D(50), high=D(100)
    )
    assert got == points


def test_it_rounds_linear_points_to_a_tenth() -> None:
    assert rule_points(
        kind="linear", value=7, max_points=D(20), higher_is_better=True, low=D(0), high=D(30)
    ) == D("4.7")


@pytest.mark.parametrize(
    ("value", "points"), [(10, D(0)), (50, D(20)), (59.9, D(20)), (60, D(50)), (89, D(100)), (95, D(120))]
)
def test_it_gives_the_points_of_the_highest_step_reached(value: float, points: Decimal) -> None:
    steps = [[90, 120], [50, 20], [60, 50], [80, 100]]  # any order
    assert (
        rule_points(kind="steps", value=value, max_points=D(120), higher_is_better=True, steps=steps)
        == points
    )


@pytest.mark.parametrize(("value", "points"), [(3, D(20)), (7, D(20)), (8, D(10)), (15, D(10)), (16, D(0))])
def test_it_reads_steps_the_other_way_when_lower_is_better(value: float, points: Decimal) -> None:
    steps = [[7, 20], [15, 10]]  # ≤ 7 days: 20; ≤ 15 days: 10
    assert (
        rule_points(kind="steps", value=value, max_points=D(20), higher_is_better=False, steps=steps)
        == points
    )


def test_it_gives_no_points_without_a_value() -> None:
    assert (
        rule_points(kind="linear", value=None, max_points=D(10), higher_is_better=False, low=D(1), high=D(2))
        == 0
    )


def test_it_says_by_how_much_the_totals_miss() -> None:
    problems = totals_problems(D(1000), [("组织领导", D(150), D(140)), ("满意度", D(840), D(840))])
    assert problems == [
        "各板块分值合计 990 分，与总分 1000 分相差 10 分（少）",
        "“组织领导”各项分值合计 140 分，与板块分值 150 分相差 10 分（少）",
    ]
    assert totals_problems(D(100), [("a", D(100), D(100))]) == []


def test_it_checks_a_rule_is_usable() -> None:
    ok = {"metric_code": "m", "max_points": D(10), "steps": []}
    assert rule_problems(kind="linear", low=D(1), high=D(2), **ok) == []
    assert rule_problems(kind="linear", low=D(2), high=D(1), **ok)
    assert rule_problems(kind="linear", low=None, high=D(1), **ok)
    assert rule_problems(kind="steps", low=None, high=None, **ok) == ["分档规则至少要有一档"]
    assert rule_problems(
        kind="steps", metric_code="m", low=None, high=None, steps=[[1, 11]], max_points=D(10)
    )
    assert rule_problems(kind="", metric_code="m", low=None, high=None, steps=[], max_points=D(10))


def test_it_ranks_ties_together_and_skips() -> None:
    assert competition_ranks([D(90), D(80), D(80), D(70), D(70), D(70), D(1)]) == [1, 2, 2, 4, 4, 4, 7]
    assert competition_ranks([]) == []
