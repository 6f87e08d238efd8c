"""The 发挥作用 figures of the summary tables, against hand-built records (the clock is frozen by conftest):
exact rows, the cadres behind them, and the tables' street/district/city figures after a refresh against
the app's own totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import rows_of
from jiujin.contributions.models import Contribution, Story, TalentEntry
from jiujin.contributions.selectors import unit_totals
from jiujin.core import registry
from jiujin.core.registry import summary_figure
from jiujin.dashboards.selectors import unit_figures
from jiujin.dashboards.services import summaries_refresh

from .helpers import TODAY

pytestmark = pytest.mark.django_db

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
MAR, APR, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)
CODES = {"talents", "service_minutes", "donations_fen", "suggestions", "stories"}


def _log(cadre: Any, kind: str, day: date, *, unit: Any = None, **extra: Any) -> None:
    Contribution.objects.create(cadre=cadre, kind=kind, date=day, org_unit=unit or cadre.community, **extra)


def _talent(cadre: Any, field: str, *, removed: bool = False) -> None:
    TalentEntry.objects.create(
        cadre=cadre,
        field=field,
        joined_via="self",
        joined_on=date(2025, 1, 1),
        next_review_on=date(2027, 1, 1),
        removed_on=date(2026, 1, 1) if removed else None,
    )


def _story(unit: Any, day: date, cadre: Any = None) -> None:
    Story.objects.create(title="事迹", text="十年如一日", date=day, org_unit=unit, cadre=cadre)


@pytest.fixture
def world(tree: Any) -> dict[str, Any]:
    a, b, z = tree.community_a, tree.community_b, tree.community_z
    people = {
        "a1": CadreFactory(community=a),
        "a2": CadreFactory(community=a),
        "moved": CadreFactory(community=b),  # logged by A before moving to B: A keeps it
        "b1": CadreFactory(community=b),
        "z1": CadreFactory(community=z),
    }
    a1, a2, moved, b1, z1 = people.values()
    _log(a1, "patrol", MAR, hours=Decimal("2.5"))
    _log(a2, "patrol", MAR, hours=Decimal("1.5"))
    _log(a1, "tutor", MAR, hours=Decimal("0.1"))  # 6 minutes
    _log(moved, "patrol", APR, hours=Decimal("1"), unit=a)
    _log(b1, "advice", MAY, note="建议增设健身器材")
    _log(b1, "donation", MAY, amount=Decimal("100.50"), receipt_no="R1")
    _log(a1, "donation", date(2026, 6, 1), amount=Decimal("0.01"), receipt_no="R2")
    _log(z1, "mediator", date(2026, 7, 1), hours=Decimal("3"))
    _log(a1, "patrol", date(2025, 12, 31), hours=Decimal("2"))  # before the year
    _talent(a1, "party")
    _talent(a1, "law")
    _talent(a2, "party", removed=True)
    _talent(b1, "art")
    _talent(z1, "tech")
    _story(a, date(2026, 2, 1), a1)
    _story(tree.street, date(2026, 2, 2), b1)  # the street's story of B's cadre: B's
    _story(tree.street, date(2026, 2, 3))  # the street's own: no community's
    _story(z, date(2026, 2, 4))
    return people


def _cadres(code: str, ids: list[int], key: str = "") -> set[Any]:
    figure = summary_figure(code)
    assert figure is not None and figure.cadres is not None
    return set(figure.cadres(ids, *YEAR, key))


def test_it_counts_service_minutes_per_kind_for_the_community_that_logged_them(tree, world):
    a, z = tree.community_a.pk, tree.community_z.pk
    assert rows_of("service_minutes", *YEAR) == {
        (a, MAR, ""): 246,
        (a, MAR, "patrol"): 240,
        (a, MAR, "tutor"): 6,
        (a, APR, ""): 60,
        (a, APR, "patrol"): 60,
        (z, date(2026, 7, 1), ""): 180,
        (z, date(2026, 7, 1), "mediator"): 180,
    }
    assert _cadres("service_minutes", [a]) == {world["a1"], world["a2"], world["moved"]}
    assert _cadres("service_minutes", [a], "tutor") == {world["a1"]}


def test_it_counts_donations_in_fen_and_suggestions(tree, world):
    a, b = tree.community_a.pk, tree.community_b.pk
    assert rows_of("donations_fen", *YEAR) == {(b, MAY, ""): 10050, (a, date(2026, 6, 1), ""): 1}
    assert rows_of("suggestions", *YEAR) == {(b, MAY, ""): 1}
    assert _cadres("donations_fen", [a, b]) == {world["a1"], world["b1"]}
    assert _cadres("suggestions", [a, b]) == {world["b1"]}


def test_it_counts_todays_pool_as_people_and_entries_per_field(tree, world):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    assert rows_of("talents", TODAY, TODAY) == {
        (a, TODAY, ""): 1,  # a1 in two fields; a2 removed
        (a, TODAY, "party"): 1,
        (a, TODAY, "law"): 1,
        (b, TODAY, ""): 1,
        (b, TODAY, "art"): 1,
        (z, TODAY, ""): 1,
        (z, TODAY, "tech"): 1,
    }
    figure = summary_figure("talents")
    assert figure is not None and figure.stock
    assert _cadres("talents", [a, b]) == {world["a1"], world["b1"]}
    assert _cadres("talents", [a], "party") == {world["a1"]}


def test_it_counts_stories_for_their_community_or_their_cadres(tree, world):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    assert rows_of("stories", *YEAR) == {
        (a, date(2026, 2, 1), ""): 1,
        (b, date(2026, 2, 2), ""): 1,
        (z, date(2026, 2, 4), ""): 1,
    }
    assert _cadres("stories", [a, b, z]) == {world["a1"], world["b1"]}


def test_its_rows_are_one_query_each_and_the_pool_two(tree, world, django_assert_num_queries):
    for code in CODES - {"talents"}:
        with django_assert_num_queries(1):
            rows_of(code, *YEAR)
    with django_assert_num_queries(2):
        rows_of("talents", TODAY, TODAY)


def test_the_refreshed_tables_give_every_level_the_app_totals(tree, cast, world, monkeypatch):
    mine = {code: f for code, f in registry._summary_figures.items() if code in CODES}
    monkeypatch.setattr(registry, "_summary_figures", mine)  # other apps' figures are tested by them
    summaries_refresh(today=TODAY)
    units = [tree.street, tree.district, tree.city]
    figures = unit_figures([u.pk for u in units], *YEAR)
    for unit in units:
        totals = unit_totals(cast.city, unit, *YEAR).whole  # the 发挥作用 totals page's recount
        got = figures[unit.pk]
        assert got.get("service_minutes") == totals.hours * 60
        assert got.get("donations_fen") == totals.amount * 100
        assert got.get("suggestions") == totals.advice
    street, city = figures[tree.street.pk], figures[tree.city.pk]
    assert (street.get("service_minutes"), city.get("service_minutes")) == (306, 486)
    assert city.get("service_minutes:patrol") == 300
    assert (street.get("talents"), city.get("talents"), city.get("talents:party")) == (2, 3, 1)
    assert (street.get("stories"), city.get("stories")) == (2, 3)
