"""The pages: list, builder, start/close, filling in (from a task, a visit, the cadre page), a response's
history, and outsiders' 404s."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.surveys.models import Question, Response, Survey, SurveyStatus
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask
from jiujin.visits.tests.helpers import make_task

from .conftest import TODAY
from .factories import make_survey, needs_answers, qid

pytestmark = pytest.mark.usefixtures("frozen")


def fill_data(survey: Survey, cadre: Any, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"cadre": cadre.pk}
    for question_id, value in needs_answers(survey, **overrides).items():
        q = Question.objects.get(pk=question_id)
        data[f"q{question_id}"] = (
            [str(q.choices.index(v)) for v in value]
            if isinstance(value, list)
            else str(q.choices.index(value))
        )
    return data


def test_it_lists_the_surveys_with_progress_in_few_queries(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        make_survey(cast.district, tree.district)
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(12):
        page = client.get("/surveys/")
    assert page.status_code == 200
    assert page.content.decode().count('class="survey-progress">0/1<') == 5


def test_it_builds_a_survey_on_the_pages(tree: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.district)
    created = client.post(
        "/surveys/new/",
        {"unit": tree.district.pk, "template": "", "title": "老年大学意向", "audience": "all"},
    )
    survey = Survey.objects.get(title="老年大学意向")
    assert created.url == f"/surveys/{survey.pk}/"
    client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {"kind": "single", "text": "想报名吗", "choices": "想\n不想", "required": "on"},
    )
    first = survey.questions.get()
    bad = client.post(
        f"/surveys/{survey.pk}/questions/new/", {"kind": "single", "text": "哪门课", "choices": "书法"}
    )
    assert "至少要有两个选项" in bad.content.decode()
    client.post(
        f"/surveys/{survey.pk}/questions/new/",
        {"kind": "multiple", "text": "哪门课", "choices": "书法\n摄影", "condition": [f"{first.pk}:0"]},
    )
    second = survey.questions.get(position=2)
    assert (second.show_if, second.show_if_choices) == (first, [0])
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "添加题目" in page and "仅当第1题选 “想” 时询问" in page
    client.post(f"/surveys/{survey.pk}/start/")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.RUNNING
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "添加题目" not in page and "新版本" in page and "题目已锁定" in page
    assert client.get(f"/surveys/questions/{first.pk}/edit/").status_code == 302  # frozen: back to the survey
    copy = client.post(f"/surveys/{survey.pk}/new-version/")
    newest = Survey.objects.get(previous=survey)
    assert copy.url == f"/surveys/{newest.pk}/"


def test_it_refuses_running_a_survey_above_ones_unit_and_building_to_the_city(
    tree: Any, cast: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district, start=False)
    client = client_for(cast.community_a)
    assert client.get(f"/surveys/{survey.pk}/").status_code == 200  # sees the district's survey
    assert client.post(f"/surveys/{survey.pk}/start/").status_code == 404  # but does not run it
    assert client_for(cast.city).get("/surveys/new/").status_code == 403


def test_it_fills_the_survey_from_the_agenda_task(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    task = VisitTask.objects.get(kind="survey", cadre=cadre_a)
    client = client_for(cast.community_a)
    assert "填写问卷" in client.get("/visits/").content.decode()
    go = client.get(f"/surveys/tasks/{task.pk}/")
    assert go.url == f"/surveys/{survey.pk}/fill/?cadre={cadre_a.pk}"
    form = client.get(go.url).content.decode()
    assert f'data-show-if="q{qid(survey, "living")}" data-show-choices="2"' in form
    done = client.post(f"/surveys/{survey.pk}/fill/?cadre={cadre_a.pk}", fill_data(survey, cadre_a))
    response = Response.objects.get()
    assert done.url == f"/surveys/responses/{response.pk}/"
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_it_drops_a_skipped_answer_and_requires_an_asked_one(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    client = client_for(cast.community_a)
    url = f"/surveys/{survey.pk}/fill/"
    alone = qid(survey, "alone_help")
    page = client.post(url, fill_data(survey, cadre_a, living="独居"))
    assert "独居时遇到困难，您首先找谁？”：必须回答" in page.content.decode()
    assert Response.objects.count() == 0
    client.post(url, fill_data(survey, cadre_a) | {f"q{alone}": "1"})  # sent although skipped
    assert not Response.objects.get().answers.filter(question_id=alone).exists()


def test_it_offers_the_survey_after_a_visit_and_keeps_history(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    task = make_task(cadre_a, TODAY)
    client = client_for(cast.community_a)
    notice = client.post(
        f"/visits/tasks/{task.pk}/record/",
        {"visited_on": TODAY.isoformat(), "visitors": "王芳", "visit_form": "home", "outcome": "visited"},
        headers={"HX-Request": "true"},
    ).content.decode()
    record = VisitRecord.objects.get(task=task)
    link = f"/surveys/{survey.pk}/fill/?cadre={cadre_a.pk}&amp;visit={record.pk}"
    assert link in notice
    client.post(link.replace("&amp;", "&"), fill_data(survey, cadre_a))
    response = Response.objects.get()
    assert (response.source, response.visit_record) == ("visit", record)
    client.post(f"/surveys/{survey.pk}/fill/", fill_data(survey, cadre_a, learning="不希望"))
    page = client.get(f"/surveys/responses/{response.pk}/").content.decode()
    assert "修改记录" in page and "原答案" in page and "希望" in page
    assert "已填写" in client.get(f"/surveys/cadre/?cadre={cadre_a.pk}").content.decode()


def test_it_lists_who_is_still_to_answer_and_audits_reading_a_response(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any
) -> None:
    from jiujin.audit.models import AuditAction, AuditEvent

    survey = make_survey(cast.district, tree.district)
    client = client_for(cast.community_a)
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert f"/surveys/{survey.pk}/fill/?cadre={cadre_a.pk}" in page
    client.post(f"/surveys/{survey.pk}/fill/", fill_data(survey, cadre_a))
    assert "待填写" not in client.get(f"/surveys/{survey.pk}/").content.decode()
    client.get(f"/surveys/responses/{Response.objects.get().pk}/")
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, cadre_id=cadre_a.pk).exists()


def test_it_lists_the_cadres_running_surveys(tree: Any, cast: Any, cadre_a: Any, client_for: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    client = client_for(cast.community_a)
    assert "填写问卷" in client.get(f"/cadres/{cadre_a.pk}/").content.decode()
    page = client.get(f"/surveys/cadre/?cadre={cadre_a.pk}").content.decode()
    assert f"/surveys/{survey.pk}/fill/?cadre={cadre_a.pk}" in page


def test_it_hides_everything_from_outsiders(tree: Any, cast: Any, cadre_a: Any, client_for: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    task = VisitTask.objects.get(kind="survey", cadre=cadre_a)
    for outsider in (cast.community_b, cast.community_z, cast.volunteer):
        client = client_for(outsider)
        assert client.get(f"/surveys/{survey.pk}/fill/?cadre={cadre_a.pk}").status_code == 404
        assert client.get(f"/surveys/tasks/{task.pk}/").status_code == 404
        assert client.get(f"/surveys/cadre/?cadre={cadre_a.pk}").status_code == 404
    assert client_for(cast.community_z).get(f"/surveys/{survey.pk}/").status_code == 404
    assert client_for(cast.volunteer).get("/surveys/").status_code == 404
