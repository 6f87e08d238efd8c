"""The 基本情况 summary figures against a hand-built roster (frozen clock), the cadres behind each number, the
assessment's 四知 Metric, and the stored figures after a refresh at every level."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujin.cadres.models import Cadre, CadreStatus, HealthStatus, LivingArrangement
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import behind, levels, query_count, rows_of, stored, totals
from jiujin.core.registry import metric, summary_figures

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, tzinfo=TZ)
JUNE = (date(2026, 6, 1), date(2026, 6, 30))
STOCKS = ["cadres", "cadres_category", "cadres_rank", "cadres_age", "cadres_living", "cadres_health"]
STOCKS += ["cadres_party", "cadres_complete"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: Any) -> Any:
    a, b, z = tree.community_a, tree.community_b, tree.community_z
    known = {"living_arrangement": LivingArrangement.ALONE, "specialties": "书法", "habits": "早睡早起"}
    with time_machine.travel(NOW, tick=False):
        CadreFactory(
            name="甲",
            community=a,
            category="lixiu",
            rank="ting",
            birth_date=date(1950, 6, 16),
            health_status=HealthStatus.GOOD,
            is_party_member=True,
            **known,
        )  # 75, all four known
        CadreFactory(
            name="乙", community=a, rank="chu", birth_date=date(1946, 6, 15)
        )  # 80 today; address only
        CadreFactory(
            name="丙",
            community=a,
            rank="ke",
            birth_date=date(1936, 1, 1),
            living_arrangement="",
            health_status="",
            address="",
            phone_mobile="",
        )  # 90, nothing known
        CadreFactory(
            name="丁",
            community=a,
            birth_date=date(1930, 1, 1),
            status=CadreStatus.DECEASED,
            status_date=date(2026, 6, 1),
        )
        CadreFactory(name="戊", community=a, status=CadreStatus.MOVED_OUT)
        CadreFactory(name="己", community=b, birth_date=date(1960, 1, 1))  # 66
        CadreFactory(name="庚", community=z)
    Cadre.objects.update(created_at=datetime(2025, 1, 1, 12, tzinfo=TZ))
    Cadre.objects.filter(name="甲").update(created_at=datetime(2026, 6, 14, 23, 30, tzinfo=TZ))
    Cadre.objects.filter(name="乙").update(created_at=datetime(2026, 6, 15, 0, 30, tzinfo=TZ))  # 14th in UTC
    return tree


def _stock(code: str) -> dict[tuple[int, date, str], int]:
    return rows_of(code, TODAY, TODAY)


def test_it_counts_the_active_cadres_by_each_field(world: Any) -> None:
    a, b, z = world.community_a.pk, world.community_b.pk, world.community_z.pk
    with time_machine.travel(NOW, tick=False):
        assert _stock("cadres") == {(a, TODAY, ""): 3, (b, TODAY, ""): 1, (z, TODAY, ""): 1}
        assert totals("cadres_category", TODAY, TODAY, "lixiu") == {a: 1}
        assert totals("cadres_category", TODAY, TODAY, "tuixiu") == {a: 2, b: 1, z: 1}
        assert totals("cadres_category", TODAY, TODAY) == {a: 3, b: 1, z: 1}  # its own row: the total
        assert {k: v for (c, _d, k), v in _stock("cadres_rank").items() if c == a} == {
            "": 3,
            "ting": 1,
            "chu": 1,
            "ke": 1,
        }
        age = _stock("cadres_age")
        assert {k: v for (c, _d, k), v in age.items() if c == a} == {"": 3, "70": 1, "80": 1, "90": 1}
        assert {k: v for (c, _d, k), v in age.items() if c == b} == {"": 1, "u70": 1}
        assert {k: v for (c, _d, k), v in _stock("cadres_living").items() if c == a} == {
            "": 3,
            "alone": 1,
            "empty_nest": 1,
            "none": 1,
        }
        assert {k: v for (c, _d, k), v in _stock("cadres_health").items() if c == a} == {
            "": 3,
            "good": 1,
            "fair": 1,
            "none": 1,
        }
        assert _stock("cadres_party") == {(a, TODAY, ""): 1}


def test_it_names_the_cadres_behind_each_stock(world: Any) -> None:
    a, b = world.community_a.pk, world.community_b.pk
    with time_machine.travel(NOW, tick=False):
        assert behind("cadres", [a], TODAY, TODAY) == {"甲", "乙", "丙"}
        assert behind("cadres", [a, b], TODAY, TODAY) == {"甲", "乙", "丙", "己"}
        assert behind("cadres_category", [a], TODAY, TODAY, "lixiu") == {"甲"}
        assert behind("cadres_rank", [a], TODAY, TODAY, "ke") == {"丙"}
        assert behind("cadres_age", [a, b], TODAY, TODAY, "80") == {"乙"}
        assert behind("cadres_age", [a, b], TODAY, TODAY, "u70") == {"己"}
        assert behind("cadres_living", [a], TODAY, TODAY, "none") == {"丙"}
        assert behind("cadres_health", [a], TODAY, TODAY, "good") == {"甲"}
        assert behind("cadres_party", [a], TODAY, TODAY) == {"甲"}
        assert behind("cadres_complete", [a], TODAY, TODAY) == {"甲"}
        assert behind("cadres_complete", [a], TODAY, TODAY, "address") == {"甲", "乙"}


def test_it_counts_the_must_knows_as_the_metric_does(world: Any) -> None:
    a, b = world.community_a.pk, world.community_b.pk
    with time_machine.travel(NOW, tick=False):
        rows = {k: v for (c, _d, k), v in _stock("cadres_complete").items() if c == a}
        assert rows == {"": 1, "address": 2, "family_health": 1, "hobbies": 1, "habits": 1}
        m = metric("must_knows")
        assert m is not None
        got = m.by_community([a, b], *JUNE)
        cadres = totals("cadres", TODAY, TODAY)
        for community in (a, b):
            known = sum(v for (c, _d, k), v in _stock("cadres_complete").items() if c == community and k)
            assert got[community] == (known, 4 * cadres[community])


def test_it_counts_the_cadres_added_and_deceased_by_local_day(world: Any) -> None:
    a = world.community_a.pk
    with time_machine.travel(NOW, tick=False):
        assert rows_of("cadres_new", *JUNE) == {(a, date(2026, 6, 14), ""): 1, (a, TODAY, ""): 1}
        assert rows_of("cadres_new", TODAY, TODAY) == {(a, TODAY, ""): 1}
        assert behind("cadres_new", [a], *JUNE) == {"甲", "乙"}
        assert rows_of("cadres_deceased", *JUNE) == {(a, date(2026, 6, 1), ""): 1}
        assert rows_of("cadres_deceased", date(2026, 6, 2), TODAY) == {}
        assert behind("cadres_deceased", [a], *JUNE) == {"丁"}


def test_it_stores_the_same_numbers_at_every_level(world: Any) -> None:
    a, b, street, district, city = levels(world)
    with time_machine.travel(NOW, tick=False):
        figures = stored(world, TODAY, *JUNE)
    assert [figures[u].get("cadres") for u in (a, b, street, district, city)] == [3, 1, 4, 4, 5]
    assert figures[street].get("cadres_age:90") == 1
    assert figures[street].get("cadres_age:u70") == 1
    assert figures[city].get("cadres_category:tuixiu") == 4
    assert figures[street].get("cadres_complete:address") == 3  # 甲, 乙 and B's 己
    assert figures[district].get("cadres_new") == 2
    assert figures[city].get("cadres_deceased") == 1
    assert figures[a].snapshot == TODAY


def test_it_reads_every_figure_in_one_grouped_query(world: Any) -> None:
    codes = [f.code for f in summary_figures() if f.section == "基本情况" and f.code.startswith("cadres")]
    assert set(STOCKS) < set(codes)
    with time_machine.travel(NOW, tick=False):
        for code in codes:
            assert query_count(code, *JUNE) == 1, code
