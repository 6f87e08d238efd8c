"""/api/v1/cadres/{id}/health: scoped, permitted and audited like the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import CadreStatus
from jiujin.health.models import (
    CheckUp,
    Condition,
    HealthCampaign,
    HealthProfile,
    HospitalStay,
    MedicalRoundSchedule,
)
from jiujin.tasks.models import VisitTask
from jiujin.visits.models import CadreEvent
from jiujin.visits.task_kinds import HOSPITAL

from .conftest import TODAY

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/cadres/{pk}/health", None),
    ("post", "/cadres/{pk}/health/checkups", {"date": "2026-03-18", "place": "服务站"}),
    ("post", "/cadres/{pk}/health/conditions", {"name": "高血压"}),
    ("post", "/cadres/{pk}/health/medications", {"name": "阿司匹林"}),
    ("post", "/cadres/{pk}/health/hospital-stays", {"hospital": "医院", "admitted_on": "2026-03-18"}),
]


def call(api: Any, method: str, path: str, body: Any) -> Any:
    return api.get(path) if method == "get" else api.post(path, body)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_it_answers_404_out_of_scope_then_403_without_view_health(
    method: str, path: str, body: Any, cadre_a: Any, cast: Any, api_as: Any
) -> None:
    url = path.format(pk=cadre_a.pk)
    for user in (cast.community_b, cast.community_z, cast.volunteer):
        response = call(api_as(user), method, url, body)
        assert (response.status_code, response.json()) == (404, {"detail": "没有找到"})
    for user in (cast.street, cast.district):
        response = call(api_as(user), method, url, body)
        assert (response.status_code, response.json()) == (403, {"detail": "没有查看健康档案的权限"})
    assert not AuditEvent.objects.filter(cadre_id=cadre_a.pk).exists()
    assert not CheckUp.objects.exists() and not Condition.objects.exists() and not CadreEvent.objects.exists()


def test_a_paired_volunteer_gets_404(cadre_a: Any, cast: Any, api_as: Any, paired: Any) -> None:
    assert api_as(cast.volunteer).get(f"/cadres/{cadre_a.pk}/health").status_code == 404


def test_it_returns_the_whole_record_and_logs_the_view(
    cadre_a: Any, tree: Any, cast: Any, api_as: Any
) -> None:
    HealthProfile.objects.create(cadre=cadre_a, blood_type="B", care_level="disabled", nursing_grade="first")
    Condition.objects.create(cadre=cadre_a, name="糖尿病")
    CheckUp.objects.create(
        cadre=cadre_a, date=TODAY, place="服务站", systolic=130, diastolic=80, blood_sugar="7.2"
    )
    MedicalRoundSchedule.objects.create(
        cadre=cadre_a, every=1, unit="week", provider="李医生", next_date=TODAY - timedelta(days=1)
    )
    lecture = HealthCampaign.objects.create(
        kind="lecture", title="讲座", date=TODAY, org_unit=tree.community_a
    )
    lecture.attendees.add(cadre_a)
    response = api_as(cast.community_a).get(f"/cadres/{cadre_a.pk}/health")
    assert response.status_code == 200
    body = response.json()
    assert body["cadre"] == cadre_a.pk
    assert body["profile"]["care_level"] == "disabled" and body["profile"]["nursing_grade"] == "first"
    assert [c["name"] for c in body["conditions"]] == ["糖尿病"]
    assert body["checkups"][0] | {"id": 0} == {
        "id": 0,
        "date": "2026-03-18",
        "place": "服务站",
        "systolic": 130,
        "diastolic": 80,
        "blood_sugar": "7.2",
        "heart_rate": None,
        "weight": None,
        "results": "",
    }
    assert body["medical_rounds"][0]["upcoming"] == "2026-03-24"
    assert body["campaigns"] == [
        {
            "id": lecture.pk,
            "kind": "lecture",
            "title": "讲座",
            "date": "2026-03-18",
            "org_unit": "421102001001",
        }
    ]
    assert body["hospital_stays"] == [] and body["medications"] == []
    [view] = AuditEvent.objects.filter(cadre_id=cadre_a.pk)
    assert (view.action, view.detail, view.via, view.user) == (
        "view",
        "查看健康档案",
        "api",
        cast.community_a,
    )


def test_it_creates_a_checkup_validated_by_the_page_form(cadre_a: Any, cast: Any, api_as: Any) -> None:
    api = api_as(cast.community_a)
    bad = api.post(
        f"/cadres/{cadre_a.pk}/health/checkups", {"date": "2026-03-19", "place": "服务站", "systolic": 140}
    )
    assert bad.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in bad.json()["detail"]}
    assert messages == {
        ("body", "date"): "体检日期不能晚于今天",
        ("body", "diastolic"): "血压请同时填写收缩压和舒张压",
    }
    ok = api.post(
        f"/cadres/{cadre_a.pk}/health/checkups",
        {"date": "2026-03-18", "place": "服务站", "systolic": 140, "diastolic": 85, "blood_sugar": "6.1"},
    )
    assert ok.status_code == 201
    assert ok.json() | {"id": 0} == {
        "id": 0,
        "date": "2026-03-18",
        "place": "服务站",
        "systolic": 140,
        "diastolic": 85,
        "blood_sugar": "6.1",
        "heart_rate": None,
        "weight": None,
        "results": "",
    }
    write = AuditEvent.objects.get(cadre_id=cadre_a.pk)
    assert (write.action, write.via, write.detail) == ("create", "api", "健康档案：新增体检记录")
    assert write.changes["systolic"] == [None, 140]


def test_it_creates_conditions_and_medications(cadre_a: Any, cast: Any, api_as: Any) -> None:
    api = api_as(cast.community_a)
    response = api.post(
        f"/cadres/{cadre_a.pk}/health/conditions", {"name": "慢阻肺", "diagnosed_on": "2019-05-01"}
    )
    assert response.status_code == 201 and response.json()["diagnosed_on"] == "2019-05-01"
    response = api.post(
        f"/cadres/{cadre_a.pk}/health/medications",
        {"name": "沙美特罗", "dose": "1吸", "frequency": "每日两次"},
    )
    assert response.status_code == 201 and response.json()["active"] is True
    assert api.post(f"/cadres/{cadre_a.pk}/health/conditions", {"name": ""}).status_code == 422


def test_a_hospital_stay_creates_the_event_and_a_visit_due_in_3_days(
    cadre_a: Any, cast: Any, api_as: Any
) -> None:
    response = api_as(cast.community_a).post(
        f"/cadres/{cadre_a.pk}/health/hospital-stays",
        {
            "hospital": "黄冈市中心医院",
            "ward": "呼吸科",
            "admitted_on": "2026-03-17",
            "diagnosis": "肺部感染",
        },
    )
    assert response.status_code == 201
    body = response.json()
    event = CadreEvent.objects.get()
    task = VisitTask.objects.get()
    assert (body["event"], body["visit_tasks"]) == (event.pk, [task.pk])
    assert (event.kind, event.note) == ("hospitalised", "黄冈市中心医院 呼吸科")
    assert (task.kind, task.due_date, task.event) == (HOSPITAL.code, TODAY + timedelta(days=2), event)
    assert HospitalStay.objects.get().event == event


def test_a_stay_of_a_closed_file_is_a_conflict(cadre_a: Any, cast: Any, api_as: Any) -> None:
    cadre_a.status = CadreStatus.DECEASED
    cadre_a.save(update_fields=["status"])
    response = api_as(cast.community_a).post(
        f"/cadres/{cadre_a.pk}/health/hospital-stays", {"hospital": "医院", "admitted_on": "2026-03-10"}
    )
    assert (response.status_code, response.json()) == (409, {"detail": "该老干部已去世，不能登记事件"})
    assert not HospitalStay.objects.exists()


def test_the_record_takes_constant_queries(
    cadre_a: Any, cast: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    api = api_as(cast.community_a)

    def fill(n: int) -> None:
        for i in range(n):
            CheckUp.objects.create(cadre=cadre_a, date=TODAY - timedelta(days=i), place="服务站")
            api.post(
                f"/cadres/{cadre_a.pk}/health/hospital-stays",
                {"hospital": "医院", "admitted_on": (TODAY - timedelta(days=i)).isoformat()},
            )

    fill(3)
    with django_assert_max_num_queries(14):
        assert api.get(f"/cadres/{cadre_a.pk}/health").status_code == 200
    fill(27)
    with django_assert_max_num_queries(14):
        assert api.get(f"/cadres/{cadre_a.pk}/health").status_code == 200
