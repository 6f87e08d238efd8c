"""Questionnaires over /api/v1/ (mounted at "/"; the results' operations are in api_results.py).

- `POST /surveys` creates a survey of a unit in the caller's scope (manage_cadres), from a template
  (`needs` | `satisfaction`) or with its `questions`. It starts at once (RUNNING from today, audience: all
  cadres of the unit, with tasks on the workers' agendas) unless `"draft": true`.
- `POST /surveys/{survey_id}/responses` records a cadre's answers: 201 for a new response, 200 when it
  replaces the cadre's earlier one (the old answers are kept as a revision).
- `GET /surveys` (paged) and `GET /surveys/{survey_id}`: the surveys the caller sees, as on the pages.
Out of scope is 404, like missing; validation errors are 422 in Chinese, naming the question.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access, access_unit, staff
from jiujin.core.api import PAGE_SIZE, Detail, Page, caller, one_of, page_field, paged, raise_field_errors

from . import selectors, services
from .answers import as_api_value
from .models import QuestionKind, ResponseSource, Survey, SurveyStatus, SurveyTemplate
from .question_rules import QuestionValues
from .responses import response_record, stored_answers

router = Router(tags=["问卷调查"])


class QuestionIn(Schema):
    kind: Annotated[str, one_of(QuestionKind)]
    text: str = Field(max_length=200)
    choices: list[str] = Field([], description="单选、多选题的选项")
    required: bool = True
    code: str = Field("", max_length=30, pattern=r"^[-a-zA-Z0-9_]*$", description="本问卷内唯一的代码")
    show_if: str | int | None = Field(None, description="跳转条件：此前某道单选/多选题的代码或序号（从1起）")
    show_if_choices: list[int | str] = Field(
        [], description="该题的哪些选项（序号从0起，或选项文字）时才问本题"
    )
    min_value: int | None = None
    max_value: int | None = None


class SurveyIn(Schema):
    title: str = Field("", max_length=100, description="用模板时可不填")
    unit: str = Field(description="组织单位代码")
    template: Annotated[str, one_of(SurveyTemplate)] | None = None
    questions: list[QuestionIn] = Field([], description="不用模板时的题目，按顺序")
    description: str = ""
    ends_on: date | None = None
    draft: bool = Field(False, description="true：只保存为草稿，不开始调查")


class QuestionOut(Schema):
    id: int
    position: int
    code: str
    kind: str
    text: str
    choices: list[str]
    required: bool
    show_if: int | None = Field(description="前提题目的 id")
    show_if_choices: list[int]


class SurveyOut(Schema):
    id: int
    title: str
    unit: str
    unit_name: str
    template: str
    status: str
    version: int
    starts_on: date | None
    ends_on: date | None
    targets: int
    responses: int
    questions: list[QuestionOut]


class SurveyItem(Schema):
    id: int
    title: str
    unit: str
    unit_name: str
    status: str
    version: int
    starts_on: date | None
    ends_on: date | None
    targets: int = Field(description="调查对象人数（调用者管辖范围内）")
    responses: int = Field(description="已收回答卷（调用者管辖范围内）")


class SurveyFilters(Schema):
    status: Annotated[str, one_of(SurveyStatus)] | None = None
    page: int = page_field(PAGE_SIZE)


class SurveyPage(Page):
    items: list[SurveyItem]


class ResponseIn(Schema):
    cadre: int
    answers: dict[str, Any] = Field(
        description="{题目id: 答案}：单选为选项文字或序号（从0起），多选为列表，1–5分和数字题为数字，简答为文字"
    )


class ResponseOut(Schema):
    id: int
    survey: int
    cadre: int
    source: str
    answered_on: date
    replaced: bool = Field(description="true：替换了该老干部此前的答卷（原答案已留存）")
    answers: dict[str, Any]


def _question_out(q: Any) -> dict[str, Any]:
    return {
        "id": q.pk,
        "position": q.position,
        "code": q.code,
        "kind": q.kind,
        "text": q.text,
        "choices": q.choices,
        "required": q.required,
        "show_if": q.show_if_id,
        "show_if_choices": q.show_if_choices,
    }


def _survey_out(request: HttpRequest, survey: Survey) -> dict[str, Any]:
    counts = selectors.progress(caller(request), survey)
    return {
        "id": survey.pk,
        "title": survey.title,
        "unit": survey.org_unit.code,
        "unit_name": survey.org_unit.name,
        "template": survey.template,
        "status": survey.status,
        "version": survey.version,
        "starts_on": survey.starts_on,
        "ends_on": survey.ends_on,
        "targets": counts["targets"],
        "responses": counts["responses"],
        "questions": [_question_out(q) for q in survey.questions.all()],
    }


def _values(payload: QuestionIn, made: list[Any], n: int) -> QuestionValues:
    condition = None
    if payload.show_if not in (None, ""):
        key = str(payload.show_if)
        condition = next((q for q in made if q.code == key or str(q.position) == key), None)
        if condition is None:
            raise_field_errors({f"questions.{n}.show_if": [f"第{n}题：前提题目“{key}”应是本题之前的题目"]})
    indexes = []
    for choice in payload.show_if_choices:
        if isinstance(choice, str) and condition is not None and choice in condition.choices:
            indexes.append(condition.choices.index(choice))
        elif isinstance(choice, int):
            indexes.append(choice)
        else:
            raise_field_errors({f"questions.{n}.show_if_choices": [f"第{n}题：前提选项“{choice}”不存在"]})
    return QuestionValues(
        kind=payload.kind,
        text=payload.text,
        choices=payload.choices,
        required=payload.required,
        code=payload.code,
        show_if=condition,
        show_if_choices=indexes,
        min_value=payload.min_value,
        max_value=payload.max_value,
    )


@router.post(
    "/surveys",
    response={201: SurveyOut, 403: Detail, 404: Detail},
    summary="创建问卷 Create a survey",
)
@access(staff("manage_cadres"))
def create_survey(request: HttpRequest, payload: SurveyIn) -> tuple[int, dict[str, Any]]:
    with transaction.atomic():  # a question refused: no survey either
        return _create(request, payload)


def _create(request: HttpRequest, payload: SurveyIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    unit = access_unit(user, payload.unit)
    if bool(payload.template) == bool(payload.questions):
        raise_field_errors(
            {"template": ["请选择模板（needs 或 satisfaction），或给出题目 questions（二者选一）"]}
        )
    actor = actor_from_request(request, via="api")
    try:
        survey = services.survey_create(
            actor=actor,
            unit=unit,
            title=payload.title,
            template=payload.template or "",
            description=payload.description,
            ends_on=payload.ends_on,
        )
        made: list[Any] = []
        for n, q in enumerate(payload.questions, start=1):
            try:
                made.append(services.question_add(actor=actor, survey=survey, values=_values(q, made, n)))
            except DjangoValidationError as exc:
                raise_field_errors(
                    {f"questions.{n}.{k}": [f"第{n}题：{m}" for m in v] for k, v in _dict(exc).items()}
                )
        if not payload.draft:
            services.survey_start(actor=actor, survey=survey)
    except DjangoValidationError as exc:
        raise_field_errors(_dict(exc))
    survey.refresh_from_db()
    return 201, _survey_out(request, survey)


def _dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


@router.get("/surveys", response={200: SurveyPage}, summary="问卷列表 List surveys")
@access(STAFF)
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]) -> dict[str, Any]:
    qs = selectors.surveys_listed(caller(request), status=filters.status or "")

    def items(rows: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "id": s.pk,
                "title": s.title,
                "unit": s.org_unit.code,
                "unit_name": s.org_unit.name,
                "status": s.status,
                "version": s.version,
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "targets": s.n_targets,
                "responses": s.n_responses,
            }
            for s in rows
        ]

    return paged(qs, filters.page, items=items)


@router.get("/surveys/{survey_id}", response={200: SurveyOut, 404: Detail}, summary="问卷 Get a survey")
@access(STAFF)
def get_survey(request: HttpRequest, survey_id: int) -> dict[str, Any]:
    return _survey_out(request, selectors.get_survey_for_user(caller(request), survey_id))


@router.post(
    "/surveys/{survey_id}/responses",
    response={200: ResponseOut, 201: ResponseOut, 404: Detail},
    summary="填写问卷 Record a cadre's response",
)
@access(STAFF)
def post_response(request: HttpRequest, survey_id: int, payload: ResponseIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    survey = selectors.get_survey_for_user(user, survey_id)
    cadre = get_cadre_for_user(user, payload.cadre)
    questions = {str(q.pk): q for q in survey.questions.all()}
    unknown = [k for k in payload.answers if k not in questions]
    if unknown:
        raise ValidationError(
            [
                {"loc": ["body", "answers", k], "msg": f"本问卷没有id为{k}的题目", "type": "value_error"}
                for k in unknown
            ]
        )
    try:
        recorded = response_record(
            actor=actor_from_request(request, via="api"),
            survey=survey,
            cadre=cadre,
            answers={int(k): v for k, v in payload.answers.items()},
            source=ResponseSource.API,
        )
    except DjangoValidationError as exc:
        errors = _dict(exc)
        raise ValidationError(
            [
                {
                    "loc": ["body", "answers", k] if k in questions else ["body", k],
                    "msg": m,
                    "type": "value_error",
                }
                for k, messages in errors.items()
                for m in messages
            ]
        ) from exc
    response = recorded.response
    values = stored_answers(response, list(questions.values()))
    return (201 if recorded.created else 200), {
        "id": response.pk,
        "survey": survey.pk,
        "cadre": cadre.pk,
        "source": response.source,
        "answered_on": response.answered_on,
        "replaced": not recorded.created,
        "answers": {str(qid): as_api_value(questions[str(qid)], v) for qid, v in values.items()},
    }
