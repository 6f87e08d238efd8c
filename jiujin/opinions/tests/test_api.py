"""The opinions API: the shapes of issue 12 point 7, scope and the work unit's reach."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from jiujin.opinions.models import Opinion

from .helpers import NOW, answer, at, give_work_unit, make_contact, make_opinion


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def test_it_records_an_opinion(api_as: Any, cast: Any, cadre_a: Any) -> None:
    body = {"cadre": cadre_a.pk, "content": "希望增加健康讲座", "route_to": "bureau", "source": "meeting"}
    response = api_as(cast.community_a).post("/opinions", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "open"
    assert data["due_date"] == "2026-09-16"
    assert Opinion.objects.get(pk=data["id"]).route_to == "bureau"


def test_it_answers_and_rates(api_as: Any, cast: Any, cadre_a: Any) -> None:
    api = api_as(cast.community_a)
    opinion = make_opinion(cast.community_a, cadre_a)
    assert api.post(f"/opinions/{opinion.pk}/rating", {"satisfaction": 5}).status_code == 409
    response = api.post(f"/opinions/{opinion.pk}/reply", {"reply": "已开放", "outcome": "solved"})
    assert response.status_code == 200
    assert response.json()["state"] == "answered"
    assert (
        api.post(f"/opinions/{opinion.pk}/reply", {"reply": "再答", "outcome": "solved"}).status_code == 409
    )
    assert api.post(f"/opinions/{opinion.pk}/rating", {"satisfaction": 6}).status_code == 422
    response = api.post(f"/opinions/{opinion.pk}/rating", {"satisfaction": 4})
    assert response.json()["satisfaction"] == 4


def test_it_wants_a_reason_when_unsolvable(api_as: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    response = api_as(cast.community_a).post(
        f"/opinions/{opinion.pk}/reply", {"reply": "无法办理", "outcome": "unsolvable"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]


def test_it_lists_by_state_and_unit(api_as: Any, frozen: Any, tree: Any, cast: Any, cadre_a: Any) -> None:
    late = make_opinion(cast.community_a, cadre_a)
    frozen.move_to(at(date(2026, 9, 10)))
    fresh = make_opinion(cast.community_a, cadre_a)
    done = make_opinion(cast.community_a, cadre_a)
    answer(cast.community_a, done)
    frozen.move_to(at(date(2026, 9, 20)))
    api = api_as(cast.street)

    def ids(**params: Any) -> list[int]:
        response = api.get("/opinions", params)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids(state="overdue") == [late.pk]
    assert ids(state="open") == [fresh.pk]
    assert ids(state="answered") == [done.pk]
    assert ids(unit=tree.community_a.code) == [late.pk, fresh.pk, done.pk]
    assert ids(unit=tree.community_b.code) == []
    assert api.get("/opinions", {"unit": tree.community_z.code}).status_code == 404


def test_it_refuses_outsiders(api_as: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    for user in cast.outsiders():
        api = api_as(user)
        assert api.get(f"/opinions/{opinion.pk}").status_code == 404
        assert (
            api.post(f"/opinions/{opinion.pk}/reply", {"reply": "x", "outcome": "solved"}).status_code == 404
        )
        body = {"cadre": cadre_a.pk, "content": "x", "route_to": "bureau", "source": "call"}
        assert api.post("/opinions", body).status_code == 404
        assert api.get("/opinions").json().get("count", 0) == 0


def test_it_lets_the_work_unit_read_and_answer_its_own(api_as: Any, cast: Any, cadre_a: Any) -> None:
    unit = give_work_unit(cadre_a)
    routed = make_opinion(cast.community_a, cadre_a, route_to="work_unit")
    other = make_opinion(cast.community_a, cadre_a, route_to="party_org")
    api = api_as(make_contact(unit))
    assert [i["id"] for i in api.get("/opinions").json()["items"]] == [routed.pk]
    assert api.get(f"/opinions/{other.pk}").status_code == 404
    response = api.post(f"/opinions/{routed.pk}/reply", {"reply": "按政策补发", "outcome": "solved"})
    assert response.status_code == 200
    assert api.post(f"/opinions/{routed.pk}/rating", {"satisfaction": 5}).status_code == 404
    body = {"cadre": cadre_a.pk, "content": "x", "route_to": "bureau", "source": "call"}
    assert api.post("/opinions", body).status_code == 404
    assert api.get(f"/cadres/{cadre_a.pk}").status_code == 404
    assert api.get("/cadres").status_code == 404
