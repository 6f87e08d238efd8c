"""Intake, board, lists, detail and rating pages: permissions, scoping, audit and constant query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.audit.models import AuditEvent
from jiujin.servicerequests.models import ServiceRequest
from jiujin.visits.tests.helpers import make_record, make_task
from jiujin.volunteers.models import Pairing, Volunteer

from .helpers import NOW, make_cadres, make_request, move

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- intake


def test_it_takes_a_call_and_opens_the_request(client_for: Any, cast: Any, cadre_a: Any) -> None:
    client = client_for(cast.community_a)
    assert client.get("/requests/new/").status_code == 200
    response = client.post(
        "/requests/new/",
        {
            "cadre": cadre_a.pk,
            "category": "emergency_help",
            "urgency": "emergency",
            "description": "摔倒了",
            "caller_name": "王芳",
            "caller_relation": "女儿",
            "caller_phone": "138 7123 4567",
        },
    )
    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{request.pk}/"
    assert (request.cadre, request.target_minutes, request.caller_phone) == (cadre_a, 20, "13871234567")
    assert request.created_by == cast.community_a


@pytest.mark.parametrize("who", ["volunteer", "city", "district"])
def test_it_forbids_intake_and_board_without_the_dispatch_capability(
    client_for: Any, cast: Any, who: str
) -> None:
    client = client_for(getattr(cast, who))
    expected = 404 if who == "volunteer" else 403  # a volunteer has no staff pages at all
    for url in ["/requests/new/", "/requests/board/", "/requests/new/cadres/?q=zdm", "/requests/targets/"]:
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("who", ["community_b", "community_z"])
def test_it_refuses_a_cadre_out_of_scope_at_intake(
    client_for: Any, cast: Any, cadre_a: Any, who: str
) -> None:
    client = client_for(getattr(cast, who))
    response = client.post(
        "/requests/new/",
        {"cadre": cadre_a.pk, "category": "repair", "urgency": "normal", "description": "水管漏水"},
    )
    assert response.status_code == 200
    assert "没有找到该老干部" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_it_finds_the_cadre_by_the_registry_search_in_scope(client_for: Any, cast: Any, cadre_a: Any) -> None:
    found = client_for(cast.community_a).get("/requests/new/cadres/", {"q": "zdm"}).content.decode()
    assert f'value="{cadre_a.pk}"' in found and "张德明" in found
    assert (
        "张德明"
        not in client_for(cast.community_b).get("/requests/new/cadres/", {"q": "zdm"}).content.decode()
    )


def test_it_prefills_from_a_visit_records_needs(client_for: Any, cast: Any, cadre_a: Any) -> None:
    task = make_task(cadre_a, date(2026, 9, 20))
    record = make_record(task, date(2026, 9, 20), needs="家里水龙头坏了，想请人来修")
    page = client_for(cast.community_a).get(f"/requests/new/?visit_record={record.pk}").content.decode()
    assert "家里水龙头坏了，想请人来修" in page
    assert f'name="cadre" value="{cadre_a.pk}" checked' in page
    response = client_for(cast.community_a).post(
        f"/requests/new/?visit_record={record.pk}",
        {"cadre": cadre_a.pk, "category": "repair", "urgency": "normal", "description": record.needs},
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().visit_record == record
    assert ServiceRequest.objects.get().source == "visit"
    # Another community's worker gets an empty form, not the record.
    assert (
        "水龙头"
        not in client_for(cast.community_b).get(f"/requests/new/?visit_record={record.pk}").content.decode()
    )


# ---------------------------------------------------------------- board


def test_it_shows_the_board_with_overdue_in_red_and_emergencies_first(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        late = make_request(cast.community_a, cadre_a)
        clock.shift(timedelta(minutes=25))
        normal = make_request(cast.community_a, cadre_a, urgency="normal", category="haircut")
        fresh = make_request(cast.community_a, cadre_a)
        page = client_for(cast.community_a).get("/requests/board/").content.decode()
    assert (
        page.index(f'id="sr-{fresh.pk}"')
        < page.index(f'id="sr-{late.pk}"')
        < page.index(f'id="sr-{normal.pk}"')
    )
    card = page[page.index(f'id="sr-{late.pk}"') :]
    assert card[: card.index("</li>")].count("超时") == 1
    assert 'class="sr-card emergency overdue"' in page
    assert "超时 1 件" in page
    assert 'hx-trigger="every 15s"' in page


def test_it_refreshes_the_board_as_a_partial(client_for: Any, cast: Any, cadre_a: Any) -> None:
    make_request(cast.community_a, cadre_a)
    response = client_for(cast.community_a).get("/requests/board/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith("{#") is False and 'id="board"' in body and "<html" not in body


@pytest.mark.parametrize("who", ["community_b", "community_z"])
def test_it_keeps_other_communities_requests_off_the_board(
    client_for: Any, cast: Any, cadre_a: Any, who: str
) -> None:
    make_request(cast.community_a, cadre_a)
    page = client_for(getattr(cast, who)).get("/requests/board/").content.decode()
    assert "张德明" not in page
    assert "进行中 <strong>0</strong>" in page


def test_the_board_and_list_take_constant_queries(
    client_for: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)  # a dispatcher and the assignee of the dispatched ones
    for total in (3, 30):
        cadres = make_cadres(total - ServiceRequest.objects.count(), tree.community_a, cast.community_a)
        for i, cadre in enumerate(cadres):
            request = make_request(cast.community_a, cadre, urgency="emergency" if i % 2 else "normal")
            if i % 3 == 1:
                move(cast.community_a, request, "dispatched")
            if i % 3 == 2:
                move(cast.community_a, request, "dispatched", assignee=None)
                move(cast.community_a, request, "arrived")
        with django_assert_max_num_queries(12):
            assert client.get("/requests/board/").status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get("/requests/?overdue=false").status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get("/requests/mine/").status_code == 200


def test_the_board_shows_every_kind_of_assignee_in_constant_queries(
    client_for: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    from jiujin.servicerequests.services import Assignee
    from jiujin.volunteers.tests.helpers import make_volunteer

    volunteer = make_volunteer(tree.community_a, name="李志愿")
    provider = Assignee(provider_name="顺心家政", provider_phone="027-88886666")
    client = client_for(cast.street)
    for total in (4, 40):
        cadres = make_cadres(total - ServiceRequest.objects.count(), tree.community_a, cast.community_a)
        for i, cadre in enumerate(cadres):
            request = make_request(cast.street, cadre, urgency="normal")
            if i % 4:
                people = [Assignee(user=cast.community_a), Assignee(volunteer=volunteer), provider]
                move(cast.street, request, "dispatched", assignee=people[i % 4 - 1])
        with django_assert_max_num_queries(12):
            page = client.get("/requests/board/").content.decode()
        assert page.count('<li id="sr-') == total
        assert "李志愿（志愿者）" in page and "顺心家政（服务商）" in page and "027-88886666" in page
        transitions = re.findall(r'action="(/requests/\d+/transition/)" hx-post="([^"]+)"', page)
        assert transitions and all(action == post for action, post in transitions)


def test_it_dispatches_from_the_board_inline(client_for: Any, cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.community_a, cadre_a)
    response = client_for(cast.street).post(
        f"/requests/{request.pk}/transition/",
        {"from": "board", "state": "dispatched", "assignee": cast.community_a.username},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="board"' in body and "已派单" in body
    request.refresh_from_db()
    assert (request.state, request.assignee_user) == ("dispatched", cast.community_a)


def test_it_says_why_a_transition_was_refused(client_for: Any, cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.community_a, cadre_a)
    move(cast.community_a, request, "cancelled")
    client = client_for(cast.community_a)
    response = client.post(f"/requests/{request.pk}/transition/", {"state": "completed"}, follow=True)
    assert "工单已取消，不能再改为“完成”" in response.content.decode()
    board = client.post(
        f"/requests/{request.pk}/transition/",
        {"from": "board", "state": "dispatched", "assignee": "nobody"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "没有找到处理人「nobody」" in board


def test_it_refuses_a_worker_of_another_community_as_assignee(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    request = make_request(cast.community_a, cadre_a)
    client_for(cast.community_a).post(
        f"/requests/{request.pk}/transition/", {"state": "dispatched", "assignee": cast.community_z.username}
    )
    assert ServiceRequest.objects.get(pk=request.pk).state == "received"


# ---------------------------------------------------------------- detail, mine, list


def test_it_shows_the_detail_with_its_timeline_and_audits_it(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    request = make_request(cast.community_a, cadre_a)
    move(cast.community_a, request, "dispatched", note="小王马上出发")
    page = client_for(cast.street).get(f"/requests/{request.pk}/").content.decode()
    assert "小王马上出发" in page and "受理" in page and "派单" in page
    assert "138****4567" in page  # the street sees masked phones
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, action="view", user=cast.street).exists()


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_hides_requests_out_of_scope_as_missing(
    client_for: Any, cast: Any, cadre_a: Any, who: str
) -> None:
    request = make_request(cast.community_a, cadre_a)
    client = client_for(getattr(cast, who))
    assert client.get(f"/requests/{request.pk}/").status_code == 404
    assert client.get("/requests/999999/").status_code == 404
    assert client.post(f"/requests/{request.pk}/transition/", {"state": "cancelled"}).status_code == 404
    assert client.post(f"/requests/{request.pk}/rate/", {"satisfaction": "satisfied"}).status_code == 404
    assert "张德明" not in client.get("/requests/").content.decode()
    assert ServiceRequest.objects.get().state == "received"


def test_a_paired_volunteer_records_arrival_and_completion_from_my_requests(
    client_for: Any, cast: Any, tree: Any, cadre_a: Any
) -> None:
    volunteer = Volunteer.objects.create(
        name="李青", phone="13900000001", community=tree.community_a, user=cast.volunteer
    )
    Pairing.objects.create(cadre=cadre_a, volunteer=volunteer, started_on=date(2026, 1, 1))
    request = make_request(cast.community_a, cadre_a)
    client = client_for(cast.volunteer)
    # Not sent to them yet: for the volunteer the request does not exist.
    assert client.post(f"/requests/{request.pk}/transition/", {"state": "cancelled"}).status_code == 404
    from jiujin.servicerequests.services import Assignee

    move(cast.community_a, request, "dispatched", assignee=Assignee(volunteer=volunteer))
    page = client.get("/requests/mine/").content.decode()
    assert "我已到达" in page and cadre_a.address in page
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, user=cast.volunteer, detail="查看我的工单").exists()
    client.post(f"/requests/{request.pk}/transition/", {"from": "mine", "state": "arrived"})
    client.post(f"/requests/{request.pk}/transition/", {"from": "mine", "state": "completed"})
    client.post(f"/requests/{request.pk}/rate/", {"satisfaction": "satisfied", "comment": "很及时"})
    request.refresh_from_db()
    assert (request.state, request.satisfaction, request.satisfaction_comment) == (
        "completed",
        "satisfied",
        "很及时",
    )


def test_it_filters_the_list_by_overdue_in_sql(client_for: Any, cast: Any, cadre_a: Any) -> None:
    with time_machine.travel(NOW, tick=False) as clock:
        late = make_request(cast.community_a, cadre_a)
        on_time = make_request(cast.community_a, cadre_a, urgency="normal", category="haircut")
        clock.shift(timedelta(minutes=30))
        page = client_for(cast.community_a).get("/requests/?overdue=true").content.decode()
    assert f"#{late.pk}<" in page and f"#{on_time.pk}<" not in page


def test_it_rates_after_completion_on_the_detail_page(client_for: Any, cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.community_a, cadre_a)
    client = client_for(cast.community_a)
    assert "保存评价" not in client.get(f"/requests/{request.pk}/").content.decode()
    for state in ["dispatched", "arrived", "completed"]:
        move(cast.community_a, request, state)
    assert "保存评价" in client.get(f"/requests/{request.pk}/").content.decode()
    bad = client.post(f"/requests/{request.pk}/rate/", {})
    assert "请选择满意度" in bad.content.decode()
    client.post(f"/requests/{request.pk}/rate/", {"satisfaction": "unsatisfied", "comment": "等太久"})
    assert ServiceRequest.objects.get().satisfaction == "unsatisfied"


def test_it_sets_a_response_target_for_a_unit(client_for: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    client = client_for(cast.street)
    response = client.post(
        "/requests/targets/",
        {"org_unit": tree.street.pk, "category": "", "urgency": "emergency", "minutes": 15},
    )
    assert response.status_code == 302
    assert make_request(cast.community_a, cadre_a).target_minutes == 15
    # A unit outside the street's subtree is not a choice.
    response = client.post(
        "/requests/targets/",
        {"org_unit": tree.district.pk, "category": "", "urgency": "emergency", "minutes": 5},
    )
    assert response.status_code == 200
