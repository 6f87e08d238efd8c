"""Results selectors: shares, n, response rate, breakdowns, drill-down and scope, query counts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from jiujin.cadres.models import Category, LivingArrangement
from jiujin.surveys.results import (
    Filters,
    drill_rows,
    get_survey_for_user,
    percent,
    results_unit,
    survey_results,
)

from .results_fixtures import make_cadres, make_survey, respond, respond_many, target


def _q(results: Any, code: str) -> Any:
    return results.by_code()[code]


def test_it_rounds_shares_half_up_to_one_decimal() -> None:
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3 (half up, not to even)
    assert percent(0, 0) is None


def test_it_gives_single_choice_shares_that_add_to_100_within_rounding(tree: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"learning": 0}, {"learning": 1}, {"learning": 2}])
    results = survey_results(survey, tree.district, Filters())
    learning = _q(results, "learning")
    assert learning.n == 3
    assert [c.count for c in learning.choices] == [1, 1, 1]
    assert [c.share for c in learning.choices] == [Decimal("33.3")] * 3
    total = sum(c.share for c in learning.choices)
    assert abs(total - 100) <= Decimal("0.05") * len(learning.choices)


def test_it_gives_multiple_choice_shares_of_respondents(tree: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"worries": [0, 1]}, {"worries": [1, 2]}, {"worries": [1]}, {}])
    worries = _q(survey_results(survey, tree.district, Filters()), "worries")
    assert worries.n == 3  # respondents, not ticks; the fourth skipped it
    assert [c.count for c in worries.choices[:3]] == [1, 3, 1]
    assert [c.share for c in worries.choices[:3]] == [Decimal("33.3"), Decimal("100.0"), Decimal("33.3")]
    assert sum(c.share for c in worries.choices) > 100


def test_it_leaves_skipped_questions_out_of_n(tree: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(
        survey,
        tree.community_a,
        [{"living": 2, "alone_help": 1}, {"living": 0}, {"living": 0}, {"living": 2}],
    )
    results = survey_results(survey, tree.district, Filters())
    assert _q(results, "living").n == 4
    alone_help = _q(results, "alone_help")
    assert alone_help.n == 1
    assert alone_help.choices[1].share == Decimal("100.0")
    assert _q(results, "needs").n == 0
    assert all(c.share is None for c in _q(results, "needs").choices)


def test_it_gives_mean_and_distribution_of_a_scale(tree: Any) -> None:
    survey = make_survey(tree.district, "satisfaction")
    respond_many(survey, tree.community_a, [{"visits": 5}, {"visits": 4}, {"visits": 4}, {"overall": 0}])
    visits = _q(survey_results(survey, tree.district, Filters()), "visits")
    assert visits.n == 3
    assert visits.mean == Decimal("4.33")
    assert [c.count for c in visits.choices] == [0, 0, 0, 2, 1]
    assert visits.choices[0].text == "1分"


def test_it_lists_the_latest_texts(tree: Any) -> None:
    survey = make_survey(tree.district)
    cadres = make_cadres(tree.community_a, 7)
    for day, cadre in enumerate(cadres, start=1):
        respond(survey, cadre, {"remarks": f"建议{day}"}, answered_on=cadre_day(day))
    remarks = _q(survey_results(survey, tree.district, Filters(), texts=3), "remarks")
    assert remarks.n == 7
    assert [t.text for t in remarks.texts] == ["建议7", "建议6", "建议5"]


def cadre_day(day: int) -> Any:
    from datetime import date

    return date(2026, 11, day)


def test_it_divides_responses_by_targets(tree: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"learning": 0}] * 3)
    target(survey, make_cadres(tree.community_a, 5))
    results = survey_results(survey, tree.district, Filters())
    assert (results.responses, results.targets) == (3, 8)
    assert results.response_rate == Decimal("37.5")


def test_it_breaks_down_by_category_living_and_age(tree: Any) -> None:
    survey = make_survey(tree.district)
    lixiu = make_cadres(
        tree.community_a, 2, category=Category.LIXIU, living_arrangement=LivingArrangement.ALONE
    )
    tuixiu = make_cadres(tree.community_a, 3, category=Category.TUIXIU)
    target(survey, lixiu + tuixiu)
    respond(survey, lixiu[0], {"learning": 0}, age=92)
    respond(survey, lixiu[1], {"learning": 1}, age=88)
    for cadre in tuixiu:
        respond(survey, cadre, {"learning": 0}, age=72)
    by_category = survey_results(survey, tree.district, Filters(category=Category.LIXIU))
    assert (by_category.responses, by_category.targets) == (2, 2)
    assert [c.count for c in _q(by_category, "learning").choices] == [1, 1, 0]
    alone = survey_results(survey, tree.district, Filters(living=LivingArrangement.ALONE))
    assert alone.responses == 2
    old = survey_results(survey, tree.district, Filters(age_band="90+"))
    assert old.responses == 1
    assert _q(old, "learning").choices[0].share == Decimal("100.0")
    seventies = survey_results(survey, tree.district, Filters(age_band="70-79"))
    assert _q(seventies, "learning").n == 3


def test_it_ignores_unknown_filter_values() -> None:
    assert Filters.parse({"age_band": "100+", "category": "x", "living": "alone"}) == Filters(living="alone")


def test_it_drills_down_from_the_district_to_communities(tree: Any) -> None:
    survey = make_survey(tree.city)
    respond_many(survey, tree.community_a, [{"learning": 0}] * 2)
    respond_many(survey, tree.community_b, [{"learning": 1}])
    respond_many(survey, tree.community_z, [{"learning": 2}] * 4)
    city = drill_rows(survey, tree.city, Filters())
    assert [(r.unit.name, r.responses, r.targets) for r in city] == [("黄州区", 3, 3), ("麻城市", 4, 4)]
    street = drill_rows(survey, tree.street, Filters())
    assert [(r.unit.name, r.responses) for r in street] == [("社区A", 2), ("社区B", 1)]
    assert drill_rows(survey, tree.community_a, Filters()) == []
    a = survey_results(survey, tree.community_a, Filters())
    assert a.responses == 2
    assert _q(a, "learning").choices[0].count == 2


def test_it_shows_a_community_worker_only_their_community_of_a_district_survey(tree: Any, cast: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"learning": 0}])
    respond_many(survey, tree.community_b, [{"learning": 1}] * 3)
    found = get_survey_for_user(cast.community_a, survey.pk)
    unit = results_unit(cast.community_a, found)
    assert unit == tree.community_a
    assert survey_results(survey, unit, Filters()).responses == 1
    with pytest.raises(Http404):  # the sibling community is not theirs
        results_unit(cast.community_a, found, tree.community_b.code)
    with pytest.raises(Http404):  # nor the district as a whole
        results_unit(cast.community_a, found, tree.district.code)
    assert results_unit(cast.district, survey, tree.community_b.code) == tree.community_b
    assert results_unit(cast.district, survey) == tree.district


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_hides_a_community_survey_from_outsiders(tree: Any, cast: Any, who: str) -> None:
    survey = make_survey(tree.community_a)
    with pytest.raises(Http404):
        get_survey_for_user(getattr(cast, who), survey.pk)


def test_it_refuses_a_unit_outside_the_survey(tree: Any, cast: Any) -> None:
    survey = make_survey(tree.street)
    with pytest.raises(Http404):
        results_unit(cast.city, survey, tree.district.code)  # above the survey's unit
    with pytest.raises(Http404):
        results_unit(cast.city, survey, tree.community_z.code)


def test_it_computes_results_in_a_fixed_number_of_queries(tree: Any, django_assert_num_queries: Any) -> None:
    survey = make_survey(tree.district)
    respond_many(survey, tree.community_a, [{"learning": 0, "worries": [1, 2], "remarks": "好"}] * 3)
    with django_assert_num_queries(6):  # questions, counts, n/mean, texts, responses, targets
        survey_results(survey, tree.street, Filters(category=Category.TUIXIU))
    with django_assert_num_queries(4):  # children, communities, responses, targets
        drill_rows(survey, tree.district, Filters())
