"""Dispatch on the page and over the API sends a request only to a worker who can see its cadre (issue 7)."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.cadres.people import people_search
from jiujin.servicerequests.models import ServiceRequest

from .helpers import make_request

pytestmark = pytest.mark.django_db


def test_it_suggests_only_workers_who_can_see_the_cadre(cast: Any, cadre_a: Any) -> None:
    suggested = {p.obj.username for p in people_search(cast.street, "w", kinds=["staff"], cadre=cadre_a)}
    assert suggested == {"worker-a"}
    assert {p.obj.username for p in people_search(cast.street, "street", kinds=["staff"], cadre=cadre_a)} == {
        "street"
    }
    # Without a cadre (a new cadre's 联系人) the whole scope is offered.
    assert "worker-b" in {p.obj.username for p in people_search(cast.street, "w", kinds=["staff"])}


def test_it_leaves_an_out_of_sight_worker_out_of_the_detail_pages_suggestions(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    request = make_request(cast.street, cadre_a)
    client = client_for(cast.street)

    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert f'"cadre": "{cadre_a.pk}"' in page  # the picker suggests for this cadre
    options = client.get(
        "/cadres/people/", {"field": "assignee", "assignee": "worker", "kinds": "staff", "cadre": cadre_a.pk}
    ).content.decode()
    assert f'data-pick="staff:{cast.community_a.pk}"' in options
    assert f'data-pick="staff:{cast.community_b.pk}"' not in options


def test_it_refuses_on_the_page_to_dispatch_to_a_worker_who_cannot_see_the_cadre(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    request = make_request(cast.street, cadre_a)
    client = client_for(cast.street)

    response = client.post(
        f"/requests/{request.pk}/transition/", {"state": "dispatched", "assignee": "worker-b"}, follow=True
    )

    assert response.status_code == 200
    assert "看不到这位老干部" in response.content.decode()
    assert ServiceRequest.objects.get(pk=request.pk).state == "received"
    assert client_for(cast.community_b).get(f"/requests/{request.pk}/").status_code == 404


def test_it_refuses_over_the_api_to_dispatch_to_a_worker_who_cannot_see_the_cadre(
    api_as: Any, cast: Any, cadre_a: Any
) -> None:
    request = make_request(cast.street, cadre_a)
    api = api_as(cast.street)
    url = f"/service-requests/{request.pk}/transitions"

    response = api.post(url, {"state": "dispatched", "assignee": "worker-b"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "assignee"]
    assert "看不到这位老干部" in response.json()["detail"][0]["msg"]
    assert ServiceRequest.objects.get(pk=request.pk).assignee_user is None
    response = api.post(url, {"state": "dispatched", "assignee": "worker-a"})
    assert response.status_code == 200
    assert response.json()["state"] == "dispatched"
