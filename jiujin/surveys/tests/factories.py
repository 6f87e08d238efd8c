"""Surveys for the tests: a running needs survey of a unit, answers as people give them."""

from __future__ import annotations

from typing import Any

from jiujin.audit.services import Actor

from ..models import Survey
from ..services import survey_create, survey_start


def make_survey(
    user: Any, unit: Any, *, template: str = "needs", start: bool = True, **fields: Any
) -> Survey:
    survey = survey_create(actor=Actor(user=user), unit=unit, template=template, **fields)
    if start:
        survey_start(actor=Actor(user=user), survey=survey)
        survey.refresh_from_db()
    return survey


def qid(survey: Survey, code: str) -> int:
    return survey.questions.get(code=code).pk


def needs_answers(survey: Survey, **overrides: Any) -> dict[int, Any]:
    """A complete, valid answer set to the needs survey, by question id ({code: value} overrides)."""
    values: dict[str, Any] = {
        "learning": "希望",
        "worries": ["生病住院", "生活孤独"],
        "pastime": ["家务"],
        "culture": "满意",
        "role": "部分发挥",
        "contribute": "愿意",
        "care": "有人照料",
        "wellbeing": "身体一般，心情尚好",
        "living": "与子女同住",
        "hospital": "到离家较近的医院",
    }
    values.update(overrides)
    return {qid(survey, code): value for code, value in values.items()}
