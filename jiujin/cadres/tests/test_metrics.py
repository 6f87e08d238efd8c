"""四知掌握率 for the 千分 assessment, against a hand-built roster."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiujin.cadres.models import CadreStatus, LivingArrangement
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.registry import metric

YEAR = (date(2026, 1, 1), date(2026, 12, 31))


def test_it_counts_the_must_knows_of_active_cadres_per_community(tree: Any) -> None:
    a, b = tree.community_a, tree.community_b
    CadreFactory(community=a)  # address and phone only: 1 of 4
    everything = {"living_arrangement": LivingArrangement.ALONE, "specialties": "书法", "habits": "早睡早起"}
    CadreFactory(community=a, **everything)  # 4 of 4
    CadreFactory(community=a, status=CadreStatus.DECEASED, **everything)  # off the file: not counted
    CadreFactory(community=b, address="", phone_mobile="")  # 0 of 4
    m = metric("must_knows")
    assert m is not None and m.kind == "rate"
    ids = [a.pk, b.pk, tree.community_z.pk]
    got = m.by_community(ids, *YEAR)
    assert got == {a.pk: (5, 8), b.pk: (0, 4)}  # Z has no cadre: left out
    assert m.value(*got[a.pk]) == 62.5


def test_it_ignores_the_dates(tree: Any) -> None:
    CadreFactory(community=tree.community_a)
    m = metric("must_knows")
    assert m is not None
    early = m.by_community([tree.community_a.pk], date(1990, 1, 1), date(1990, 12, 31))
    assert early == m.by_community([tree.community_a.pk], *YEAR) == {tree.community_a.pk: (1, 4)}
