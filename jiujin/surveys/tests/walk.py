"""The surveys app's objects in community A for the access walk (see core/tests/test_access_walk.py)."""

from __future__ import annotations

from typing import Any

from jiujin.audit.services import Actor
from jiujin.surveys.models import Answer, Question, Response, Survey, SurveyTarget
from jiujin.surveys.responses import response_record
from jiujin.tasks.models import VisitTask

from .factories import make_survey, needs_answers


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    survey = make_survey(cast.community_a, tree.community_a)
    question = survey.questions.get(code="living")
    response = response_record(
        actor=Actor(user=cast.community_a), survey=survey, cadre=cadre_a, answers=needs_answers(survey)
    ).response
    return {
        "ids": {"survey_id": survey.pk, "question_id": question.pk, "response_id": response.pk},
        "pks": {"surveys": survey.pk},
        "written": [
            Survey.objects.count,
            Question.objects.count,
            SurveyTarget.objects.count,
            Response.objects.count,
            Answer.objects.count,
            lambda: VisitTask.objects.filter(kind="survey", status="open").count(),
            lambda: Survey.objects.filter(status="running").count(),
        ],
    }
