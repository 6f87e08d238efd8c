"""The API: create from a template or with questions, record and replace responses, list; shapes, 422s, 404s."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.surveys.models import Response, Survey, SurveyStatus
from jiujin.tasks.models import VisitTask

from .conftest import TODAY
from .factories import make_survey, needs_answers, qid

pytestmark = pytest.mark.usefixtures("frozen")


def test_it_creates_a_running_survey_from_a_template(tree: Any, cast: Any, cadre_a: Any, api_as: Any) -> None:
    answer = api_as(cast.district).post(
        "/surveys", {"title": "2026年需求摸底", "unit": "421102", "template": "needs"}
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["title"] == "2026年需求摸底"
    assert body["status"] == "running" and body["starts_on"] == TODAY.isoformat()
    assert body["targets"] == 1
    first = body["questions"][0]
    assert set(first) >= {"id", "kind", "text", "choices"}
    assert (first["kind"], first["choices"]) == ("single", ["希望", "不希望", "说不清"])
    assert VisitTask.objects.filter(kind="survey", cadre=cadre_a).exists()


def test_it_creates_a_draft_with_questions_and_skip_logic(tree: Any, cast: Any, api_as: Any) -> None:
    questions = [
        {"kind": "single", "text": "居住情况", "choices": ["独居", "同住"], "code": "living"},
        {"kind": "text", "text": "找谁帮忙", "show_if": "living", "show_if_choices": ["独居"]},
        {"kind": "number", "text": "每周锻炼几次", "min_value": 0, "max_value": 21, "required": False},
    ]
    answer = api_as(cast.street).post(
        "/surveys", {"title": "独居情况", "unit": "421102001", "questions": questions, "draft": True}
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == "draft"
    living, helper, _ = body["questions"]
    assert (helper["show_if"], helper["show_if_choices"]) == (living["id"], [0])


def test_it_refuses_bad_questions_with_chinese_messages(tree: Any, cast: Any, api_as: Any) -> None:
    client = api_as(cast.district)
    bad = client.post(
        "/surveys",
        {
            "title": "坏",
            "unit": "421102",
            "questions": [{"kind": "single", "text": "是否", "choices": ["是"]}],
        },
    )
    assert bad.status_code == 422
    assert "第1题：选择题至少要有两个选项" in bad.json()["detail"][0]["msg"]
    forward = client.post(
        "/surveys",
        {"title": "坏", "unit": "421102", "questions": [{"kind": "text", "text": "甲", "show_if": "later"}]},
    )
    assert forward.status_code == 422
    neither = client.post("/surveys", {"title": "空", "unit": "421102"})
    assert neither.status_code == 422
    assert Survey.objects.count() == 0


def test_it_refuses_units_out_of_scope_and_callers_without_the_capability(
    tree: Any, cast: Any, api_as: Any
) -> None:
    body = {"title": "x", "unit": "421102", "template": "needs"}
    assert api_as(cast.community_z).post("/surveys", body).status_code == 404
    assert api_as(cast.city).post("/surveys", body).status_code == 403
    assert api_as(cast.volunteer).post("/surveys", body).status_code == 404


def test_it_records_then_replaces_a_response(tree: Any, cast: Any, cadre_a: Any, api_as: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    client = api_as(cast.community_a)
    answers = {str(k): v for k, v in needs_answers(survey).items()}
    answers[str(qid(survey, "learning"))] = 0  # by index
    first = client.post(f"/surveys/{survey.pk}/responses", {"cadre": cadre_a.pk, "answers": answers})
    assert first.status_code == 201, first.content
    assert first.json()["answers"][str(qid(survey, "learning"))] == "希望"
    assert first.json()["source"] == "api"
    answers[str(qid(survey, "learning"))] = "不希望"
    second = client.post(f"/surveys/{survey.pk}/responses", {"cadre": cadre_a.pk, "answers": answers})
    assert second.status_code == 200
    assert second.json()["replaced"] is True
    assert Response.objects.get().revisions.count() == 1


def test_it_answers_422_naming_the_question(tree: Any, cast: Any, cadre_a: Any, api_as: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    answers = {str(k): v for k, v in needs_answers(survey, living="独居").items()}
    answers[str(qid(survey, "culture"))] = "还行"
    bad = api_as(cast.community_a).post(
        f"/surveys/{survey.pk}/responses", {"cadre": cadre_a.pk, "answers": answers}
    )
    assert bad.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in bad.json()["detail"]}
    assert messages[("body", "answers", str(qid(survey, "culture")))] == (
        "第4题“您对自己的精神文化生活是否满意？”：“还行”不是本题的选项"
    )
    assert "必须回答" in messages[("body", "answers", str(qid(survey, "alone_help")))]
    unknown = api_as(cast.community_a).post(
        f"/surveys/{survey.pk}/responses", {"cadre": cadre_a.pk, "answers": {"999999": "x"}}
    )
    assert unknown.status_code == 422


def test_it_hides_surveys_and_cadres_out_of_scope(tree: Any, cast: Any, cadre_a: Any, api_as: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    body = {"cadre": cadre_a.pk, "answers": {str(k): v for k, v in needs_answers(survey).items()}}
    assert api_as(cast.community_b).post(f"/surveys/{survey.pk}/responses", body).status_code == 404
    assert api_as(cast.community_z).post(f"/surveys/{survey.pk}/responses", body).status_code == 404
    assert api_as(cast.community_z).get(f"/surveys/{survey.pk}").status_code == 404
    assert Response.objects.count() == 0


def test_it_lists_the_callers_surveys(tree: Any, cast: Any, cadre_a: Any, api_as: Any) -> None:
    make_survey(cast.district, tree.district)
    make_survey(cast.district, tree.district, start=False)
    listed = api_as(cast.community_a).get("/surveys", {"status": SurveyStatus.RUNNING})
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    item = listed.json()["items"][0]
    assert (item["targets"], item["responses"], item["unit"]) == (1, 0, "421102")
    assert api_as(cast.community_z).get("/surveys").json()["count"] == 0
