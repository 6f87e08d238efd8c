"""/api/v1/ visit endpoints: tasks, events and records, scoped like the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from jiujin.accounts.models import ApiToken
from jiujin.cadres.models import CadreStatus
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask
from jiujin.visits.models import CadreEvent
from jiujin.visits.task_kinds import BIRTHDAY, CONDOLENCE, HOSPITAL

from .helpers import NOW, TODAY, make_cadres, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


class Api:
    """JSON over a bearer token, never a session."""

    def __init__(self, user: Any) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}

    def get(self, path: str, data: dict | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", data, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as() -> Any:
    return Api


# ---------------------------------------------------------------- GET /visit-tasks


def test_it_lists_visible_tasks_with_lunar_labels(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY.replace(day=25), title="中秋慰问", priority=2)
    body = api_as(cast.community_a).get("/visit-tasks").json()
    assert body == {
        "count": 1,
        "items": [
            {
                "id": task.pk,
                "cadre": cadre_a.pk,
                "kind": "holiday",
                "title": "中秋慰问",
                "due_date": "2026-09-25",
                "window_start": "2026-09-25",
                "status": "open",
                "priority": 2,
                "lunar_label": "农历八月十五",
            }
        ],
    }


def test_it_filters_by_cadre_period_status_and_kind(cadre_a: Any, tree: Any, cast: Any, api_as: Any) -> None:
    [other] = make_cadres(1, tree.community_a, cast.community_a)
    late = make_task(cadre_a, TODAY - timedelta(days=2), kind=HOSPITAL.code)  # open past due: overdue
    done = make_task(cadre_a, TODAY, status=TaskStatus.DONE)
    soon = make_task(cadre_a, TODAY + timedelta(days=5), kind=BIRTHDAY.code)
    make_task(other, TODAY)
    api = api_as(cast.street)

    def ids(**params: Any) -> list[int]:
        return [item["id"] for item in api.get("/visit-tasks", params).json()["items"]]

    assert ids(cadre=cadre_a.pk) == [late.pk, done.pk, soon.pk]
    assert ids(cadre=cadre_a.pk, **{"from": "2026-09-23", "to": "2026-09-23"}) == [done.pk]
    assert ids(status="overdue") == [late.pk]
    assert ids(status="done") == [done.pk]
    assert ids(kind="birthday") == [soon.pk]


@pytest.mark.parametrize("params", [{"from": "2026-13-01"}, {"status": "late"}, {"kind": "wedding"}])
def test_it_rejects_bad_filters_with_422(cast: Any, api_as: Any, params: dict) -> None:
    assert api_as(cast.community_a).get("/visit-tasks", params).status_code == 422


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_lists_nothing_of_community_a_to_outsiders(cadre_a: Any, cast: Any, api_as: Any, who: str) -> None:
    make_task(cadre_a, TODAY)
    if who == "volunteer":  # no staff agenda at all
        assert api_as(cast.volunteer).get("/visit-tasks", {"cadre": cadre_a.pk}).status_code == 404
        return
    assert api_as(getattr(cast, who)).get("/visit-tasks", {"cadre": cadre_a.pk}).json() == {
        "count": 0,
        "items": [],
    }


def test_it_needs_a_token(client: Any) -> None:
    assert client.get("/api/v1/visit-tasks").status_code == 401


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_in_constant_queries(
    n: int, tree: Any, cast: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    for cadre in make_cadres(n, tree.community_a, cast.community_a):
        make_task(cadre, TODAY)
    api = api_as(cast.community_a)
    with django_assert_max_num_queries(5):
        assert api.get("/visit-tasks").json()["count"] == n


# ---------------------------------------------------------------- POST /cadres/{id}/events


def test_it_records_an_event_and_returns_its_tasks(cadre_a: Any, cast: Any, api_as: Any) -> None:
    response = api_as(cast.community_a).post(
        f"/cadres/{cadre_a.pk}/events", {"kind": "hospitalised", "date": "2026-09-22", "note": "心内科"}
    )
    assert response.status_code == 201
    body = response.json()
    task = VisitTask.objects.get(cadre=cadre_a, kind=HOSPITAL.code)
    assert body == {
        "id": CadreEvent.objects.get().pk,
        "cadre": cadre_a.pk,
        "kind": "hospitalised",
        "date": "2026-09-22",
        "note": "心内科",
        "tasks": [task.pk],
    }


def test_it_records_a_death_without_asking_twice(cadre_a: Any, cast: Any, api_as: Any) -> None:
    response = api_as(cast.community_a).post(
        f"/cadres/{cadre_a.pk}/events", {"kind": "death", "date": "2026-09-22"}
    )
    assert response.status_code == 201
    cadre_a.refresh_from_db()
    assert cadre_a.status == CadreStatus.DECEASED
    [task_id] = response.json()["tasks"]
    assert VisitTask.objects.get(pk=task_id).kind == CONDOLENCE.code


@pytest.mark.parametrize(
    "body",
    [{"kind": "wedding", "date": "2026-09-22"}, {"kind": "special", "date": "昨天"}, {"kind": "special"}],
)
def test_it_rejects_bad_events_with_422(cadre_a: Any, cast: Any, api_as: Any, body: dict) -> None:
    assert api_as(cast.community_a).post(f"/cadres/{cadre_a.pk}/events", body).status_code == 422
    assert not CadreEvent.objects.exists()


def test_it_answers_403_to_those_who_may_not_manage_cadres(cadre_a: Any, cast: Any, api_as: Any) -> None:
    response = api_as(cast.city).post(
        f"/cadres/{cadre_a.pk}/events", {"kind": "special", "date": "2026-09-22"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_answers_404_for_a_cadre_out_of_scope(cadre_a: Any, cast: Any, api_as: Any, who: str) -> None:
    response = api_as(getattr(cast, who)).post(
        f"/cadres/{cadre_a.pk}/events", {"kind": "special", "date": "2026-09-22"}
    )
    assert response.status_code == 404 and response.json() == {"detail": "没有找到"}
    assert not CadreEvent.objects.exists()


# ---------------------------------------------------------------- POST /visit-tasks/{id}/records


def test_it_records_a_visit(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY)
    response = api_as(cast.community_a).post(
        f"/visit-tasks/{task.pk}/records",
        {"form": "phone", "gifts": "鲜花", "money": "200", "needs": "想参加合唱团"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["task"] == task.pk and body["task_status"] == "done"
    assert (body["visited_on"], body["visitors"], body["form"], body["money"]) == (
        "2026-09-23",
        "worker-a",
        "phone",
        "200.00",
    )
    assert VisitRecord.objects.get().recorded_by == cast.community_a


def test_it_marks_a_visit_for_the_work_reports_stories(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY)
    payload = {"findings": "老人为楼栋加装扶手出谋划策", "for_reports": True}
    assert api_as(cast.community_a).post(f"/visit-tasks/{task.pk}/records", payload).status_code == 201
    assert VisitRecord.objects.get().for_reports


def test_it_keeps_the_task_open_after_nobody_home(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY)
    body = api_as(cast.community_a).post(f"/visit-tasks/{task.pk}/records", {"outcome": "nobody_home"}).json()
    assert body["task_status"] == "open"


def test_it_answers_409_to_a_second_completion(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY)
    api = api_as(cast.community_a)
    assert api.post(f"/visit-tasks/{task.pk}/records", {}).status_code == 201
    again = api.post(f"/visit-tasks/{task.pk}/records", {})
    assert again.status_code == 409 and again.json() == {"detail": "该任务已由他人完成"}
    assert VisitRecord.objects.count() == 1


def test_it_answers_409_for_a_cancelled_task(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY, status=TaskStatus.CANCELLED)
    response = api_as(cast.community_a).post(f"/visit-tasks/{task.pk}/records", {})
    assert response.status_code == 409 and "取消" in response.json()["detail"]


def test_it_validates_records_like_the_page(cadre_a: Any, cast: Any, api_as: Any) -> None:
    task = make_task(cadre_a, TODAY)
    response = api_as(cast.community_a).post(f"/visit-tasks/{task.pk}/records", {"visited_on": "2026-09-24"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "走访日期不能晚于今天"


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_answers_404_for_a_task_out_of_scope(cadre_a: Any, cast: Any, api_as: Any, who: str) -> None:
    task = make_task(cadre_a, TODAY)
    response = api_as(getattr(cast, who)).post(f"/visit-tasks/{task.pk}/records", {})
    assert response.status_code == 404 and response.json() == {"detail": "没有找到"}
    assert not VisitRecord.objects.exists()
