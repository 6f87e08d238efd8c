"""The pilots API: the list's shape, filters and scope; marking a step done; outsiders 404."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.audit.services import Actor
from jiujin.pilots.models import Pilot
from jiujin.pilots.services import pilot_step_mark_done

from .helpers import make_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(cast: Any, tree: Any) -> Pilot:
    pilot = make_pilot(cast.district, tree.community_a, year=2026, name="翠柳试点")
    pilot_step_mark_done(actor=Actor(user=cast.community_a), step=pilot.steps.get(number=1), note="入户摸底")
    return pilot


def test_it_lists_pilots_with_their_steps(api_as: Any, cast: Any, tree: Any, pilot: Pilot) -> None:
    make_pilot(cast.city, tree.community_z, year=2026)
    response = api_as(cast.district).get("/pilots", {"unit": tree.district.code, "year": 2026})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == 1
    (item,) = data["items"]
    assert {k: item[k] for k in ("id", "community", "district", "year", "name", "status", "done", "percent")} == {
        "id": pilot.pk, "community": tree.community_a.code, "district": tree.district.code, "year": 2026,
        "name": "翠柳试点", "status": "active", "done": 1, "percent": 12,
    }  # fmt: skip
    assert [s["number"] for s in item["steps"]] == list(range(1, 9))
    first, second, fifth = item["steps"][0], item["steps"][1], item["steps"][4]
    assert (first["name"], first["state"], first["done_date"]) == ("摸底调研", "done", "2026-07-15")
    assert (second["state"], second["target_date"]) == ("overdue", "2026-03-31")
    assert (fifth["state"], fifth["done_date"]) == ("due", None)
    assert api_as(cast.district).get("/pilots", {"year": 2025}).json()["count"] == 0


def test_it_scopes_the_list(api_as: Any, cast: Any, tree: Any, pilot: Pilot) -> None:
    assert api_as(cast.community_b).get("/pilots").json()["count"] == 0
    assert api_as(cast.community_z).get("/pilots").json()["count"] == 0
    assert api_as(cast.community_a).get("/pilots").json()["count"] == 1
    assert api_as(cast.community_z).get("/pilots", {"unit": tree.community_a.code}).status_code == 404
    assert api_as(cast.volunteer).get("/pilots").status_code == 404


def test_it_marks_a_step_done(api_as: Any, cast: Any, pilot: Pilot) -> None:
    api = api_as(cast.community_a)
    refused = api.post(f"/pilots/{pilot.pk}/steps/2/done", {})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "note"]
    response = api.post(
        f"/pilots/{pilot.pk}/steps/2/done", {"note": "培训骨干12人", "done_date": "2026-04-02"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "number": 2, "name": "培训骨干", "target_date": "2026-03-31", "done_date": "2026-04-02",
        "state": "done", "responsible": "", "note": "培训骨干12人",
    }  # fmt: skip
    assert api.post(f"/pilots/{pilot.pk}/steps/2/done", {"note": "again"}).status_code == 422
    assert api.post(f"/pilots/{pilot.pk}/steps/9/done", {"note": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_answers_404_to_outsiders(api_as: Any, cast: Any, pilot: Pilot, who: str) -> None:
    response = api_as(getattr(cast, who)).post(f"/pilots/{pilot.pk}/steps/2/done", {"note": "越权"})
    assert response.status_code == 404
    assert response.json() == {"detail": "没有找到"}
    assert pilot.steps.get(number=2).done_date is None


def test_it_lists_in_a_fixed_number_of_queries(
    api_as: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    make_pilot(cast.district, tree.community_a, year=2026)
    make_pilot(cast.district, tree.community_b, year=2026)
    make_pilot(cast.district, tree.community_b, year=2025)
    api = api_as(cast.district)
    with django_assert_max_num_queries(6):
        assert api.get("/pilots").json()["count"] == 3
