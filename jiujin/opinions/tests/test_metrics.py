"""意见建议办结率 and 意见建议平均答复天数 for the 千分 assessment, against hand-built opinions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.registry import metric
from jiujin.opinions.models import Opinion, OpinionState

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def _opinion(cadre: Any, raised: date, days: int | None, **extra: Any) -> None:
    """Raised on `raised`, answered after `days` days (None: still open)."""
    answered = (
        {"state": OpinionState.ANSWERED, "answer_days": days, "reply": "已答复"} if days is not None else {}
    )
    Opinion.objects.create(
        cadre=cadre,
        community=cadre.community,
        source="visit",
        content="希望增加健康讲座",
        route_to="community",
        raised_on=raised,
        due_date=raised + timedelta(days=15),
        escalate_on=raised + timedelta(days=16),
        **(answered | extra),
    )


def _world(tree: Any) -> list[int]:
    ca = CadreFactory(community=tree.community_a)
    cb = CadreFactory(community=tree.community_b)
    _opinion(ca, date(2026, 2, 1), 3)
    _opinion(ca, date(2026, 3, 1), 10)
    _opinion(ca, date(2026, 12, 31), None)  # open, last day of the range
    _opinion(ca, date(2025, 12, 31), 30)  # raised before the range
    _opinion(cb, date(2026, 5, 1), None)
    return [tree.community_a.pk, tree.community_b.pk, tree.community_z.pk]


def test_it_rates_the_opinions_answered_of_those_raised(tree: Any) -> None:
    ids = _world(tree)
    m = metric("opinions_closed")
    assert m is not None and m.kind == "rate"
    assert m.by_community(ids, *YEAR) == {tree.community_a.pk: (2, 3), tree.community_b.pk: (0, 1)}


def test_it_averages_the_days_to_answer(tree: Any) -> None:
    ids = _world(tree)
    m = metric("opinions_days")
    assert m is not None and m.kind == "ratio" and not m.higher_is_better
    got = m.by_community(ids, *YEAR)
    assert got == {tree.community_a.pk: (13, 2), tree.community_b.pk: (0, 0)}
    assert m.value(*got[tree.community_a.pk]) == 6.5
    assert m.value(*got[tree.community_b.pk]) is None  # nothing answered: no figure
