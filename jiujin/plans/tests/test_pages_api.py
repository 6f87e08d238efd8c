"""The plan page, its phone form, the review, and GET/PUT /api/v1/cadres/{id}/plan: scoping, audit, errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.plans.models import PlanService, ServicePlan
from jiujin.plans.services import plan_create
from jiujin.plans.task_kinds import PLAN_SERVICE
from jiujin.tasks.models import VisitTask
from jiujin.volunteers.models import Volunteer

from .conftest import TODAY, actor

pytestmark = pytest.mark.django_db


def form_data(items: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    data = {
        "needs": "独居",
        "need_tags": ["助餐"],
        "other_tags": "陪聊",
        "review_date": "2026-12-01",
    } | fields
    data |= {"form-TOTAL_FORMS": str(len(items)), "form-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        data |= {f"form-{n}-{k}": v for k, v in item.items()}
    return data


SERVICE = {
    "what": "上门理发",
    "every": "1",
    "unit": "month",
    "responsible": "",
    "start_date": TODAY.isoformat(),
    "active": "on",
}


def test_it_creates_a_plan_from_the_phone_form(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    url = f"/plans/cadres/{cadre_a.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data([SERVICE]))
    assert response.status_code == 302
    plan = ServicePlan.objects.get(cadre=cadre_a)
    assert plan.need_tags == ["助餐", "陪聊"] and plan.items.get().what == "上门理发"
    assert VisitTask.objects.filter(cadre=cadre_a, kind=PLAN_SERVICE.code, due_date=TODAY).exists()
    page = client.get(f"/plans/cadres/{cadre_a.pk}/").content.decode()
    assert "上门理发" in page and "每月" in page
    assert AuditEvent.objects.filter(
        cadre_id=cadre_a.pk, action=AuditAction.VIEW, detail="查看个性化服务方案"
    ).exists()
    bad = client.post(url, form_data([SERVICE | {"every": "0"}]))
    assert bad.status_code == 200 and "确保该值大于或等于1" in bad.content.decode()


def test_it_records_a_review_from_the_plan_page(cadre_a: Any, cast: Any, client_for: Any) -> None:
    plan_create(
        actor=actor(cast.community_a), cadre=cadre_a, needs="", need_tags=[], review_date=TODAY, items=[]
    )
    client = client_for(cast.community_a)
    data = {
        "reviewed_on": TODAY.isoformat(),
        "next_review_date": (TODAY + timedelta(days=90)).isoformat(),
        "note": "继续",
    }
    assert client.post(f"/plans/cadres/{cadre_a.pk}/review/", data).status_code == 302
    assert ServicePlan.objects.get(cadre=cadre_a).review_date == TODAY + timedelta(days=90)


def test_it_scopes_every_plan_page(cadre_a: Any, cast: Any, client_for: Any) -> None:
    for outsider in (cast.community_b, cast.community_z, cast.volunteer):  # the volunteer is not paired
        client = client_for(outsider)
        assert client.get(f"/plans/cadres/{cadre_a.pk}/").status_code == 404
        assert client.get(f"/plans/cadres/{cadre_a.pk}/edit/").status_code == 404
        assert client.post(f"/plans/cadres/{cadre_a.pk}/edit/", form_data([SERVICE])).status_code == 404
        assert client.post(f"/plans/cadres/{cadre_a.pk}/review/", {}).status_code == 404
    assert (
        client_for(cast.city).get(f"/plans/cadres/{cadre_a.pk}/edit/").status_code == 403
    )  # sees, may not manage
    assert not ServicePlan.objects.exists()


def test_it_keeps_the_plan_page_queries_constant(
    cadre_a: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    plan = plan_create(
        actor=actor(cast.community_a), cadre=cadre_a, needs="", need_tags=[], review_date=None, items=[]
    )
    volunteer = Volunteer.objects.create(name="小李", phone="13900000001", community=cadre_a.community)
    client = client_for(cast.community_a)
    for n in (3, 30):
        PlanService.objects.bulk_create(
            PlanService(
                plan=plan,
                what=f"服务{i}",
                start_date=TODAY,
                worker=cast.community_a if i % 2 else None,
                volunteer=None if i % 2 else volunteer,
            )
            for i in range(n)
        )
        with django_assert_max_num_queries(14):
            assert client.get(f"/plans/cadres/{cadre_a.pk}/").status_code == 200
        with django_assert_max_num_queries(14):
            assert client.get(f"/plans/cadres/{cadre_a.pk}/edit/").status_code == 200


def test_api_gets_and_puts_the_plan(cadre_a: Any, cast: Any, tree: Any, api_as: Any) -> None:
    api = api_as(cast.community_a)
    empty = api.get(f"/cadres/{cadre_a.pk}/plan")
    assert empty.status_code == 200 and empty.json()["id"] is None and empty.json()["services"] == []
    volunteer = Volunteer.objects.create(name="小李", phone="13900000001", community=tree.community_a)
    body = {
        "needs": "独居，腿脚不便",
        "need_tags": ["上门理发", "读报"],
        "review_date": "2026-12-01",
        "services": [
            {
                "what": "上门理发",
                "every": 1,
                "unit": "month",
                "worker": "worker-a",
                "start_date": "2026-09-23",
            },
            {
                "what": "读报聊天",
                "every": 1,
                "unit": "week",
                "volunteer": volunteer.pk,
                "start_date": "2026-09-24",
            },
        ],
    }
    saved = api._send("put", f"/cadres/{cadre_a.pk}/plan", body)
    assert saved.status_code == 200, saved.content
    out = saved.json()
    assert out["need_tags"] == ["上门理发", "读报"]
    assert [(s["what"], s["worker"], s["volunteer"]) for s in out["services"]] == [
        ("上门理发", "worker-a", None),
        ("读报聊天", None, volunteer.pk),
    ]
    # PUT replaces: a service left out stops, one sent with its id is edited.
    first = out["services"][0]
    again = api._send("put", f"/cadres/{cadre_a.pk}/plan", body | {"services": [first | {"every": 2}]}).json()
    assert [(s["every"], s["active"]) for s in again["services"]] == [(2, True), (1, False)]
    assert api.get(f"/cadres/{cadre_a.pk}/plan").json()["services"][0]["every"] == 2


def test_api_validates_with_chinese_messages(cadre_a: Any, cast: Any, api_as: Any) -> None:
    api = api_as(cast.community_a)
    body = {
        "services": [
            {"what": "理发", "every": 1, "unit": "week", "worker": "worker-z", "start_date": "2026-09-23"}
        ]
    }
    response = api._send("put", f"/cadres/{cadre_a.pk}/plan", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body.services.0", "responsible"] and "选择" in detail[0]["msg"]
    bad_date = api._send("put", f"/cadres/{cadre_a.pk}/plan", {"review_date": "明天"})
    assert bad_date.status_code == 422 and bad_date.json()["detail"][0]["loc"] == ["body", "review_date"]


def test_api_scopes_the_plan(cadre_a: Any, cast: Any, api_as: Any) -> None:
    for outsider in (cast.community_b, cast.community_z, cast.volunteer):
        api = api_as(outsider)
        assert api.get(f"/cadres/{cadre_a.pk}/plan").json() == {"detail": "没有找到"}
        response = api._send("put", f"/cadres/{cadre_a.pk}/plan", {"needs": "x"})
        assert response.status_code == 404 and response.json() == {"detail": "没有找到"}
    assert api_as(cast.city)._send("put", f"/cadres/{cadre_a.pk}/plan", {"needs": "x"}).status_code == 403
    assert not ServicePlan.objects.exists()
    assert (
        not AuditEvent.objects.filter(user__in=[cast.community_b, cast.community_z, cast.volunteer])
        .exclude(action=AuditAction.DENIED)
        .exists()
    )
