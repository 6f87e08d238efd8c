"""The surveys' figures of the summary tables, against hand-built responses: exact rows, the respondents, the
satisfaction Metric's totals, and the tables' street/district/city figures after a refresh."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujin.cadres.tests.summary_helpers import rows_of
from jiujin.core import registry
from jiujin.core.registry import metric, summary_figure
from jiujin.dashboards.selectors import figure_value, unit_figures
from jiujin.dashboards.services import summaries_refresh
from jiujin.surveys.models import Response, Survey, SurveyStatus
from jiujin.surveys.tests.results_fixtures import make_cadres, make_survey, respond

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
JUNE_1, JUNE_2 = date(2026, 6, 1), date(2026, 6, 2)
CODES = {"survey_responses", "survey_rated", "survey_satisfied"}


@pytest.fixture
def world(tree: Any) -> dict[str, Any]:
    satisfaction = make_survey(tree.district, "satisfaction")
    needs = make_survey(tree.district, "needs")
    custom = Survey.objects.create(
        org_unit=tree.district_z, title="自建问卷", template="", status=SurveyStatus.RUNNING
    )
    a1, a2, a3 = make_cadres(tree.community_a, 3)
    b1, b2, b3 = make_cadres(tree.community_b, 3)
    (z1,) = make_cadres(tree.community_z, 1)
    respond(satisfaction, a1, {"overall": 0}, answered_on=JUNE_1)  # 非常满意
    respond(satisfaction, a2, {"overall": 2}, answered_on=JUNE_1)  # 基本满意: not satisfied
    respond(satisfaction, a3, {"overall": 1}, answered_on=JUNE_2)  # 满意
    respond(satisfaction, b1, {"overall": 4}, answered_on=JUNE_1)
    respond(satisfaction, b2, {"visits": 3}, answered_on=JUNE_1)  # skipped the overall question
    respond(satisfaction, b3, {"overall": 0}, answered_on=date(2025, 12, 31))  # before the year
    respond(needs, a1, {"culture": 0}, answered_on=JUNE_1)  # another template's 满意 is not counted
    respond(custom, z1, {}, answered_on=date(2026, 7, 1))
    return {"a1": a1, "a2": a2, "a3": a3, "b1": b1, "b2": b2, "z1": z1}


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def test_it_counts_the_responses_per_questionnaire_on_the_day_answered(tree, world, frozen):
    a, b, z = tree.community_a.pk, tree.community_b.pk, tree.community_z.pk
    assert rows_of("survey_responses", *YEAR) == {
        (a, JUNE_1, ""): 3,
        (a, JUNE_1, "satisfaction"): 2,
        (a, JUNE_1, "needs"): 1,
        (a, JUNE_2, ""): 1,
        (a, JUNE_2, "satisfaction"): 1,
        (b, JUNE_1, ""): 2,
        (b, JUNE_1, "satisfaction"): 2,
        (z, date(2026, 7, 1), ""): 1,
        (z, date(2026, 7, 1), "custom"): 1,
    }
    figure = summary_figure("survey_responses")
    assert figure is not None and figure.cadres is not None and figure.breakdown
    assert figure.breakdown()["custom"] == "自建问卷"
    assert set(figure.cadres([a, b], *YEAR, "")) == {world[k] for k in ("a1", "a2", "a3", "b1", "b2")}
    assert set(figure.cadres([a], *YEAR, "needs")) == {world["a1"]}
    assert set(figure.cadres([a, z], *YEAR, "custom")) == {world["z1"]}


def test_it_counts_the_satisfaction_answers_and_the_satisfied(tree, world, frozen):
    a, b = tree.community_a.pk, tree.community_b.pk
    assert rows_of("survey_rated", *YEAR) == {(a, JUNE_1, ""): 2, (a, JUNE_2, ""): 1, (b, JUNE_1, ""): 1}
    assert rows_of("survey_satisfied", *YEAR) == {(a, JUNE_1, ""): 1, (a, JUNE_2, ""): 1}
    rated, satisfied = summary_figure("survey_rated"), summary_figure("survey_satisfied")
    assert rated is not None and rated.cadres is not None
    assert satisfied is not None and satisfied.cadres is not None and satisfied.of == "survey_rated"
    assert set(rated.cadres([a, b], *YEAR, "")) == {world[k] for k in ("a1", "a2", "a3", "b1")}
    assert set(satisfied.cadres([a, b], *YEAR, "")) == {world["a1"], world["a3"]}


def test_its_totals_are_the_metrics(tree, world, frozen):
    ids = [tree.community_a.pk, tree.community_b.pk, tree.community_z.pk]
    m = metric("survey_satisfaction")
    assert m is not None
    for start, end in [YEAR, (JUNE_2, JUNE_2)]:
        rated, satisfied = rows_of("survey_rated", start, end), rows_of("survey_satisfied", start, end)
        got = {
            c: (float(sum(n for (c2, _, _), n in satisfied.items() if c2 == c)), float(whole))
            for c in ids
            if (whole := sum(n for (c2, _, _), n in rated.items() if c2 == c))
        }
        assert got == m.by_community(ids, start, end)


def test_its_rows_are_one_query_each(tree, world, frozen, django_assert_num_queries):
    for code in CODES:
        with django_assert_num_queries(1):
            rows_of(code, *YEAR)


def test_the_refreshed_tables_give_every_level_the_same_numbers(tree, world, frozen, monkeypatch):
    mine = {code: f for code, f in registry._summary_figures.items() if code in CODES}
    monkeypatch.setattr(registry, "_summary_figures", mine)  # other apps' figures are tested by them
    summaries_refresh(today=NOW.date())
    figures = unit_figures([tree.street.pk, tree.district.pk, tree.city.pk], *YEAR)
    street, district, city = figures[tree.street.pk], figures[tree.district.pk], figures[tree.city.pk]
    assert street.get("survey_responses") == district.get("survey_responses") == 6
    assert city.get("survey_responses") == Response.objects.filter(answered_on__year=2026).count() == 7
    assert city.get("survey_responses:satisfaction") == 5 and city.get("survey_responses:custom") == 1
    assert (street.get("survey_satisfied"), street.get("survey_rated")) == (2, 4)
    assert figure_value("survey_satisfied", district) == pytest.approx(50.0)
    m = metric("survey_satisfaction")
    assert m is not None
    parts = m.by_community([tree.community_a.pk, tree.community_b.pk], *YEAR)
    assert m.value(*(sum(x) for x in zip(*parts.values(), strict=True))) == figure_value(
        "survey_satisfied", city
    )
