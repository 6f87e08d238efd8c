"""Results pages, exports, the needs → plan action and the API: shapes, scope, audit, query pins."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.plans.models import PlanService, ServicePlan

from .results_fixtures import make_cadres, make_survey, respond, respond_many, target


@pytest.fixture
def district_survey(tree: Any, cadre_a: Any) -> Any:
    survey = make_survey(tree.district)
    target(survey, [cadre_a])
    respond(
        survey, cadre_a, {"learning": 0, "worries": [0, 1], "needs": [0, 2], "remarks": '=HYPERLINK("x")'}
    )
    respond_many(survey, tree.community_b, [{"learning": 1, "needs": [0]}, {"learning": 1}])
    return survey


def test_it_shows_the_results_page_with_bars_and_the_paragraph(
    district_survey: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.district)
    with django_assert_max_num_queries(22):
        page = client.get(f"/surveys/results/{district_survey.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<meter" in body and "复制段落" in body
    assert "全区离退休干部中，33.3%的老干部希望参加各类知识的学习" in body
    assert "?unit=421102001" in body and "?unit=421102001001" not in body  # the district's child: the street


def test_it_shows_a_community_worker_their_community_only(
    district_survey: Any, cast: Any, client_for: Any
) -> None:
    client = client_for(cast.community_a)
    body = client.get(f"/surveys/results/{district_survey.pk}/").content.decode()
    assert "本社区离退休干部中，100.0%的老干部希望参加各类知识的学习" in body
    assert client.get(f"/surveys/results/{district_survey.pk}/?unit=421102001002").status_code == 404


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_refuses_outsiders_a_community_survey(
    tree: Any, cast: Any, client_for: Any, api_as: Any, who: str
) -> None:
    survey = make_survey(tree.community_a)
    user = getattr(cast, who)
    for url in ("", "export.csv", "export.xlsx", "respondents.xlsx", "needs/?need=0"):
        assert client_for(user).get(f"/surveys/results/{survey.pk}/{url}").status_code == 404
    assert api_as(user).get(f"/surveys/{survey.pk}/results").status_code == 404
    assert api_as(user).get(f"/surveys/{survey.pk}/paragraph").status_code == 404


def test_it_exports_the_table_formula_safe(district_survey: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.district)
    csv = client.get(f"/surveys/results/{district_survey.pk}/export.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "题号,题目,题型,作答人数,选项,人数,占比(%),平均分"
    assert "1,您是否希望参加各类知识的学习？,单选,3,希望,1,33.3," in csv
    xlsx = client.get(f"/surveys/results/{district_survey.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["E2"].value == "希望" and sheet["G2"].value == 33.3


def test_it_exports_respondents_masked_and_audited(
    district_survey: Any, cast: Any, client_for: Any, cadre_a: Any
) -> None:
    response = client_for(cast.community_a).get(f"/surveys/results/{district_survey.pk}/respondents.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "老干部", "社区", "身份证号", "联系电话")
    assert len(rows) == 2  # community A's one response only
    assert rows[1][1] == "张德明"
    assert cadre_a.id_number not in rows[1] and cadre_a.phone_mobile not in rows[1]
    assert "138****4567" in rows[1] or any(str(v).startswith("138") and "*" in str(v) for v in rows[1])
    remarks = rows[1][-1]
    assert remarks == '=HYPERLINK("x")'
    assert sheet.cell(row=2, column=len(rows[1])).data_type == "s"  # text, never a formula
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.cadre_id == cadre_a.pk and "答卷明细" in event.detail
    # A district user has no view_sensitive: no number columns at all.
    rows = list(
        load_workbook(
            io.BytesIO(
                client_for(cast.district)
                .get(f"/surveys/results/{district_survey.pk}/respondents.xlsx")
                .content
            )
        ).active.iter_rows(values_only=True)
    )
    assert rows[0][3] == "类别" and len(rows) == 4


def test_it_turns_a_need_into_plan_items_once(
    district_survey: Any, cast: Any, client_for: Any, cadre_a: Any
) -> None:
    client = client_for(cast.street)
    url = f"/surveys/results/{district_survey.pk}/needs/?unit=421102001&need=0"
    page = client.get(url)
    assert page.status_code == 200 and "张德明" in page.content.decode()
    respondents = [r.cadre_id for r in page.context["page"]]
    assert len(respondents) == 2
    client.post(url, {"cadre": respondents}, follow=True)
    assert ServicePlan.objects.count() == 2
    assert PlanService.objects.filter(what="上门巡诊", active=True).count() == 2
    again = client.post(url, {"cadre": respondents}, follow=True)
    assert "0 位老干部" in again.content.decode() and "2 位已有该服务" in again.content.decode()
    assert PlanService.objects.count() == 2
    assert AuditEvent.objects.filter(subject_type="plans.serviceplan", action=AuditAction.CREATE).count() == 2


def test_it_adds_the_need_to_an_existing_plan(
    district_survey: Any, cast: Any, client_for: Any, cadre_a: Any
) -> None:
    from datetime import date

    plan = ServicePlan.objects.create(cadre=cadre_a, needs="理发")
    PlanService.objects.create(plan=plan, what="上门理发", start_date=date(2026, 1, 1))
    url = f"/surveys/results/{district_survey.pk}/needs/?need=0"
    client_for(cast.community_a).post(url, {"cadre": [cadre_a.pk]})
    assert sorted(plan.items.values_list("what", flat=True)) == ["上门巡诊", "上门理发"]
    assert ServicePlan.objects.count() == 1


def test_it_refuses_the_plan_action_without_manage_cadres(
    district_survey: Any, cast: Any, client_for: Any
) -> None:
    url = f"/surveys/results/{district_survey.pk}/needs/?need=0"
    assert client_for(cast.city).post(url, {"cadre": [1]}).status_code == 403
    assert ServicePlan.objects.count() == 0


def test_it_answers_the_api_in_the_documented_shape(district_survey: Any, cast: Any, api_as: Any) -> None:
    body = api_as(cast.district).get(f"/surveys/{district_survey.pk}/results").json()
    assert set(body) == {"survey", "unit", "responses", "targets", "response_rate", "questions"}
    assert (body["unit"], body["responses"], body["targets"], body["response_rate"]) == (
        "421102",
        3,
        3,
        100.0,
    )
    learning = body["questions"][0]
    assert set(learning) == {"id", "code", "kind", "text", "n", "choices"}
    assert learning["n"] == 3
    assert learning["choices"][0] == {"index": 0, "text": "希望", "count": 1, "share": 33.3}
    filtered = api_as(cast.district).get(f"/surveys/{district_survey.pk}/results", {"unit": "421102001001"})
    assert filtered.json()["responses"] == 1
    assert (
        api_as(cast.district).get(f"/surveys/{district_survey.pk}/results", {"unit": "421181"}).status_code
        == 404
    )
    text = api_as(cast.community_a).get(f"/surveys/{district_survey.pk}/paragraph").json()["text"]
    assert text.startswith("本社区离退休干部中，100.0%")


def test_it_gives_the_mean_of_scale_questions_in_the_api(tree: Any, cast: Any, api_as: Any) -> None:
    survey = make_survey(tree.street, "satisfaction")
    respond_many(survey, tree.community_a, [{"visits": 4}, {"visits": 5}])
    target(survey, make_cadres(tree.community_a, 2))
    body = api_as(cast.street).get(f"/surveys/{survey.pk}/results").json()
    visits = next(q for q in body["questions"] if q["code"] == "visits")
    assert visits["mean"] == 4.5 and visits["n"] == 2 and len(visits["choices"]) == 5
    assert body["response_rate"] == 50.0
    assert api_as(cast.street).get(f"/surveys/{survey.pk}/paragraph").json() == {"text": ""}
