"""The health record pages: who may see them, the audit row of every view, and the htmx forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from jiujin.audit.models import AuditEvent
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.health.models import CheckUp, Condition, HealthProfile, HospitalStay, Medication
from jiujin.tasks.models import VisitTask
from jiujin.visits.models import CadreEvent
from jiujin.visits.task_kinds import HOSPITAL

from .conftest import HTMX, TODAY

pytestmark = pytest.mark.django_db


def views_of(cadre: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(cadre_id=cadre.pk, action="view"))


# ---------------------------------------------------------------- permission and scope


PAGES = [
    "/health/cadres/{pk}/",
    "/health/cadres/{pk}/profile/",
    "/health/cadres/{pk}/sections/checkups/",
    "/health/cadres/{pk}/checkups/new/",
]


@pytest.mark.parametrize("url", PAGES)
def test_it_forbids_users_without_view_health(url: str, cadre_a: Any, cast: Any, client_for: Any) -> None:
    for user in (cast.street, cast.district, cast.city):
        assert client_for(user).get(url.format(pk=cadre_a.pk)).status_code == 403
    assert views_of(cadre_a) == []


@pytest.mark.parametrize("url", PAGES)
def test_it_answers_404_out_of_scope_before_403(url: str, cadre_a: Any, cast: Any, client_for: Any) -> None:
    for user in (cast.community_b, cast.community_z, cast.volunteer):  # the volunteer is not paired
        assert client_for(user).get(url.format(pk=cadre_a.pk)).status_code == 404
    assert client_for(cast.community_a).get(url.format(pk=999999)).status_code == 404
    assert views_of(cadre_a) == []


def test_it_forbids_a_paired_volunteer(cadre_a: Any, cast: Any, client_for: Any, paired: Any) -> None:
    # In scope now (paired), so no longer 404 — but volunteers have no view_health.
    assert client_for(cast.volunteer).get(f"/health/cadres/{cadre_a.pk}/").status_code == 404


def test_it_refuses_writes_without_permission(cadre_a: Any, cast: Any, client_for: Any) -> None:
    data = {"date": TODAY.isoformat(), "place": "社区卫生服务站"}
    assert client_for(cast.street).post(f"/health/cadres/{cadre_a.pk}/checkups/new/", data).status_code == 403
    assert (
        client_for(cast.community_b).post(f"/health/cadres/{cadre_a.pk}/checkups/new/", data).status_code
        == 404
    )
    assert not CheckUp.objects.exists()


# ---------------------------------------------------------------- viewing


def test_it_shows_the_whole_record_and_logs_the_view(cadre_a: Any, cast: Any, client_for: Any) -> None:
    HealthProfile.objects.create(cadre=cadre_a, blood_type="A", allergies="青霉素", care_level="partial")
    Condition.objects.create(cadre=cadre_a, name="高血压")
    Medication.objects.create(cadre=cadre_a, name="氨氯地平", dose="5mg", frequency="每日一次")
    CheckUp.objects.create(cadre=cadre_a, date=TODAY, place="东湖卫生服务站", systolic=150, diastolic=90)
    HospitalStay.objects.create(cadre=cadre_a, hospital="黄冈市中心医院", admitted_on=TODAY, diagnosis="肺炎")
    page = client_for(cast.community_a).get(f"/health/cadres/{cadre_a.pk}/").content.decode()
    for text in (
        "青霉素",
        "半失能",
        "高血压",
        "氨氯地平",
        "5mg 每日一次",
        "150/90",
        "黄冈市中心医院",
        "肺炎",
    ):
        assert text in page
    [view] = views_of(cadre_a)
    assert (view.user, view.detail, view.via) == (cast.community_a, "查看健康档案", "web")


def test_it_logs_a_view_for_every_page_showing_health_data(cadre_a: Any, cast: Any, client_for: Any) -> None:
    checkup = CheckUp.objects.create(cadre=cadre_a, date=TODAY, place="服务站")
    client = client_for(cast.community_a)
    for url in (
        f"/health/cadres/{cadre_a.pk}/",
        f"/health/cadres/{cadre_a.pk}/profile/",
        f"/health/cadres/{cadre_a.pk}/sections/checkups/",
        f"/health/cadres/{cadre_a.pk}/checkups/{checkup.pk}/",
    ):
        assert client.get(url, headers=HTMX).status_code == 200
    assert len(views_of(cadre_a)) == 4


def test_it_keeps_health_details_off_the_cadre_page(cadre_a: Any, cast: Any, client_for: Any) -> None:
    HealthProfile.objects.create(cadre=cadre_a, allergies="青霉素")
    Condition.objects.create(cadre=cadre_a, name="阿尔茨海默病")
    page = client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/").content.decode()
    # Only the 慢性病 (their one home is here) show there, and only to readers with view_health.
    assert "青霉素" not in page and "阿尔茨海默病" in page
    street = client_for(cast.street).get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert "青霉素" not in street and "阿尔茨海默病" not in street


def test_it_reads_the_record_in_constant_queries(
    cadre_a: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)

    def fill(n: int) -> None:
        for i in range(n):
            CheckUp.objects.create(cadre=cadre_a, date=TODAY - timedelta(days=i), place="服务站")
            Condition.objects.create(cadre=cadre_a, name=f"病{i}")
            Medication.objects.create(cadre=cadre_a, name=f"药{i}")
            HospitalStay.objects.create(cadre=cadre_a, hospital="医院", admitted_on=TODAY - timedelta(days=i))

    fill(3)
    with django_assert_max_num_queries(16):
        assert client.get(f"/health/cadres/{cadre_a.pk}/").status_code == 200
    fill(27)
    with django_assert_max_num_queries(16):
        assert client.get(f"/health/cadres/{cadre_a.pk}/").status_code == 200


# ---------------------------------------------------------------- writing


def test_it_saves_the_profile_and_audits_before_and_after(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    url = f"/health/cadres/{cadre_a.pk}/profile/"
    response = client.post(url, {"blood_type": "O", "care_level": "self", "allergies": ""}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#health-profile"
    assert "已保存基本健康信息" in response.content.decode()
    client.post(url, {"blood_type": "O", "care_level": "partial", "allergies": "青霉素"}, headers=HTMX)
    profile = HealthProfile.objects.get(cadre=cadre_a)
    assert (profile.care_level, profile.allergies, profile.updated_by) == (
        "partial",
        "青霉素",
        cast.community_a,
    )
    create, update = AuditEvent.objects.filter(cadre_id=cadre_a.pk).exclude(action="view").order_by("id")
    assert create.action == "create" and create.changes["blood_type"] == [None, "O"]
    assert update.action == "update"
    assert update.changes == {"care_level": ["self", "partial"], "allergies": ["", "青霉素"]}


def test_it_adds_and_edits_a_checkup_with_htmx(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    form = client.get(f"/health/cadres/{cadre_a.pk}/checkups/new/", headers=HTMX).content.decode()
    assert 'hx-post="/health/cadres/' in form and "<html" not in form
    data = {
        "date": TODAY.isoformat(),
        "place": "东湖卫生服务站",
        "systolic": "145",
        "diastolic": "88",
        "blood_sugar": "6.8",
        "results": "血压偏高，建议复查",
    }
    response = client.post(f"/health/cadres/{cadre_a.pk}/checkups/new/", data, headers=HTMX)
    assert response["HX-Retarget"] == "#health-checkups"
    assert "145/88" in response.content.decode()
    checkup = CheckUp.objects.get()
    assert (checkup.recorded_by, str(checkup.blood_sugar)) == (cast.community_a, "6.8")
    client.post(
        f"/health/cadres/{cadre_a.pk}/checkups/{checkup.pk}/", data | {"systolic": "135"}, headers=HTMX
    )
    checkup.refresh_from_db()
    assert checkup.systolic == 135
    edit = AuditEvent.objects.filter(cadre_id=cadre_a.pk, action="update").get()
    assert edit.changes == {"systolic": [145, 135]} and edit.detail == "健康档案：修改体检记录"


def test_it_rejects_implausible_values_in_chinese(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    data = {
        "date": (TODAY + timedelta(days=1)).isoformat(),
        "place": "服务站",
        "systolic": "80",
        "diastolic": "90",
    }
    page = client.post(f"/health/cadres/{cadre_a.pk}/checkups/new/", data, headers=HTMX).content.decode()
    assert "体检日期不能晚于今天" in page and "舒张压应低于收缩压" in page
    assert "HX-Retarget" not in client.post(f"/health/cadres/{cadre_a.pk}/checkups/new/", data, headers=HTMX)
    assert not CheckUp.objects.exists()


def test_it_cannot_edit_another_cadres_row_through_this_cadre(
    cadre_a: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    other = CadreFactory(community=tree.community_a)
    condition = Condition.objects.create(cadre=other, name="糖尿病")
    url = f"/health/cadres/{cadre_a.pk}/conditions/{condition.pk}/"
    assert client_for(cast.community_a).post(url, {"name": "改了"}).status_code == 404


def test_it_works_without_htmx(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    page = client.get(f"/health/cadres/{cadre_a.pk}/medications/new/").content.decode()
    assert "<html" in page and "hx-post" not in page
    response = client.post(
        f"/health/cadres/{cadre_a.pk}/medications/new/", {"name": "二甲双胍", "active": "on"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#health-conditions")
    assert Medication.objects.get().active


# ---------------------------------------------------------------- hospital stays → 住院 event


def test_it_records_a_stay_with_the_hospital_event_and_a_visit_due_in_3_days(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    client = client_for(cast.community_a)
    data = {
        "hospital": "黄冈市中心医院",
        "ward": "心内科3病区",
        "admitted_on": TODAY.isoformat(),
        "diagnosis": "冠心病",
    }
    response = client.post(f"/health/cadres/{cadre_a.pk}/stays/new/", data, headers=HTMX)
    assert "已生成住院探视任务" in response.content.decode()
    stay = HospitalStay.objects.get()
    event = CadreEvent.objects.get()
    assert stay.event == event and (event.kind, event.date) == ("hospitalised", TODAY)
    assert "冠心病" not in event.note  # events show on visit pages, which need no view_health
    task = VisitTask.objects.get(event=event)
    assert task.kind == HOSPITAL.code and task.due_date == TODAY + timedelta(days=3)
    assert task.assignee == cast.community_a
    agenda = client.get("/visits/").content.decode()
    assert f'id="task-{task.pk}"' in agenda


def test_it_records_a_past_stay_as_history_without_a_task(cadre_a: Any, cast: Any, client_for: Any) -> None:
    data = {"hospital": "医院", "admitted_on": "2024-01-05", "discharged_on": "2024-01-20", "history": "on"}
    client_for(cast.community_a).post(f"/health/cadres/{cadre_a.pk}/stays/new/", data, headers=HTMX)
    assert HospitalStay.objects.get().event is None
    assert not VisitTask.objects.exists()


def test_it_refuses_a_discharge_before_admission(cadre_a: Any, cast: Any, client_for: Any) -> None:
    data = {"hospital": "医院", "admitted_on": "2026-03-10", "discharged_on": "2026-03-01"}
    page = client_for(cast.community_a).post(f"/health/cadres/{cadre_a.pk}/stays/new/", data, headers=HTMX)
    assert "出院日期不能早于入院日期" in page.content.decode()
    assert not CadreEvent.objects.exists()
