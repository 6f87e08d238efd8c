"""GET /api/v1/dashboard: a unit's figures and its children's, at every level, the same as the summaries."""

from __future__ import annotations

from datetime import date

import pytest

from jiujin.dashboards.selectors import unit_figures

from .helpers import YEAR

pytestmark = pytest.mark.django_db


def test_it_answers_each_level_with_its_unit_and_children(world, tree, cast, api_as):
    expect = {
        cast.city: (tree.city, [tree.district, tree.district_z]),
        cast.district: (tree.district, [tree.street]),
        cast.street: (tree.street, [tree.community_a, tree.community_b]),
        cast.community_a: (tree.community_a, []),
    }
    for user, (unit, children) in expect.items():
        response = api_as(user).get("/dashboard", YEAR)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["unit"] == {"code": unit.code, "name": unit.name, "level": unit.level}
        assert (body["from"], body["to"]) == ("2026-01-01", "2026-12-31")
        assert [c["unit"]["code"] for c in body["children"]] == [c.code for c in children]


def test_it_gives_the_numbers_of_the_summary_tables(world, tree, cast, api_as):
    body = api_as(cast.street).get("/dashboard", {"unit": tree.street.code, **YEAR}).json()
    figures = unit_figures([tree.street.pk, tree.community_a.pk], date(2026, 1, 1), date(2026, 12, 31))
    street = figures[tree.street.pk]
    assert body["cadres"] == street.get("cadres") == 4
    assert (body["visits_due"], body["visits_done"], body["visits_overdue"]) == (6, 4, 2)
    assert (body["requests"], body["requests_on_time"], body["at_risk"]) == (2, 0, 0)
    assert body["satisfaction"] == 4.5
    assert body["snapshot"] == "2026-06-15"
    assert body["figures"] == {
        "cadres": 4,
        "cadres:lixiu": 1,
        "cadres:tuixiu": 3,
        "visits_due": 6,
        "visits_done": 4,
        "visits_overdue": 2,
        "gifts_money": 500,
        "requests": 2,
        "requests_rated": 2,
        "requests_points": 9,
    }
    a = body["children"][0]
    assert a["figures"]["visits_done"] == figures[tree.community_a.pk].get("visits_done") == 3
    assert body["children"][1]["satisfaction"] is None  # B: nothing rated


def test_it_defaults_to_the_own_unit_and_this_year(world, tree, cast, api_as):
    body = api_as(cast.community_a).get("/dashboard").json()
    assert body["unit"]["code"] == tree.community_a.code
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-12-31")
    assert body["visits_due"] == 4
    last = api_as(cast.community_a).get("/dashboard", {"from": "2025-01-01", "to": "2025-12-31"}).json()
    assert (last["visits_due"], last["cadres"], last["snapshot"]) == (2, 0, None)


def test_it_refuses_a_unit_out_of_scope(world, tree, cast, api_as):
    for user in (cast.community_b, cast.community_z, cast.volunteer):
        response = api_as(user).get("/dashboard", {"unit": tree.community_a.code})
        assert response.status_code == 404
    assert api_as(cast.volunteer).get("/dashboard").status_code == 404
    assert api_as(cast.street).get("/dashboard", {"unit": tree.city.code}).status_code == 404
    assert api_as(None).get("/dashboard").status_code == 401


def test_it_rejects_bad_dates_in_chinese(world, cast, api_as):
    response = api_as(cast.street).get("/dashboard", {"from": "2026-13-01", "to": "2026-12-31"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "from"]
    assert "日期格式应为 YYYY-MM-DD" in response.json()["detail"][0]["msg"]
    reversed_ = api_as(cast.street).get("/dashboard", {"from": "2026-12-01", "to": "2026-01-01"})
    assert reversed_.status_code == 422
    assert reversed_.json()["detail"][0]["msg"] == "开始日期不能晚于结束日期"
