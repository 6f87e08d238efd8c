from decimal import Decimal
from typing import Any

from jiujin.assessments import scoring
from jiujin.assessments.models import Score

from .helpers import actor


def test_it_answers_per_unit_total_rank_and_items(run: Any, tree: Any, cast: Any, api_as: Any) -> None:
    s = Score.objects.select_related("item", "assessment").get(
        assessment=run, unit=tree.community_a, item__code="B1"
    )
    scoring.score_enter(
        actor=actor(cast.district), score=s, points=Decimal(30), deduction=Decimal(5), note="缺台账"
    )
    body = api_as(cast.district).get("/assessments", {"unit": tree.district.code, "year": 2026}).json()
    assert [(u["unit"]["code"], u["total"], u["rank"]) for u in body] == [
        (tree.community_a.code, "73.0", 1),
        (tree.community_b.code, "12.0", 2),
    ]
    a = body[0]
    assert a["unit"] == {"code": tree.community_a.code, "name": "社区A"}
    assert a["assessment"] == run.pk and a["status"] == "in_progress"
    assert a["items"][0] == {
        "code": "A1",
        "name": "走访率",
        "points": "48.0",
        "max": "60.0",
        "source": "metric",
        "value": 90.0,
    }
    assert a["items"][1] == {
        "code": "B1",
        "name": "台账",
        "points": "25.0",
        "max": "40.0",
        "source": "manual",
        "value": None,
    }
    assert a["items"][2]["points"] is None  # a bonus item not scored yet


def test_it_gives_a_community_worker_their_own_unit_only(run: Any, tree: Any, cast: Any, api_as: Any) -> None:
    client = api_as(cast.community_a)
    mine = client.get("/assessments", {"year": 2026}).json()
    assert [u["unit"]["code"] for u in mine] == [tree.community_a.code]
    assert client.get("/assessments", {"unit": tree.district.code, "year": 2026}).status_code == 404
    assert client.get("/assessments", {"unit": tree.community_b.code, "year": 2026}).status_code == 404


def test_it_answers_404_out_of_scope_and_for_a_year_without_assessment(
    run: Any, tree: Any, cast: Any, api_as: Any
) -> None:
    assert (
        api_as(cast.community_z)
        .get("/assessments", {"unit": tree.community_a.code, "year": 2026})
        .status_code
        == 404
    )
    assert (
        api_as(cast.district).get("/assessments", {"unit": tree.district.code, "year": 2020}).status_code
        == 404
    )
    assert api_as(cast.volunteer).get("/assessments", {"unit": tree.community_a.code}).status_code == 404
    city = api_as(cast.city).get("/assessments", {"unit": tree.city.code, "year": 2026}).json()
    assert len(city) == 2
