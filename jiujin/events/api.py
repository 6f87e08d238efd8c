"""Events over /api/v1/: create, list, detail with counts, sign-up and check-in.

Scoped like the pages (`Event.objects.for_user`, `get_cadre_for_user`, `access_unit`): out of scope is 404
like missing. A full event without a waiting list is 409; a cadre outside the audience is 422.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access, access_unit
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
from .forms import EventForm
from .models import CheckInVia, Event, EventKind, counts_for
from .services import EventFull, event_check_in, event_check_in_card, event_create, event_sign_up

router = Router(tags=["学习和活动"])


class EventIn(Schema):
    title: str
    kind: Annotated[str, one_of(EventKind)] = Field(description=choices_text(EventKind))
    unit: str = Field(description="组织单位代码（本人管辖范围内）")
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    capacity: int | None = Field(None, ge=1, description="名额；不填表示不限")
    waiting_list: bool = Field(True, description="满员后是否进入候补")


class EventOut(Schema):
    id: int
    title: str
    kind: str
    unit: str = Field(description="组织单位代码")
    unit_name: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    waiting_list: bool
    signed_up: int = Field(description="已报名人数（不含候补）")
    waiting: int = Field(description="候补人数")
    attended: int = Field(description="签到人数（每人只计一次）")


class EventPage(Page):
    items: list[EventOut]


class EventFilters(Schema):
    unit: str | None = Field(None, description="单位代码：该单位及下级单位组织的活动")
    date_from: date | None = Field(None, alias="from", description="开始日期不早于")
    date_to: date | None = Field(None, alias="to", description="开始日期不晚于")
    kind: Annotated[str, one_of(EventKind)] | None = None
    page: int = page_field(PAGE_SIZE)


class SignUpIn(Schema):
    cadre: int = Field(description="老干部 id")


class SignUpOut(Schema):
    id: int
    event: int
    cadre: int
    state: str = Field(description="confirmed 已报名 / waiting 候补")
    waiting: bool


class CheckInIn(Schema):
    cadre: int | None = Field(None, description="老干部 id")
    card_token: str | None = Field(None, max_length=500, description="爱心服务卡二维码内容")


class CheckInOut(Schema):
    event: int
    cadre: int
    checked_in_at: datetime
    via: str
    created: bool = Field(description="false：此前已签到，不重复计数")
    attended: int


def _out(event: Event, counts: dict[str, int]) -> dict[str, Any]:
    return {
        "id": event.pk, "title": event.title, "kind": event.kind, "unit": event.unit.code,
        "unit_name": event.unit.name, "place": event.place, "starts_at": event.starts_at,
        "ends_at": event.ends_at, "capacity": event.capacity, "waiting_list": event.waiting_list, **counts,
    }  # fmt: skip


def _items(events: list[Event]) -> list[dict[str, Any]]:
    counts = counts_for(events)
    return [_out(e, counts[e.pk]) for e in events]


@router.get("/events", response=EventPage, summary="学习活动列表 List events")
@access(STAFF)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    user = caller(request)
    unit = access_unit(user, filters.unit) if filters.unit else None
    qs = selectors.filtered(
        user, kind=filters.kind or "", unit=unit, start=filters.date_from, end=filters.date_to
    ).select_related("unit")
    return paged(qs, filters.page, items=_items)


@router.post("/events", response={201: EventOut, 404: Detail}, summary="新建学习活动 Create an event")
@access(STAFF)
def create_event(request: HttpRequest, payload: EventIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    access_unit(user, payload.unit)  # a unit outside the caller's tree is 404
    form = EventForm({**payload.dict(), "audience": "all"}, user=user)
    raise_form_errors(form)
    event = event_create(actor=actor_from_request(request, via="api"), data=form.cleaned_data)
    return 201, _out(event, counts_for([event])[event.pk])


@router.get("/events/{event_id}", response={200: EventOut, 404: Detail}, summary="活动详情 One event")
@access(STAFF)
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    event = selectors.get_event_for_user(caller(request), event_id)
    return _out(event, counts_for([event])[event.pk])


@router.post(
    "/events/{event_id}/signups",
    response={201: SignUpOut, 404: Detail, 409: Detail},
    summary="报名 Sign a cadre up",
)
@access(STAFF)
def sign_up(request: HttpRequest, event_id: int, payload: SignUpIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    event = selectors.get_event_for_user(user, event_id)
    cadre = get_cadre_for_user(user, payload.cadre)
    try:
        signup = event_sign_up(actor=actor_from_request(request, via="api"), event=event, cadre=cadre)
    except EventFull as exc:
        raise HttpError(409, exc.messages[0]) from None
    except DjangoValidationError as exc:
        raise_field_errors({"cadre": exc.messages})
    out = {"id": signup.pk, "event": event.pk, "cadre": cadre.pk, "state": signup.state}
    return 201, {**out, "waiting": signup.state == "waiting"}


@router.post(
    "/events/{event_id}/check-ins",
    response={200: CheckInOut, 201: CheckInOut, 404: Detail},
    summary="签到 Check a cadre in (by id or by the service card's QR code)",
)
@access(STAFF)
def check_in(request: HttpRequest, event_id: int, payload: CheckInIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    event = selectors.get_event_for_user(user, event_id)
    actor = actor_from_request(request, via="api")
    try:
        if payload.card_token:
            attendance, created = event_check_in_card(actor=actor, event=event, token=payload.card_token)
        elif payload.cadre is not None:
            cadre = get_cadre_for_user(user, payload.cadre)
            attendance, created = event_check_in(actor=actor, event=event, cadre=cadre, via=CheckInVia.API)
        else:
            raise_field_errors({"cadre": ["请提供 cadre 或 card_token"]})
    except DjangoValidationError as exc:
        raise_field_errors({"cadre": exc.messages})
    attended = counts_for([event])[event.pk]["attended"]
    body = {
        "event": event.pk, "cadre": attendance.cadre_id, "checked_in_at": attendance.checked_in_at,
        "via": attendance.via, "created": created, "attended": attended,
    }  # fmt: skip
    return (201 if created else 200), body
