"""The opinions' figures of the summary tables, against hand-built opinions: exact rows, the cadres who raised
them, the Metric's totals, and the tables' street/district/city figures after a refresh."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import rows_of
from jiujin.core import registry
from jiujin.core.registry import metric, summary_figure
from jiujin.dashboards.selectors import figure_value, unit_figures
from jiujin.dashboards.services import summaries_refresh
from jiujin.opinions.models import Opinion, OpinionState
from jiujin.opinions.tests.helpers import NOW, TODAY

pytestmark = pytest.mark.django_db

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
CODES = {"opinions", "opinions_closed", "opinions_overdue"}


def _opinion(cadre: Any, raised: date, source: str, *, answered: bool, community: Any = None) -> None:
    done = {"state": OpinionState.ANSWERED, "answer_days": 3, "reply": "已答复"} if answered else {}
    Opinion.objects.create(
        cadre=cadre,
        community=community or cadre.community,
        source=source,
        content="希望增加健康讲座",
        route_to="community",
        raised_on=raised,
        due_date=raised + timedelta(days=15),
        escalate_on=raised + timedelta(days=16),
        **done,
    )


@pytest.fixture
def world(tree: Any) -> dict[str, Any]:
    a, b, z = tree.community_a, tree.community_b, tree.community_z
    people = {
        "a1": CadreFactory(community=a),
        "a2": CadreFactory(community=a),
        "moved": CadreFactory(community=b),  # raised it in A, lives in B now: A keeps the opinion
        "b1": CadreFactory(community=b),
        "z1": CadreFactory(community=z),
    }
    _opinion(people["a1"], date(2026, 2, 1), "visit", answered=True)
    _opinion(people["a2"], date(2026, 2, 1), "call", answered=False)  # due 16 February: overdue
    _opinion(people["a1"], date(2026, 8, 25), "call", answered=False)  # due 9 September: not yet
    _opinion(people["moved"], date(2026, 3, 1), "visit", answered=True, community=a)
    _opinion(people["b1"], date(2026, 5, 1), "meeting", answered=False)  # overdue
    _opinion(people["z1"], date(2026, 3, 1), "family", answered=True)
    _opinion(people["a1"], date(2025, 12, 31), "visit", answered=False)  # before the year
    return people


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_counts_the_opinions_received_per_source_on_the_day_raised(tree, world, frozen):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    feb, mar = date(2026, 2, 1), date(2026, 3, 1)
    assert rows_of("opinions", *YEAR) == {
        (a, feb, ""): 2,
        (a, feb, "visit"): 1,
        (a, feb, "call"): 1,
        (a, mar, ""): 1,
        (a, mar, "visit"): 1,
        (a, date(2026, 8, 25), ""): 1,
        (a, date(2026, 8, 25), "call"): 1,
        (b, date(2026, 5, 1), ""): 1,
        (b, date(2026, 5, 1), "meeting"): 1,
        (z, mar, ""): 1,
        (z, mar, "family"): 1,
    }
    figure = summary_figure("opinions")
    assert figure is not None and figure.cadres is not None and figure.breakdown
    assert figure.breakdown()["call"] == "电话反映"
    assert set(figure.cadres([a], *YEAR, "")) == {world["a1"], world["a2"], world["moved"]}
    assert set(figure.cadres([a], *YEAR, "call")) == {world["a1"], world["a2"]}
    assert set(figure.cadres([a, b], date(2026, 3, 1), date(2026, 5, 31), "")) == {
        world["moved"],
        world["b1"],
    }


def test_it_counts_the_closed_and_the_overdue_of_those_received(tree, world, frozen):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    assert rows_of("opinions_closed", *YEAR) == {
        (a, date(2026, 2, 1), ""): 1,
        (a, date(2026, 3, 1), ""): 1,
        (z, date(2026, 3, 1), ""): 1,
    }
    assert rows_of("opinions_overdue", *YEAR) == {(a, date(2026, 2, 1), ""): 1, (b, date(2026, 5, 1), ""): 1}
    closed, overdue = summary_figure("opinions_closed"), summary_figure("opinions_overdue")
    assert closed is not None and closed.cadres is not None and closed.of == "opinions"
    assert overdue is not None and overdue.cadres is not None and overdue.of == "opinions"
    assert set(closed.cadres([a], *YEAR, "")) == {world["a1"], world["moved"]}
    assert set(overdue.cadres([a, b], *YEAR, "")) == {world["a2"], world["b1"]}
    # Three weeks on, the one raised on 25 August is overdue too.
    with time_machine.travel(NOW + timedelta(days=21), tick=False):
        assert rows_of("opinions_overdue", *YEAR)[(a, date(2026, 8, 25), "")] == 1


def test_its_totals_are_the_metrics(tree, world, frozen):
    ids = [tree.community_a.pk, tree.community_b.pk, tree.community_z.pk]
    m = metric("opinions_closed")
    assert m is not None
    for start, end in [YEAR, (date(2026, 2, 1), date(2026, 3, 1))]:
        received, closed = rows_of("opinions", start, end), rows_of("opinions_closed", start, end)
        for community_id, (part, whole) in m.by_community(ids, start, end).items():
            assert sum(n for (c, _, k), n in closed.items() if c == community_id and not k) == part
            assert sum(n for (c, _, k), n in received.items() if c == community_id and not k) == whole


def test_its_rows_are_one_query_each(tree, world, frozen, django_assert_num_queries):
    for code in CODES:
        with django_assert_num_queries(1):
            rows_of(code, *YEAR)


def test_the_refreshed_tables_give_every_level_the_same_numbers(tree, world, frozen, monkeypatch):
    mine = {code: f for code, f in registry._summary_figures.items() if code in CODES}
    monkeypatch.setattr(registry, "_summary_figures", mine)  # other apps' figures are tested by them
    summaries_refresh(today=TODAY)
    figures = unit_figures([tree.street.pk, tree.district.pk, tree.city.pk], *YEAR)
    street, district, city = figures[tree.street.pk], figures[tree.district.pk], figures[tree.city.pk]
    in_year = Opinion.objects.filter(raised_on__year=2026)
    assert street.get("opinions") == district.get("opinions") == 5
    assert city.get("opinions") == in_year.count() == 6
    assert city.get("opinions:visit") == 2 and street.get("opinions:meeting") == 1
    assert street.get("opinions_closed") == 2 and city.get("opinions_closed") == 3
    assert city.get("opinions_overdue") == in_year.overdue(TODAY).count() == 2
    assert figure_value("opinions_closed", street) == pytest.approx(40.0)
    m = metric("opinions_closed")
    assert m is not None
    parts = m.by_community([tree.community_a.pk, tree.community_b.pk], *YEAR)
    assert (street.get("opinions_closed"), street.get("opinions")) == tuple(
        sum(x) for x in zip(*parts.values(), strict=True)
    )
