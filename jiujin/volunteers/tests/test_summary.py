"""The 一助一 summary figures against hand-built pairings and contacts (frozen clock): exact rows, the cadres
behind each number, the coverage Metric, and the stored figures at every level."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujin.cadres.models import CadreStatus
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import behind, levels, query_count, rows_of, stored, totals
from jiujin.core.registry import metric
from jiujin.volunteers.models import ContactLog, Pairing, Volunteer

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
CODES = ["pairings", "pairing_targets", "pairing_covered", "volunteer_contacts"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: Any) -> Any:
    a, b = tree.community_a, tree.community_b
    helper = Volunteer.objects.create(name="小李", phone="13900000001", community=a)

    def pair(cadre: Any, start: date, end: date | None = None) -> Pairing:
        return Pairing.objects.create(cadre=cadre, volunteer=helper, started_on=start, ended_on=end)

    alone = pair(CadreFactory(name="甲", community=a, living_arrangement="alone"), date(2025, 5, 1))
    pair(
        CadreFactory(name="乙", community=a, living_arrangement="empty_nest"),
        date(2026, 1, 1),
        date(2026, 6, 15),
    )
    pair(CadreFactory(name="丙", community=a, living_arrangement="empty_nest"), date(2026, 6, 16))  # not yet
    kids = pair(CadreFactory(name="丁", community=a, living_arrangement="with_children"), date(2025, 1, 1))
    gone = CadreFactory(name="戊", community=a, living_arrangement="alone", status=CadreStatus.DECEASED)
    pair(gone, date(2025, 1, 1))  # a file closed: not counted whatever the pairing
    CadreFactory(name="己", community=b, living_arrangement="alone")  # unpaired
    ContactLog.objects.create(pairing=alone, on=date(2026, 6, 2), form="phone")
    ContactLog.objects.create(pairing=alone, on=date(2026, 6, 2))
    ContactLog.objects.create(pairing=kids, on=date(2026, 6, 9))
    ContactLog.objects.create(pairing=kids, on=date(2026, 5, 31))  # before the period
    return tree


def test_it_counts_pairings_targets_and_coverage_today(world: Any) -> None:
    a, b = world.community_a.pk, world.community_b.pk
    with time_machine.travel(NOW, tick=False):
        assert rows_of("pairings", TODAY, TODAY) == {(a, TODAY, ""): 2}  # 甲 and 丁 (乙's ended today)
        assert rows_of("pairing_targets", TODAY, TODAY) == {(a, TODAY, ""): 3, (b, TODAY, ""): 1}
        assert rows_of("pairing_covered", TODAY, TODAY) == {(a, TODAY, ""): 1}
        assert behind("pairings", [a], *JUNE) == {"甲", "丁"}
        assert behind("pairing_targets", [a, b], *JUNE) == {"甲", "乙", "丙", "己"}
        assert behind("pairing_covered", [a, b], *JUNE) == {"甲"}
        assert behind("pairing_covered", [a], date(2026, 5, 1), date(2026, 5, 31)) == {
            "甲",
            "乙",
        }  # at its end
        m = metric("pairing_coverage")
        assert m is not None
        got = m.by_community([a, b], TODAY, TODAY)
        covered, targets = totals("pairing_covered", TODAY, TODAY), totals("pairing_targets", TODAY, TODAY)
        assert got == {c: (covered.get(c, 0), targets[c]) for c in targets}


def test_it_counts_the_volunteers_contacts_by_day_and_form(world: Any) -> None:
    a = world.community_a.pk
    with time_machine.travel(NOW, tick=False):
        assert rows_of("volunteer_contacts", *JUNE) == {
            (a, date(2026, 6, 2), ""): 2,
            (a, date(2026, 6, 2), "phone"): 1,
            (a, date(2026, 6, 2), "visit"): 1,
            (a, date(2026, 6, 9), ""): 1,
            (a, date(2026, 6, 9), "visit"): 1,
        }
        assert behind("volunteer_contacts", [a], *JUNE) == {"甲", "丁"}
        assert behind("volunteer_contacts", [a], *JUNE, key="phone") == {"甲"}
        for code in CODES:
            assert query_count(code, *JUNE) == 1, code


def test_it_stores_the_same_numbers_at_every_level(world: Any) -> None:
    a, b, street, district, city = levels(world)
    with time_machine.travel(NOW, tick=False):
        figures = stored(world, TODAY, *JUNE)
    assert [figures[u].get("pairing_targets") for u in (a, b, street, district, city)] == [3, 1, 4, 4, 4]
    assert figures[street].get("pairing_covered") == 1
    assert figures[city].get("pairings") == 2
    assert figures[district].get("volunteer_contacts") == 3
    assert figures[city].get("volunteer_contacts:phone") == 1
