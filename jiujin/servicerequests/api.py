"""Service requests over /api/v1/: intake, state transitions and the list with the overdue filter.

Mounted at "/" on the project's NinjaAPI (bearer auth, its error shapes). Scoping is the pages'
(`selectors.requests_for_user`, `get_cadre_for_user`); out of scope is 404 like missing. Input is checked by
the pages' forms, so both accept and reject the same input with the same Chinese messages; an illegal
transition is 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import LOGIN, STAFF, access
from jiujin.core.api import (
    PAGE_SIZE,
    Detail,
    Page,
    caller,
    choices_text,
    forbid,
    one_of,
    page_field,
    paged,
    raise_field_errors,
    raise_form_errors,
)

from . import selectors
from .forms import IntakeForm, TransitionForm
from .models import RequestState, ServiceCategory, ServiceRequest, Urgency
from .services import TransitionRefused, may_transition, service_request_create, service_request_transition

router = Router(tags=["服务工单"])

DISPATCH = "dispatch_services"


class RequestIn(Schema):
    cadre: int = Field(description="老干部 id")
    category: Annotated[str, one_of(ServiceCategory)] = Field(description=choices_text(ServiceCategory))
    urgency: Annotated[str, one_of(Urgency)] = Urgency.NORMAL
    description: str
    caller_name: str = ""
    caller_relation: str = ""
    caller_phone: str = ""


class TransitionIn(Schema):
    state: Annotated[str, one_of(RequestState, exclude=[RequestState.RECEIVED])]
    assignee: str | None = Field(
        None, description="派单时必填：工作人员用户名，或 volunteer:<志愿者 id>，或 provider:<服务商名称>"
    )
    provider_phone: str = ""
    note: str = ""


class RequestOut(Schema):
    id: int
    cadre: int
    category: str
    urgency: str
    state: str
    created_at: datetime
    dispatched_at: datetime | None
    arrived_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    target_minutes: int = Field(description="到达时限（分钟），受理时按类别和紧急程度确定")
    response_minutes: int | None = Field(description="受理到到达的整分钟数；到达前为 null")
    overdue: bool = Field(description="尚未到达且已超过时限，或到达晚于时限")
    assignee: str = Field(description="处理人（工作人员、志愿者或服务商）")


class RequestPage(Page):
    items: list[RequestOut]


class RequestFilters(Schema):
    cadre: int | None = Field(None, description="老干部 id")
    state: Annotated[str, one_of(RequestState)] | None = None
    overdue: bool | None = Field(None, description="true 只看超时的，false 只看未超时的")
    page: int = page_field(PAGE_SIZE)


@router.get("/service-requests", response=RequestPage, summary="服务工单 List service requests")
@access(LOGIN)
def list_requests(request: HttpRequest, filters: Query[RequestFilters]) -> dict[str, Any]:
    now = timezone.now()
    qs = selectors.filtered(
        caller(request), now, cadre=filters.cadre, state=filters.state, overdue=filters.overdue
    )
    rows = qs.select_related("assignee_user", "assignee_volunteer")
    return paged(rows, filters.page, items=lambda page: [_out(r) for r in page])


@router.post(
    "/service-requests",
    response={201: RequestOut, 403: Detail, 404: Detail},
    summary="受理服务工单 Create a service request",
)
@access(STAFF)
def create_request(request: HttpRequest, payload: RequestIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    get_cadre_for_user(user, payload.cadre)  # out of scope is 404, before the 403
    if not user.can(DISPATCH):
        forbid("没有受理服务工单的权限")
    form = IntakeForm(payload.dict(), user=user)
    raise_form_errors(form)
    created = service_request_create(actor=actor_from_request(request, via="api"), **form.cleaned_data)
    return 201, _out(_reread(user, created.pk))


@router.post(
    "/service-requests/{request_id}/transitions",
    response={200: RequestOut, 403: Detail, 404: Detail, 409: Detail},
    summary="工单状态变更 Dispatch, arrive, complete or cancel",
)
@access(LOGIN)
def transition_request(request: HttpRequest, request_id: int, payload: TransitionIn) -> dict[str, Any]:
    user = caller(request)
    sr = _reread(user, request_id)
    if not may_transition(user, sr, payload.state):
        forbid("没有处理该工单的权限")
    form = TransitionForm(TransitionForm.data_for(payload.dict()), user=user, cadre=sr.cadre)
    raise_form_errors(form)
    data = form.cleaned_data
    try:
        service_request_transition(
            actor=actor_from_request(request, via="api"),
            request=sr,
            state=data["state"],
            assignee=data["assignee_obj"],
            note=data["note"],
        )
    except TransitionRefused as exc:
        raise HttpError(409, str(exc)) from None
    except DjangoValidationError as exc:
        raise_field_errors({"assignee": exc.messages})
    return _out(_reread(user, sr.pk))


def _reread(user: User, pk: int) -> ServiceRequest:
    # Answer with the stored row and its `overdue` as the list computes it.
    return selectors.request_for_user(user, pk, timezone.now())


def _out(sr: ServiceRequest) -> dict[str, Any]:
    return {
        "id": sr.pk,
        "cadre": sr.cadre_id,
        "category": sr.category,
        "urgency": sr.urgency,
        "state": sr.state,
        "created_at": sr.created_at,
        "dispatched_at": sr.dispatched_at,
        "arrived_at": sr.arrived_at,
        "completed_at": sr.completed_at,
        "cancelled_at": sr.cancelled_at,
        "target_minutes": sr.target_minutes,
        "response_minutes": selectors.response_minutes(sr),
        "overdue": sr.overdue,  # type: ignore[attr-defined]
        "assignee": sr.assignee_label,
    }
