"""A survey's results over /api/v1/ (mounted at "/", next to the surveys router).

Scope is the pages' (`get_survey_for_user`, `results_unit`): out of scope is 404 like missing. Shares and the
response rate are percentages with one decimal (62.5 means 62.5 %), rounded half up — as the pages and the
exports show them and as the project's other rates (visits, opinions) are computed; null when there is
nothing to divide by. Multiple-choice shares are of the question's respondents and may add to over 100.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from jiujin.core.access import STAFF, access
from jiujin.core.api import Detail, caller
from jiujin.orgs.models import OrgUnit

from .models import Survey
from .paragraph import needs_paragraph
from .results import Filters, Results, get_survey_for_user, results_unit, survey_results

router = Router(tags=["问卷调查"])

FILTER_DOC = "；筛选：age_band=60-69|70-79|80-89|90+，category=lixiu|tuixiu，living=alone|empty_nest|with_children|care_home"


class ChoiceOut(Schema):
    index: int = Field(description="选项序号（从0开始）；1–5分题为分值")
    text: str
    count: int
    share: float | None = Field(description="占比（%，一位小数）；无人作答为 null")


class QuestionOut(Schema):
    id: int
    code: str
    kind: str
    text: str
    n: int = Field(description="作答人数（跳过或未答的不计）")
    choices: list[ChoiceOut]
    mean: float | None = Field(None, description="1–5分题和数字题的平均值")


class ResultsOut(Schema):
    survey: int
    unit: str = Field(description="统计单位代码")
    responses: int
    targets: int
    response_rate: float | None = Field(description="回收率（%，一位小数）= responses ÷ targets")
    questions: list[QuestionOut]


class ParagraphOut(Schema):
    text: str


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def results_body(results: Results) -> dict[str, Any]:
    questions = []
    for r in results.questions:
        q = r.question
        body: dict[str, Any] = {
            "id": q.pk,
            "code": q.code,
            "kind": q.kind,
            "text": q.text,
            "n": r.n,
            "choices": [
                {"index": c.index, "text": c.text, "count": c.count, "share": _number(c.share)}
                for c in r.choices
            ],
        }
        if q.kind in ("scale", "number"):
            body["mean"] = _number(r.mean)
        questions.append(body)
    return {
        "survey": results.survey.pk,
        "unit": results.unit.code,
        "responses": results.responses,
        "targets": results.targets,
        "response_rate": _number(results.response_rate),
        "questions": questions,
    }


@router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, 404: Detail},
    exclude_unset=True,
    summary="调查结果 Results of a survey",
    description="unit：单位代码，默认为问卷单位与本人单位中较低的一级" + FILTER_DOC,
)
@access(STAFF)
def results(
    request: HttpRequest,
    survey_id: int,
    unit: str = "",
    age_band: str = "",
    category: str = "",
    living: str = "",
) -> dict[str, Any]:
    survey, scope, filters = _asked(request, survey_id, unit, age_band, category, living)
    return results_body(survey_results(survey, scope, filters, texts=0))


@router.get(
    "/surveys/{survey_id}/paragraph",
    response={200: ParagraphOut, 404: Detail},
    summary="需求调查分析段落 The needs survey's paragraph",
    description="需求摸底调查的分析段落（其他问卷为空字符串）" + FILTER_DOC,
)
@access(STAFF)
def paragraph(
    request: HttpRequest,
    survey_id: int,
    unit: str = "",
    age_band: str = "",
    category: str = "",
    living: str = "",
) -> dict[str, Any]:
    survey, scope, filters = _asked(request, survey_id, unit, age_band, category, living)
    return {"text": needs_paragraph(survey, scope, filters)}


def _asked(
    request: HttpRequest, survey_id: int, unit: str, age_band: str, category: str, living: str
) -> tuple[Survey, OrgUnit, Filters]:
    """The survey, the unit and the filters a results call asks for, checked against the caller's scope."""
    user = caller(request)
    survey = get_survey_for_user(user, survey_id)
    filters = Filters.parse({"age_band": age_band, "category": category, "living": living})
    return survey, results_unit(user, survey, unit or None), filters
