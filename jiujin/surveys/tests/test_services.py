"""The builder's rules: questions and skip logic, freezing, versions, starting (targets, samples, tasks), closing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jiujin.audit.services import Actor
from jiujin.cadres.models import CadreStatus, LivingArrangement
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.surveys import services
from jiujin.surveys.models import Question, Survey, SurveyAudience, SurveyStatus, SurveyTarget
from jiujin.surveys.question_rules import QuestionValues
from jiujin.tasks.models import TaskStatus, VisitTask

from .conftest import TODAY
from .factories import make_survey

pytestmark = pytest.mark.usefixtures("frozen")


def blank(cast: Any, unit: Any, **fields: Any) -> Survey:
    return services.survey_create(actor=Actor(user=cast.district), unit=unit, title="测试问卷", **fields)


def add(cast: Any, survey: Survey, **fields: Any) -> Question:
    values = QuestionValues(**({"kind": "single", "text": "题目", "choices": ["是", "否"]} | fields))
    return services.question_add(actor=Actor(user=cast.district), survey=survey, values=values)


def test_it_creates_a_survey_from_the_needs_template_with_its_skip_logic(tree: Any, cast: Any) -> None:
    survey = blank(cast, tree.district, template="needs")
    codes = list(survey.questions.values_list("code", flat=True))
    assert codes[:3] == ["learning", "worries", "pastime"]
    alone = survey.questions.get(code="alone_help")
    assert alone.show_if == survey.questions.get(code="living")
    assert alone.show_if_choices == [2]
    assert survey.status == SurveyStatus.DRAFT


def test_it_checks_questions_with_chinese_messages(tree: Any, cast: Any) -> None:
    survey = blank(cast, tree.district)
    with pytest.raises(ValidationError) as one_choice:
        add(cast, survey, choices=["只有一个"])
    assert "至少要有两个选项" in str(one_choice.value)
    with pytest.raises(ValidationError) as duplicates:
        add(cast, survey, choices=["是", "是"])
    assert "选项不能重复" in str(duplicates.value)
    with pytest.raises(ValidationError) as bounds:
        add(cast, survey, kind="number", choices=[], min_value=10, max_value=1)
    assert "最大值不能小于最小值" in str(bounds.value)
    with pytest.raises(ValidationError) as empty:
        add(cast, survey, text=" ")
    assert "请填写题目" in str(empty.value)


def test_it_allows_skip_logic_only_on_an_earlier_choice_question(tree: Any, cast: Any) -> None:
    survey = blank(cast, tree.district)
    number = add(cast, survey, kind="number", text="年龄", choices=[])
    living = add(cast, survey, text="独居吗", choices=["独居", "不独居"])
    with pytest.raises(ValidationError) as on_number:
        add(cast, survey, show_if=number, show_if_choices=[0])
    assert "之前的单选题或多选题" in str(on_number.value)
    with pytest.raises(ValidationError):
        add(cast, survey, show_if=living, show_if_choices=[5])
    asked = add(cast, survey, text="找谁", show_if=living, show_if_choices=[0])
    assert asked.show_if == living
    # A question cannot move before the one it depends on.
    with pytest.raises(ValidationError, match="不能排在它前面"):
        services.question_move(actor=Actor(user=cast.district), question=asked, up=True)
    # Nor can that one be deleted while it is a condition.
    with pytest.raises(ValidationError, match="前提"):
        services.question_delete(actor=Actor(user=cast.district), question=living)


def test_it_reorders_and_deletes_questions_of_a_draft(tree: Any, cast: Any) -> None:
    survey = blank(cast, tree.district)
    first, _second, third = (add(cast, survey, text=t) for t in ("甲", "乙", "丙"))
    services.question_move(actor=Actor(user=cast.district), question=third, up=True)
    assert list(survey.questions.values_list("text", flat=True)) == ["甲", "丙", "乙"]
    services.question_delete(actor=Actor(user=cast.district), question=first)
    assert list(survey.questions.values_list("text", "position")) == [("丙", 1), ("乙", 2)]


def test_it_freezes_the_questions_of_a_started_survey(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    question = survey.questions.first()
    assert question is not None
    with pytest.raises(ValidationError, match="不能再修改"):
        add(cast, survey)
    with pytest.raises(ValidationError, match="不能再修改"):
        services.question_update(
            actor=Actor(user=cast.district), question=question, values=QuestionValues(kind="text", text="改")
        )
    with pytest.raises(ValidationError, match="不能再修改"):
        services.question_delete(actor=Actor(user=cast.district), question=question)
    with pytest.raises(ValidationError):
        services.survey_update(actor=Actor(user=cast.district), survey=survey, audience="sample")


def test_it_copies_a_started_survey_into_a_new_draft_version(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    copy = services.survey_new_version(actor=Actor(user=cast.district), survey=survey)
    assert (copy.version, copy.previous, copy.status) == (2, survey, SurveyStatus.DRAFT)
    assert copy.questions.count() == survey.questions.count()
    alone = copy.questions.get(code="alone_help")
    assert alone.show_if == copy.questions.get(code="living")  # points into the copy, not the original
    add(cast, copy, text="新题")  # the copy is editable
    assert survey.questions.count() == copy.questions.count() - 1


def test_it_fixes_targets_and_puts_a_task_on_each_workers_agenda(tree: Any, cast: Any, cadre_a: Any) -> None:
    other: Any = CadreFactory(community=tree.community_b, responsible_worker=cast.community_b)
    CadreFactory(community=tree.community_b, status=CadreStatus.DECEASED)
    CadreFactory(community=tree.community_z)  # another district
    survey = make_survey(cast.district, tree.district, ends_on=TODAY + timedelta(days=20))
    assert set(SurveyTarget.objects.filter(survey=survey).values_list("cadre_id", flat=True)) == {
        cadre_a.pk,
        other.pk,
    }
    tasks = VisitTask.objects.filter(kind="survey")
    assert {(t.cadre_id, t.assignee_id) for t in tasks} == {
        (cadre_a.pk, cast.community_a.pk),
        (other.pk, cast.community_b.pk),
    }
    task = tasks.get(cadre=cadre_a)
    assert (task.due_date, task.window_start, task.status) == (TODAY + timedelta(days=20), TODAY, "open")
    assert task.kind_label == "问卷调查"
    assert survey.starts_on == TODAY


def test_it_narrows_the_audience_by_living_arrangement(tree: Any, cast: Any, cadre_a: Any) -> None:
    alone: Any = CadreFactory(community=tree.community_a, living_arrangement=LivingArrangement.ALONE)
    survey = make_survey(
        cast.district, tree.district, audience=SurveyAudience.LIVING, audience_value=LivingArrangement.ALONE
    )
    assert list(survey.targets.values_list("cadre_id", flat=True)) == [alone.pk]


def test_it_draws_the_same_sample_from_the_same_seed(tree: Any, cast: Any) -> None:
    CadreFactory.create_batch(30, community=tree.community_a)
    kw: dict[str, Any] = {"audience": SurveyAudience.SAMPLE, "sample_size": 10, "sample_seed": 42}
    first = make_survey(cast.district, tree.district, **kw)
    second = make_survey(cast.district, tree.district, **kw)
    other = make_survey(cast.district, tree.district, **(kw | {"sample_seed": 7}))
    ids = [set(s.targets.values_list("cadre_id", flat=True)) for s in (first, second, other)]
    assert len(ids[0]) == 10
    assert ids[0] == ids[1]
    assert ids[0] != ids[2]
    with pytest.raises(ValidationError, match="抽样人数"):
        blank(cast, tree.district, audience=SurveyAudience.SAMPLE)


def test_it_cancels_the_open_tasks_when_the_survey_closes(tree: Any, cast: Any, cadre_a: Any) -> None:
    survey = make_survey(cast.district, tree.district)
    assert services.survey_close(actor=Actor(user=cast.district), survey=survey) == 1
    task = VisitTask.objects.get(kind="survey", cadre=cadre_a)
    assert (task.status, task.cancel_reason) == (TaskStatus.CANCELLED, "问卷调查已结束")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    with pytest.raises(ValidationError):
        services.survey_close(actor=Actor(user=cast.district), survey=survey)


def test_it_refuses_an_end_before_the_start(tree: Any, cast: Any) -> None:
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        blank(cast, tree.district, starts_on=date(2026, 10, 1), ends_on=date(2026, 9, 1))


def test_it_sees_surveys_of_its_subtree_and_above_and_manages_only_its_own(tree: Any, cast: Any) -> None:
    district = blank(cast, tree.district)
    community_b = services.survey_create(actor=Actor(user=cast.community_b), unit=tree.community_b, title="B")
    assert set(Survey.objects.for_user(cast.community_a)) == {district}
    assert set(Survey.objects.for_user(cast.street)) == {district, community_b}
    assert set(Survey.objects.managed_by(cast.community_a)) == set()
    assert set(Survey.objects.managed_by(cast.district)) == {district, community_b}
    assert set(Survey.objects.for_user(cast.community_z)) == set()
    assert set(Survey.objects.for_user(cast.volunteer)) == set()
