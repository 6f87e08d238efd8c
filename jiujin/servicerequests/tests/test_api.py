"""/api/v1/service-requests: shapes, scoping, 409 on illegal transitions, 422 in Chinese."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.servicerequests.models import ServiceRequest
from jiujin.volunteers.models import Volunteer

from .helpers import NOW, make_request, move

pytestmark = pytest.mark.django_db

NEW = {"category": "emergency_help", "urgency": "emergency", "description": "老人摔倒，腿疼不能起身"}
ITEM_KEYS = {
    "id", "cadre", "category", "urgency", "state", "created_at", "dispatched_at", "arrived_at", "completed_at",
    "cancelled_at", "target_minutes", "response_minutes", "overdue", "assignee",
}  # fmt: skip


def test_it_creates_a_request(api_as: Any, cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        response = api_as(cast.community_a).post("/service-requests", {"cadre": cadre_a.pk, **NEW})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == ITEM_KEYS
    assert body["state"] == "received"
    assert (body["target_minutes"], body["response_minutes"], body["overdue"]) == (20, None, False)
    assert body["created_at"].startswith("2026-09-23T")
    assert ServiceRequest.objects.get().created_by == cast.community_a


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_answers_404_for_cadres_and_requests_out_of_scope(
    api_as: Any, cast: Any, cadre_a: Any, who: str
) -> None:
    api = api_as(getattr(cast, who))
    assert api.post("/service-requests", {"cadre": cadre_a.pk, **NEW}).json() == {"detail": "没有找到"}
    request = make_request(cast.community_a, cadre_a)
    response = api.post(f"/service-requests/{request.pk}/transitions", {"state": "cancelled"})
    assert (response.status_code, response.json()) == (404, {"detail": "没有找到"})
    assert api.get("/service-requests").json() == {"count": 0, "items": []}
    assert api.get("/service-requests", {"cadre": cadre_a.pk}).json()["count"] == 0


def test_it_forbids_intake_without_the_capability(api_as: Any, cast: Any, cadre_a: Any) -> None:
    response = api_as(cast.district).post("/service-requests", {"cadre": cadre_a.pk, **NEW})
    assert (response.status_code, response.json()) == (403, {"detail": "没有受理服务工单的权限"})


def test_it_validates_in_chinese(api_as: Any, cast: Any, cadre_a: Any) -> None:
    api = api_as(cast.community_a)
    response = api.post("/service-requests", {"cadre": cadre_a.pk, **NEW, "description": ""})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "description"]
    assert response.json()["detail"][0]["msg"] == "请简要记录需求"
    assert api.post("/service-requests", {"cadre": cadre_a.pk, **NEW, "urgency": "soon"}).status_code == 422
    request = make_request(cast.community_a, cadre_a)
    response = api.post(f"/service-requests/{request.pk}/transitions", {"state": "dispatched"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "派单须指定处理人（工作人员、志愿者或服务商）"
    response = api.post(
        f"/service-requests/{request.pk}/transitions", {"state": "dispatched", "assignee": "worker-z"}
    )
    assert response.json()["detail"][0]["msg"] == "没有找到处理人「worker-z」：请输入姓名或拼音，从建议中选择"


def test_it_walks_the_request_through_its_states_and_times_the_arrival(
    api_as: Any, cast: Any, cadre_a: Any
) -> None:
    api = api_as(cast.community_a)
    with time_machine.travel(NOW, tick=False) as clock:
        pk = api.post("/service-requests", {"cadre": cadre_a.pk, **NEW}).json()["id"]
        body = api.post(
            f"/service-requests/{pk}/transitions", {"state": "dispatched", "assignee": "worker-a"}
        ).json()
        assert (body["state"], body["assignee"]) == ("dispatched", cast.community_a.display_name)
        clock.shift(timedelta(minutes=21, seconds=30))
        body = api.post(f"/service-requests/{pk}/transitions", {"state": "arrived", "note": "已到"}).json()
        assert (body["state"], body["response_minutes"], body["overdue"]) == ("arrived", 21, True)
        body = api.post(f"/service-requests/{pk}/transitions", {"state": "completed"}).json()
        assert body["state"] == "completed" and body["completed_at"]


def test_it_answers_409_for_an_illegal_transition(api_as: Any, cast: Any, cadre_a: Any) -> None:
    api = api_as(cast.community_a)
    request = make_request(cast.community_a, cadre_a)
    response = api.post(f"/service-requests/{request.pk}/transitions", {"state": "arrived"})
    assert (response.status_code, response.json()) == (409, {"detail": "工单尚未派单，不能登记到达"})
    move(cast.community_a, request, "cancelled")
    response = api.post(f"/service-requests/{request.pk}/transitions", {"state": "completed"})
    assert (response.status_code, response.json()) == (409, {"detail": "工单已取消，不能再改为“完成”"})


def test_it_dispatches_to_a_volunteer_or_a_provider(api_as: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    volunteer = Volunteer.objects.create(name="李青", phone="13900000001", community=tree.community_a)
    other = Volunteer.objects.create(name="赵远", phone="13900000002", community=tree.community_z)
    api = api_as(cast.community_a)
    first = make_request(cast.community_a, cadre_a)
    url = f"/service-requests/{first.pk}/transitions"
    assert api.post(url, {"state": "dispatched", "assignee": f"volunteer:{other.pk}"}).status_code == 422
    body = api.post(url, {"state": "dispatched", "assignee": f"volunteer:{volunteer.pk}"}).json()
    assert body["assignee"] == "李青（志愿者）"
    second = make_request(cast.community_a, cadre_a, urgency="normal", category="repair")
    body = api.post(
        f"/service-requests/{second.pk}/transitions",
        {"state": "dispatched", "assignee": "provider:安居维修", "provider_phone": "0713-8881234"},
    ).json()
    assert body["assignee"] == "安居维修（服务商）"
    assert ServiceRequest.objects.get(pk=second.pk).provider_phone == "0713-8881234"


def test_it_lists_with_filters_and_overdue_in_sql(api_as: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    from jiujin.cadres.tests.factories import CadreFactory

    other = CadreFactory(community=tree.community_a, birth_date=date(1940, 1, 1))
    with time_machine.travel(NOW, tick=False) as clock:
        waiting = make_request(cast.community_a, cadre_a)
        on_time = make_request(cast.community_a, other)
        move(cast.community_a, on_time, "dispatched")
        clock.shift(timedelta(minutes=10))
        move(cast.community_a, on_time, "arrived")
        normal = make_request(cast.community_a, other, urgency="normal", category="haircut")
        clock.shift(timedelta(minutes=20))
        api = api_as(cast.street)
        body = api.get("/service-requests", {"overdue": "true"}).json()
        assert [i["id"] for i in body["items"]] == [waiting.pk]
        assert body["items"][0]["overdue"] is True and body["count"] == 1
        assert {i["id"] for i in api.get("/service-requests", {"overdue": "false"}).json()["items"]} == {
            on_time.pk,
            normal.pk,
        }
        by_cadre = api.get("/service-requests", {"cadre": other.pk, "state": "arrived"}).json()
        assert [(i["id"], i["response_minutes"]) for i in by_cadre["items"]] == [(on_time.pk, 10)]
        assert api.get("/service-requests", {"state": "gone"}).status_code == 422
