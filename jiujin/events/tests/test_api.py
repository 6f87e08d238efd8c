from datetime import timedelta

import pytest

from jiujin.cadres.cards import card_token_for
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.events.models import Attendance, Event

from .helpers import NOW, make_event


def body(starts=None, **extra):
    starts = starts or NOW + timedelta(days=3)
    return {
        "title": "健康讲座：冬季防跌倒", "kind": "health", "unit": "421102001001",
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "place": "社区卫生站", "capacity": 2, **extra,
    }  # fmt: skip


def test_it_creates_an_event_and_lists_it(cast, api_as):
    api = api_as(cast.community_a)
    r = api.post("/events", body())
    assert r.status_code == 201, r.content
    event_id = r.json()["id"]
    assert Event.objects.get(pk=event_id).unit.code == "421102001001"
    listed = api.get(
        "/events", {"unit": "421102001001", "from": (NOW + timedelta(days=1)).date().isoformat()}
    )
    assert listed.status_code == 200
    assert [e["id"] for e in listed.json()["items"]] == [event_id]
    assert api.get("/events", {"to": NOW.date().isoformat()}).json()["items"] == []
    one = api.get(f"/events/{event_id}").json()
    assert one["signed_up"] == 0 and one["attended"] == 0


def test_it_refuses_a_unit_outside_the_tree(cast, api_as):
    assert api_as(cast.community_b).post("/events", body()).status_code == 404
    assert Event.objects.count() == 0
    assert api_as(cast.community_a).post("/events", body(title="")).status_code == 422


def test_it_signs_up_until_full_then_409_or_waiting(tree, cast, api_as):
    api = api_as(cast.community_a)
    full = make_event(cast.community_a, tree.community_a, capacity=1, waiting_list=False)
    a, b = CadreFactory.create_batch(2, community=tree.community_a)
    r = api.post(f"/events/{full.pk}/signups", {"cadre": a.pk})
    assert r.status_code == 201 and r.json()["waiting"] is False
    r = api.post(f"/events/{full.pk}/signups", {"cadre": b.pk})
    assert r.status_code == 409 and "名额已满" in r.json()["detail"]
    queue = make_event(cast.community_a, tree.community_a, capacity=1, waiting_list=True)
    api.post(f"/events/{queue.pk}/signups", {"cadre": a.pk})
    r = api.post(f"/events/{queue.pk}/signups", {"cadre": b.pk})
    assert r.status_code == 201 and r.json()["waiting"] is True
    assert api.get(f"/events/{queue.pk}").json()["signed_up"] == 1


def test_it_answers_404_for_a_cadre_or_event_out_of_scope(tree, cast, api_as, cadre_a):
    street_event = make_event(cast.street, tree.street)
    z = CadreFactory(community=tree.community_z)
    api_b = api_as(cast.community_b)
    assert api_b.post(f"/events/{street_event.pk}/signups", {"cadre": cadre_a.pk}).status_code == 404
    assert api_as(cast.street).post(f"/events/{street_event.pk}/signups", {"cadre": z.pk}).status_code == 404
    mine = make_event(cast.community_a, tree.community_a)
    assert api_b.get(f"/events/{mine.pk}").status_code == 404
    assert api_as(cast.community_z).get(f"/events/{street_event.pk}").status_code == 404


def test_it_checks_in_once(tree, cast, api_as, cadre_a):
    event = make_event(cast.community_a, tree.community_a)
    api = api_as(cast.community_a)
    first = api.post(f"/events/{event.pk}/check-ins", {"cadre": cadre_a.pk})
    again = api.post(f"/events/{event.pk}/check-ins", {"cadre": cadre_a.pk})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["created"] is False and again.json()["attended"] == 1
    assert Attendance.objects.count() == 1
    assert api.post(f"/events/{event.pk}/check-ins", {}).status_code == 422


def test_it_checks_in_by_card_token(tree, cast, api_as, cadre_a):
    event = make_event(cast.community_a, tree.community_a)
    old = card_token_for(cadre_a)
    cadre_a.card_version += 1  # the card was reissued: the old one is void
    cadre_a.save(update_fields=["card_version"])
    api = api_as(cast.community_a)
    assert (
        api.post(f"/events/{event.pk}/check-ins", {"card_token": card_token_for(cadre_a)}).status_code == 201
    )
    assert (
        api.post(f"/events/{event.pk}/check-ins", {"card_token": card_token_for(cadre_a)}).status_code == 200
    )
    assert api.post(f"/events/{event.pk}/check-ins", {"card_token": old}).status_code == 404
    assert Attendance.objects.get().via == "card"


@pytest.mark.django_db(transaction=True)
def test_it_counts_concurrent_check_ins_once(tree, cast, cadre_a):
    """Two phones check the same cadre in at once: the unique constraint keeps one row."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from jiujin.audit.services import Actor
    from jiujin.events.services import event_check_in

    event = make_event(cast.community_a, tree.community_a)

    def go(_):
        try:
            return event_check_in(actor=Actor(user=cast.community_a), event=event, cadre=cadre_a, via="list")[
                1
            ]
        finally:
            connection.close()

    if connection.vendor == "sqlite":
        results = [go(0), go(1)]
    else:
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(go, range(4)))
    assert results.count(True) == 1
    assert Attendance.objects.filter(event=event).count() == 1
