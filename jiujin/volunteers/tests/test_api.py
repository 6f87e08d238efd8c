"""/api/v1/volunteers and /api/v1/pairings: scoping, rules (409/422) and the volunteer's contact log."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.volunteers.models import ContactLog, Pairing

from .helpers import make_volunteer, pair

pytestmark = pytest.mark.django_db
OUTSIDERS = ["community_b", "community_z"]


# ---------------------------------------------------------------- volunteers


def test_it_lists_volunteers_by_community(tree: Any, cast: Any, api_as: Any, volunteer_a: Any) -> None:
    make_volunteer(tree.community_b, name="邻社区")
    body = api_as(cast.street).get("/volunteers", {"community": "421102001001"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["name"], item["community"], item["building"], item["has_login"]) == (
        "小李",
        "421102001001",
        "3",
        True,
    )
    assert "*" in item["phone"]  # a street office sees phones masked
    assert api_as(cast.community_a).get("/volunteers").json()["items"][0]["phone"] == volunteer_a.phone


@pytest.mark.parametrize("who", [*OUTSIDERS, "volunteer"])
def test_it_hides_community_a_s_volunteers(who: str, cast: Any, api_as: Any, volunteer_a: Any) -> None:
    api = api_as(getattr(cast, who))
    response = api.get("/volunteers", {"community": "421102001001"})
    assert response.status_code == 404 and response.json() == {"detail": "没有找到"}
    listing = api.get("/volunteers")
    if who == "volunteer":  # no registry at all for a volunteer login
        assert listing.status_code == 404
    else:
        assert all(i["name"] != "小李" for i in listing.json()["items"])


# ---------------------------------------------------------------- pairings


def test_it_pairs_re_pairs_and_lists_history(
    tree: Any, cast: Any, api_as: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    api = api_as(cast.community_a)
    first = api.post(
        "/pairings", {"cadre": cadre_a.pk, "volunteer": volunteer_a.pk, "started_on": "2026-03-01"}
    )
    assert first.status_code == 201 and first.json()["active"] is True
    other = make_volunteer(tree.community_a, name="老周")
    second = api.post("/pairings", {"cadre": cadre_a.pk, "volunteer": other.pk, "started_on": "2026-09-01"})
    assert second.status_code == 201
    history = api.get("/pairings", {"cadre": cadre_a.pk}).json()
    assert [(i["volunteer_name"], i["ended_on"]) for i in history["items"]] == [
        ("老周", None),
        ("小李", "2026-09-01"),
    ]
    active = api.get("/pairings", {"cadre": cadre_a.pk, "active": "true"}).json()
    assert [i["id"] for i in active["items"]] == [second.json()["id"]]


def test_it_answers_409_and_422_with_chinese_messages(
    cast: Any, api_as: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    api = api_as(cast.community_a)
    body = {"cadre": cadre_a.pk, "volunteer": volunteer_a.pk, "started_on": "2026-09-01"}
    assert api.post("/pairings", body).status_code == 201
    again = api.post("/pairings", body)
    assert again.status_code == 409 and "已与 小李 结对" in again.json()["detail"]
    future = api.post("/pairings", body | {"started_on": "2026-12-01"})
    assert future.status_code == 422
    assert (
        future.json()["detail"][0]["loc"] == ["body", "started_on"]
        and "晚于今天" in future.json()["detail"][0]["msg"]
    )
    pairing = Pairing.objects.get()
    early = api.post(f"/pairings/{pairing.pk}/end", {"ended_on": "2026-08-01", "reason": "x"})
    assert early.status_code == 422 and early.json()["detail"][0]["loc"] == ["body", "ended_on"]
    ended = api.post(f"/pairings/{pairing.pk}/end", {"ended_on": "2026-09-22", "reason": "搬离"})
    assert ended.status_code == 200 and ended.json()["end_reason"] == "搬离"
    twice = api.post(f"/pairings/{pairing.pk}/end", {"ended_on": "2026-09-22", "reason": "搬离"})
    assert twice.status_code == 409 and "已于" in twice.json()["detail"]


def test_it_refuses_an_ineligible_cadre_as_422(tree: Any, cast: Any, api_as: Any, volunteer_a: Any) -> None:
    cadre = CadreFactory(community=tree.community_a, living_arrangement="with_children", health_status="good")
    response = api_as(cast.community_a).post(
        "/pairings", {"cadre": cadre.pk, "volunteer": volunteer_a.pk, "started_on": "2026-09-01"}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "cadre"]


def test_it_needs_manage_cadres_to_pair(cast: Any, api_as: Any, cadre_a: Any, volunteer_a: Any) -> None:
    response = api_as(cast.city).post(
        "/pairings", {"cadre": cadre_a.pk, "volunteer": volunteer_a.pk, "started_on": "2026-09-01"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_answers_404_out_of_scope(
    who: str, tree: Any, cast: Any, api_as: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    pairing = pair(cadre_a, volunteer_a)
    ContactLog.objects.create(pairing=pairing, on=date(2026, 9, 20))
    api = api_as(getattr(cast, who))
    assert api.get("/pairings").json() == {"count": 0, "items": []}
    assert api.get("/pairings", {"cadre": cadre_a.pk}).json()["count"] == 0
    own = make_volunteer(getattr(tree, who))
    for path, body in (
        ("/pairings", {"cadre": cadre_a.pk, "volunteer": own.pk, "started_on": "2026-09-01"}),
        (f"/pairings/{pairing.pk}/end", {"ended_on": "2026-09-22", "reason": "x"}),
        (f"/pairings/{pairing.pk}/contacts", {"on": "2026-09-22"}),
    ):
        response = api.post(path, body)
        assert response.status_code == 404 and response.json() == {"detail": "没有找到"}, path
    assert api.get(f"/pairings/{pairing.pk}/contacts").status_code == 404
    assert not Pairing.objects.exclude(pk=pairing.pk).exists()


def test_it_keeps_another_community_s_volunteer_out_of_a_pairing(
    tree: Any, cast: Any, api_as: Any, cadre_a: Any
) -> None:
    stranger = make_volunteer(tree.community_z)
    response = api_as(cast.community_a).post(
        "/pairings", {"cadre": cadre_a.pk, "volunteer": stranger.pk, "started_on": "2026-09-01"}
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- the volunteer through the API


def test_it_shows_a_volunteer_their_own_current_pairings_only(
    tree: Any, cast: Any, api_as: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    mine = pair(cadre_a, volunteer_a)
    someone_else = pair(CadreFactory(community=tree.community_a), make_volunteer(tree.community_a))
    api = api_as(cast.volunteer)
    assert [i["id"] for i in api.get("/pairings").json()["items"]] == [mine.pk]
    assert api.get(f"/pairings/{someone_else.pk}/contacts").status_code == 404
    Pairing.objects.filter(pk=mine.pk).update(ended_on=date(2026, 9, 22))
    assert api.get("/pairings").json()["count"] == 0
    assert api.get(f"/pairings/{mine.pk}/contacts").status_code == 404
    assert api.post(f"/pairings/{mine.pk}/contacts", {"note": "x"}).status_code == 404


def test_it_lets_a_volunteer_log_contacts_through_the_api(
    cast: Any, api_as: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    pairing = pair(cadre_a, volunteer_a, started_on=date(2026, 5, 1))
    api = api_as(cast.volunteer)
    response = api.post(
        f"/pairings/{pairing.pk}/contacts",
        {"on": "2026-09-22", "form": "phone", "note": "说腿疼", "needs_attention": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["form"], body["needs_attention"], body["followed_up"], body["created_by"]) == (
        "phone",
        True,
        False,
        "volunteer-a",
    )
    default_day = api.post(f"/pairings/{pairing.pk}/contacts", {"form": "visit"}).json()
    assert default_day["on"] == "2026-09-23"
    assert [c["id"] for c in api.get(f"/pairings/{pairing.pk}/contacts").json()] == [
        default_day["id"],
        body["id"],
    ]
    bad = api.post(f"/pairings/{pairing.pk}/contacts", {"on": "2026-04-01"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "on"]
    wrong_form = api.post(f"/pairings/{pairing.pk}/contacts", {"form": "letter"})
    assert wrong_form.status_code == 422
    # The volunteer can neither pair nor end pairings.
    assert (
        api.post(f"/pairings/{pairing.pk}/end", {"ended_on": "2026-09-22", "reason": "x"}).status_code == 404
    )
    assert (
        api.post(
            "/pairings", {"cadre": cadre_a.pk, "volunteer": volunteer_a.pk, "started_on": "2026-09-01"}
        ).status_code
        == 404
    )
    # Staff in scope see the flagged log; a worker may log on the volunteer's behalf.
    staff = api_as(cast.community_a)
    assert len(staff.get(f"/pairings/{pairing.pk}/contacts").json()) == 2
    assert staff.post(f"/pairings/{pairing.pk}/contacts", {"form": "visit"}).status_code == 201
    assert api_as(cast.city).post(f"/pairings/{pairing.pk}/contacts", {"form": "visit"}).status_code == 403


def test_it_pins_the_pairing_list_queries(
    tree: Any, cast: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    api = api_as(cast.street)

    def add(n: int) -> None:
        for cadre in CadreFactory.create_batch(n, community=tree.community_a):
            pair(cadre, make_volunteer(tree.community_a))

    add(3)
    bounds = {}
    for path in ("/pairings", "/volunteers"):
        with django_assert_max_num_queries(6) as few:
            assert api.get(path).json()["count"] == 3
        bounds[path] = len(few.captured_queries)
    add(27)
    for path, bound in bounds.items():
        with django_assert_max_num_queries(bound):
            assert api.get(path).json()["count"] == 30
