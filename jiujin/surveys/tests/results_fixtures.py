"""Surveys with answers built directly with the ORM, for the results tests (not through the filling-in
services: the results only read rows)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.orgs.models import OrgUnit
from jiujin.surveys.catalog import TEMPLATES
from jiujin.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
    SurveyTarget,
)
from jiujin.surveys.tallies import tallies_refresh

ANSWERED_ON = date(2026, 11, 10)


def make_survey(unit: OrgUnit, template: str = "needs", *, status: str = SurveyStatus.RUNNING) -> Survey:
    spec = TEMPLATES[template]
    survey = Survey.objects.create(
        org_unit=unit, title=spec.title, template=template, status=status, starts_on=date(2026, 11, 1)
    )
    questions = Question.objects.bulk_create(
        Question(
            survey=survey,
            position=n,
            code=q.code,
            kind=q.kind,
            text=q.text,
            choices=list(q.choices),
            required=q.required,
            show_if_choices=list(q.show_if_choices),
            min_value=q.min_value,
            max_value=q.max_value,
        )
        for n, q in enumerate(spec.questions, start=1)
    )
    by_code = {q.code: q for q in questions}
    for q in spec.questions:
        if q.show_if:
            question = by_code[q.code]
            question.show_if = by_code[q.show_if]
            question.save(update_fields=["show_if"])
    return survey


def make_cadres(community: OrgUnit, count: int, **fields: Any) -> list[Cadre]:
    return [cast(Cadre, CadreFactory(community=community, **fields)) for _ in range(count)]


def target(survey: Survey, cadres: list[Cadre]) -> None:
    SurveyTarget.objects.bulk_create(
        SurveyTarget.of(survey, tuple(getattr(c, f) for f in SurveyTarget.COPIED)) for c in cadres
    )


def respond(
    survey: Survey,
    cadre: Cadre,
    answers: dict[str, Any],
    *,
    age: int | None = None,
    answered_on: date = ANSWERED_ON,
) -> Response:
    """One response: `answers` maps a question code to an option index, a list of them (multiple), a number
    or a text; a code left out is a skipped question (no row)."""
    questions = {q.code: q for q in survey.questions.all()}
    response = Response.objects.create(
        survey=survey,
        cadre=cadre,
        community_id=cadre.community_id,
        category=cadre.category,
        living_arrangement=cadre.living_arrangement,
        age=age if age is not None else answered_on.year - cadre.birth_date.year,
        answered_on=answered_on,
    )
    rows = []
    for code, value in answers.items():
        question = questions[code]
        common = {
            "response": response,
            "survey": survey,
            "question": question,
            "community_id": cadre.community_id,
        }
        if question.kind == QuestionKind.MULTIPLE:
            rows += [Answer(**common, choice=index) for index in value]
        elif question.kind == QuestionKind.SINGLE:
            rows.append(Answer(**common, choice=value))
        elif question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            rows.append(Answer(**common, number=Decimal(value)))
        else:
            rows.append(Answer(**common, text=value))
    Answer.objects.bulk_create(rows)
    tallies_refresh(survey_id=survey.pk, community_ids=[cadre.community_id])
    return response


def respond_many(
    survey: Survey, community: OrgUnit, answer_sets: list[dict[str, Any]], **cadre: Any
) -> list[Response]:
    """One new cadre (targeted) and response per answer set."""
    cadres = make_cadres(community, len(answer_sets), **cadre)
    target(survey, cadres)
    return [respond(survey, c, answers) for c, answers in zip(cadres, answer_sets, strict=True)]
