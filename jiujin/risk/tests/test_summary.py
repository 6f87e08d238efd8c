"""The 双高期关爱 summary figures against hand-built cadres and contacts (frozen clock): exact rows, the cadres
behind each number, the supervisors' risk_figures, and the stored figures at every level."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujin.cadres.tests.summary_helpers import behind, levels, query_count, rows_of, stored, totals
from jiujin.dashboards.selectors import figure_value
from jiujin.risk.models import ContactFrequency
from jiujin.risk.selectors import risk_figures
from jiujin.risk.services import risk_recompute

from .helpers import cadre, contact

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
JUNE = (date(2026, 6, 1), date(2026, 6, 30))

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        on_time = cadre(tree.community_a, name="甲", health_status="disabled")  # 高风险
        late = cadre(tree.community_a, name="乙", living_arrangement="alone")  # 重点
        cadre(tree.community_b, name="丙", health_status="poor")  # 重点, never contacted
        general = cadre(tree.community_a, name="丁")  # 一般
        contact(on_time, TODAY - timedelta(days=6))
        contact(late, TODAY - timedelta(days=30))
        contact(general, TODAY)
        risk_recompute(today=TODAY)
    return tree


def test_it_counts_the_at_risk_cadres_and_those_contacted_on_time(world: Any) -> None:
    a, b = world.community_a.pk, world.community_b.pk
    with time_machine.travel(NOW, tick=False):
        assert rows_of("at_risk", TODAY, TODAY) == {(a, TODAY, ""): 2, (b, TODAY, ""): 1}
        assert rows_of("at_risk_contacted_on_time", TODAY, TODAY) == {(a, TODAY, ""): 1}
        assert rows_of("risk_level", TODAY, TODAY) == {
            (a, TODAY, ""): 3,
            (a, TODAY, "1"): 1,
            (a, TODAY, "2"): 1,
            (a, TODAY, "3"): 1,
            (b, TODAY, ""): 1,
            (b, TODAY, "2"): 1,
        }
        figures = risk_figures([a, b, world.community_z.pk], TODAY)
        n, ok = totals("at_risk", TODAY, TODAY), totals("at_risk_contacted_on_time", TODAY, TODAY)
        assert figures == {c: (n[c], ok.get(c, 0)) for c in n}
        assert behind("at_risk", [a, b], *JUNE) == {"甲", "乙", "丙"}
        assert behind("at_risk_contacted_on_time", [a, b], *JUNE) == {"甲"}
        assert behind("risk_level", [a], *JUNE, key="3") == {"丁"}
        assert behind("risk_level", [a], *JUNE) == {"甲", "乙", "丁"}
        # Each level's cadres contacted within its frequency: 甲 (高风险), 丁 (一般); not 乙 nor 丙 (重点).
        assert rows_of("risk_contacted", TODAY, TODAY) == {
            (a, TODAY, ""): 2,
            (a, TODAY, "1"): 1,
            (a, TODAY, "3"): 1,
        }
        assert behind("risk_contacted", [a, b], *JUNE, key="1") == {"甲"}
        # A district's own frequencies: 重点 every 60 days makes 乙 (30 days ago) on time there too.
        ContactFrequency.objects.create(org_unit=world.district, priority_days=60)
        assert rows_of("at_risk_contacted_on_time", TODAY, TODAY) == {(a, TODAY, ""): 2}
        assert behind("at_risk_contacted_on_time", [a, b], *JUNE) == {"甲", "乙"}
        assert query_count("risk_level", TODAY, TODAY) == 1
        assert query_count("at_risk", TODAY, TODAY) <= 3  # the frequencies, then one GROUP BY


def test_it_stores_the_same_numbers_at_every_level(world: Any) -> None:
    a, b, street, district, city = levels(world)
    with time_machine.travel(NOW, tick=False):
        figures = stored(world, TODAY, *JUNE)
    assert [figures[u].get("at_risk") for u in (a, b, street, district, city)] == [2, 1, 3, 3, 3]
    assert figures[street].get("at_risk_contacted_on_time") == 1
    assert figures[city].get("risk_level:2") == 2
    assert figure_value("risk_contacted:1", figures[street]) == 100.0
    assert figure_value("risk_contacted:2", figures[street]) == 0.0
    assert figure_value("risk_contacted", figures[street]) == pytest.approx(2 / 4 * 100)
