"""Opinions over /api/v1/: record, answer, rate, and the list by state and unit.

Scoped like the pages (`selectors.opinions_for_user`): staff reach their communities' opinions, a work unit's
contact only those routed to its unit (and may read and answer them, nothing else). Input is checked by the
pages' forms; answering twice or rating before the answer is 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, STAFF_OR_WORK_UNIT, access, access_unit
from jiujin.core.api import (
    PAGE_SIZE,
    Detail,
    Page,
    caller,
    choices_text,
    one_of,
    page_field,
    paged,
    raise_field_errors,
    raise_form_errors,
)

from . import selectors
from .forms import OpinionForm, RateForm, ReplyForm
from .models import Opinion, OpinionCategory, OpinionSource, Outcome, RouteTo
from .services import OpinionRefused, opinion_create, opinion_rate, opinion_reply

router = Router(tags=["意见建议"])


class OpinionIn(Schema):
    cadre: int = Field(description="老干部 id")
    content: str
    route_to: Annotated[str, one_of(RouteTo)] = Field(description=choices_text(RouteTo))
    source: Annotated[str, one_of(OpinionSource)] = Field(description=choices_text(OpinionSource))
    category: Annotated[str, one_of(OpinionCategory)] = OpinionCategory.OTHER
    raised_on: date | None = Field(None, description="提出日期，默认今天")


class ReplyIn(Schema):
    reply: str
    outcome: Annotated[str, one_of(Outcome)] = Field(description=choices_text(Outcome))
    reason: str = Field("", description="无法解决（unsolvable）时必填")


class RatingIn(Schema):
    satisfaction: int = Field(ge=1, le=5, description="满意度 1–5 分")


class OpinionOut(Schema):
    id: int
    cadre: int
    cadre_name: str
    community: str = Field(description="受理社区代码")
    source: str
    category: str
    content: str
    route_to: str
    work_unit: str | None
    raised_on: date
    due_date: date
    state: str = Field(description="open 待答复 / overdue 已逾期 / answered 已答复")
    escalated_to: str | None = Field(description="逾期后升级到的单位代码")
    reply: str
    outcome: str
    reason: str
    answered_at: datetime | None
    answer_days: int | None
    satisfaction: int | None


class OpinionPage(Page):
    items: list[OpinionOut]


class OpinionFilters(Schema):
    # `overdue` is a state of the list though not a stored one.
    state: Literal["open", "overdue", "answered"] | None = Field(
        None, description="open 未到期 / overdue 已逾期 / answered 已答复；不填为全部"
    )
    unit: str | None = Field(None, description="单位代码：只看该单位及下级")
    cadre: int | None = Field(None, description="老干部 id")
    page: int = page_field(PAGE_SIZE)


@router.get("/opinions", response=OpinionPage, summary="意见建议 List opinions")
@access(STAFF_OR_WORK_UNIT)
def list_opinions(request: HttpRequest, filters: Query[OpinionFilters]) -> dict[str, Any]:
    user = caller(request)
    board = selectors.BoardFilters(
        state=filters.state or "all",
        unit=access_unit(user, filters.unit) if filters.unit else None,
        cadre=filters.cadre,
    )
    qs = selectors.board(user, board, timezone.localdate())
    return paged(qs, filters.page, items=_items, rows=selectors.board_rows)


@router.get(
    "/opinions/{opinion_id}", response={200: OpinionOut, 404: Detail}, summary="意见建议详情 One opinion"
)
@access(STAFF_OR_WORK_UNIT)
def get_opinion(request: HttpRequest, opinion_id: int) -> dict[str, Any]:
    return _out(selectors.opinion_for_user(caller(request), opinion_id), timezone.localdate())


@router.post("/opinions", response={201: OpinionOut, 404: Detail}, summary="记录意见建议 Record an opinion")
@access(STAFF)
def create_opinion(request: HttpRequest, payload: OpinionIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    get_cadre_for_user(user, payload.cadre)  # out of scope is 404, before any 422
    form = OpinionForm(payload.dict(), user=user)
    raise_form_errors(form)
    try:
        created = opinion_create(actor=actor_from_request(request, via="api"), **form.cleaned_data)
    except DjangoValidationError as exc:
        raise_field_errors(exc.message_dict)
    return 201, _out(selectors.opinion_for_user(user, created.pk), timezone.localdate())


@router.post(
    "/opinions/{opinion_id}/reply",
    response={200: OpinionOut, 404: Detail, 409: Detail},
    summary="答复意见建议 Answer an opinion",
)
@access(STAFF_OR_WORK_UNIT)
def reply_opinion(request: HttpRequest, opinion_id: int, payload: ReplyIn) -> dict[str, Any]:
    user = caller(request)
    opinion = selectors.opinion_for_user(user, opinion_id)
    form = ReplyForm(payload.dict())
    raise_form_errors(form)
    try:
        opinion_reply(actor=actor_from_request(request, via="api"), opinion=opinion, **form.cleaned_data)
    except OpinionRefused as exc:
        raise HttpError(409, str(exc)) from None
    return _out(opinion, timezone.localdate())


@router.post(
    "/opinions/{opinion_id}/rating",
    response={200: OpinionOut, 404: Detail, 409: Detail},
    summary="满意度评价 Rate the answer",
)
@access(STAFF)
def rate_opinion(request: HttpRequest, opinion_id: int, payload: RatingIn) -> dict[str, Any]:
    user = caller(request)
    opinion = selectors.opinion_for_user(user, opinion_id)
    form = RateForm({"satisfaction": payload.satisfaction})
    raise_form_errors(form)
    try:
        opinion_rate(actor=actor_from_request(request, via="api"), opinion=opinion, **form.cleaned_data)
    except OpinionRefused as exc:
        raise HttpError(409, str(exc)) from None
    return _out(opinion, timezone.localdate())


def _items(rows: list[Opinion]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [_out(o, today) for o in rows]


def _out(o: Opinion, today: date) -> dict[str, Any]:
    return {
        "id": o.pk,
        "cadre": o.cadre_id,
        "cadre_name": o.cadre.name,
        "community": o.community.code,
        "source": o.source,
        "category": o.category,
        "content": o.content,
        "route_to": o.route_to,
        "work_unit": str(o.work_unit) if o.work_unit_id else None,
        "raised_on": o.raised_on,
        "due_date": o.due_date,
        "state": o.state_on(today),
        "escalated_to": o.escalated_to.code if o.escalated_to_id else None,  # type: ignore[union-attr]
        "reply": o.reply,
        "outcome": o.outcome,
        "reason": o.reason,
        "answered_at": o.answered_at,
        "answer_days": o.answer_days,
        "satisfaction": o.satisfaction,
    }
