"""Recording answers: skip logic and requireds on the server, one response per cadre with history, the copies
onto the response, the task closed, the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.surveys.answers import check_answers
from jiujin.surveys.models import Answer, Response, ResponseRevision
from jiujin.surveys.responses import response_record
from jiujin.tasks.models import TaskStatus, VisitTask

from .conftest import TODAY
from .factories import make_survey, needs_answers, qid

pytestmark = pytest.mark.usefixtures("frozen")


def record(cast: Any, survey: Any, cadre: Any, answers: dict[int, Any]) -> Any:
    return response_record(actor=Actor(user=cast.community_a), survey=survey, cadre=cadre, answers=answers)


def test_it_asks_the_alone_question_only_of_those_living_alone(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    questions = list(survey.questions.all())
    alone_help = qid(survey, "alone_help")
    # With children: the skipped question's answer is dropped, whatever the client sent.
    values, errors = check_answers(questions, needs_answers(survey) | {alone_help: "邻居"})
    assert errors == {}
    assert alone_help not in values
    # Alone: it is asked, and required.
    values, errors = check_answers(questions, needs_answers(survey, living="独居"))
    assert errors == {alone_help: "第10题“独居时遇到困难，您首先找谁？”：必须回答"}
    values, errors = check_answers(questions, needs_answers(survey, living="独居", alone_help=1))
    assert values[alone_help] == 1


def test_it_reads_choices_by_text_or_index_and_checks_ranges(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district, template="satisfaction")
    questions = list(survey.questions.all())
    base = {qid(survey, "overall"): 1, qid(survey, "knows_contact"): "知道"}
    scales = {qid(survey, c): 4 for c in ("visits", "home_services", "activities", "medical", "staff")}
    values, errors = check_answers(questions, base | scales)
    assert errors == {}
    assert values[qid(survey, "overall")] == 1
    assert values[qid(survey, "knows_contact")] == 0
    _, errors = check_answers(questions, base | scales | {qid(survey, "visits"): 6})
    assert "应在1到5之间" in errors[qid(survey, "visits")]
    _, errors = check_answers(questions, base | scales | {qid(survey, "overall"): "还行"})
    assert "“还行”不是本题的选项" in errors[qid(survey, "overall")]


def test_it_records_one_response_with_the_cadres_particulars(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    recorded = record(cast, survey, cadre_a, needs_answers(survey))
    response = recorded.response
    assert recorded.created
    assert (response.community, response.category, response.living_arrangement) == (
        tree.community_a,
        cadre_a.category,
        cadre_a.living_arrangement,
    )
    assert response.age == cadre_a.age(TODAY)
    assert response.answered_on == TODAY
    worries = Answer.objects.filter(response=response, question_id=qid(survey, "worries"))
    assert set(worries.values_list("choice", flat=True)) == {1, 2}  # one row per chosen option
    assert set(Answer.objects.values_list("community_id", flat=True)) == {tree.community_a.pk}
    task = VisitTask.objects.get(kind="survey", cadre=cadre_a)
    assert task.status == TaskStatus.DONE
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, subject_type="surveys.response").count() == 1


def test_it_replaces_a_second_response_and_keeps_the_old_answers(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    first = record(cast, survey, cadre_a, needs_answers(survey)).response
    second = record(cast, survey, cadre_a, needs_answers(survey, learning="不希望"))
    assert not second.created
    assert Response.objects.filter(survey=survey, cadre=cadre_a).count() == 1
    assert second.response.pk == first.pk
    learning = Answer.objects.get(response=first, question_id=qid(survey, "learning"))
    assert learning.choice == 1
    revision = ResponseRevision.objects.get(response=first)
    assert revision.answers["learning"] == "希望"
    assert revision.answers["worries"] == ["生病住院", "生活孤独"]


def test_it_writes_nothing_when_an_answer_is_wrong(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    answers = needs_answers(survey)
    del answers[qid(survey, "learning")]
    with pytest.raises(ValidationError) as error:
        record(cast, survey, cadre_a, answers)
    assert "第1题“您是否希望参加各类知识的学习？”：必须回答" in str(error.value)
    assert Response.objects.count() == 0
    assert VisitTask.objects.get(kind="survey").status == TaskStatus.OPEN


def test_it_refuses_a_cadre_who_is_not_a_target_or_a_survey_not_running(
    tree: Any, cast: Any, cadre_a: Any
) -> None:
    survey = make_survey(cast.district, tree.district)
    late = CadreFactory(community=tree.community_a)  # registered after the survey started
    with pytest.raises(ValidationError, match="不在本次调查对象中"):
        record(cast, survey, late, needs_answers(survey))
    draft = make_survey(cast.district, tree.district, start=False)
    with pytest.raises(ValidationError, match="不在进行中"):
        record(cast, draft, cadre_a, needs_answers(draft))
