"""Dispatching by the person's name (issue 10): a volunteer or worker typed as 张丽, shown with a phone."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.servicerequests.models import ServiceRequest
from jiujin.volunteers.tests.helpers import make_volunteer

from .helpers import make_request

pytestmark = pytest.mark.django_db


def test_it_dispatches_to_a_volunteer_typed_by_name_and_shows_their_phone(
    client_for: Any, tree: Any, cast: Any, cadre_a: Any
) -> None:
    volunteer = make_volunteer(tree.community_a, name="张丽", phone="13812345678")
    request = make_request(cast.community_a, cadre_a)
    client = client_for(cast.community_a)

    response = client.post(f"/requests/{request.pk}/transition/", {"state": "dispatched", "assignee": "张丽"})

    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=request.pk).assignee_volunteer == volunteer
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert "张丽（志愿者）" in page and 'href="tel:13812345678"' in page


def test_it_asks_which_one_when_a_name_is_shared(client_for: Any, tree: Any, cast: Any, cadre_a: Any) -> None:
    make_volunteer(tree.community_a, name="张丽")
    cast.community_a.last_name, cast.community_a.first_name = "张", "丽"
    cast.community_a.save(update_fields=["last_name", "first_name"])
    request = make_request(cast.community_a, cadre_a)

    response = client_for(cast.community_a).post(
        f"/requests/{request.pk}/transition/", {"state": "dispatched", "assignee": "张丽"}, follow=True
    )

    assert "有2位「张丽」" in response.content.decode()
    assert ServiceRequest.objects.get(pk=request.pk).state == "received"


def test_it_dispatches_the_picked_person_from_the_board(
    client_for: Any, tree: Any, cast: Any, cadre_a: Any
) -> None:
    volunteer = make_volunteer(tree.community_a, name="李青")
    request = make_request(cast.community_a, cadre_a)
    board = client_for(cast.community_a).get("/requests/board/").content.decode()
    assert f'id="assignee-{request.pk}"' in board and f'value="staff:{cast.community_a.pk}"' in board

    client_for(cast.community_a).post(
        f"/requests/{request.pk}/transition/",
        {
            "from": "board",
            "state": "dispatched",
            "assignee": "李青（志愿者）",
            "assignee_pick": f"volunteer:{volunteer.pk}",
        },
    )

    assert ServiceRequest.objects.get(pk=request.pk).assignee_volunteer == volunteer
