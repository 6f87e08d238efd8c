"""独居空巢老干部一助一结对覆盖率 for the 千分 assessment, against hand-built pairings."""

from __future__ import annotations

from datetime import date
from typing import Any

from jiujin.cadres.models import CadreStatus
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.registry import metric
from jiujin.volunteers.models import Pairing, Volunteer


def _world(tree: Any) -> list[int]:
    a, b = tree.community_a, tree.community_b
    helper = Volunteer.objects.create(name="小李", phone="13900000001", community=a)

    def pair(cadre: Any, start: date, end: date | None = None) -> None:
        Pairing.objects.create(cadre=cadre, volunteer=helper, started_on=start, ended_on=end)

    pair(CadreFactory(community=a, living_arrangement="alone"), date(2025, 5, 1))
    pair(CadreFactory(community=a, living_arrangement="empty_nest"), date(2026, 1, 1), date(2026, 6, 30))
    pair(CadreFactory(community=a, living_arrangement="empty_nest"), date(2027, 1, 5))  # after the range
    pair(CadreFactory(community=a, living_arrangement="with_children"), date(2025, 1, 1))  # not counted
    gone = CadreFactory(community=a, living_arrangement="alone", status=CadreStatus.DECEASED)
    pair(gone, date(2025, 1, 1), date(2026, 3, 1))
    CadreFactory(community=b, living_arrangement="alone")  # unpaired
    return [a.pk, b.pk, tree.community_z.pk]


def test_it_covers_the_alone_and_empty_nest_cadres_paired_at_the_end(tree: Any) -> None:
    ids = _world(tree)
    m = metric("pairing_coverage")
    assert m is not None and m.kind == "rate"
    got = m.by_community(ids, date(2026, 1, 1), date(2026, 12, 31))
    assert got == {tree.community_a.pk: (1, 3), tree.community_b.pk: (0, 1)}  # Z has no cadre


def test_it_reads_the_pairings_current_at_the_end_of_the_range(tree: Any) -> None:
    ids = _world(tree)
    m = metric("pairing_coverage")
    assert m is not None
    assert m.by_community(ids, date(2026, 1, 1), date(2026, 6, 1))[tree.community_a.pk] == (2, 3)
    # A pairing ended on the last day does not cover it.
    assert m.by_community(ids, date(2026, 1, 1), date(2026, 6, 30))[tree.community_a.pk] == (1, 3)
