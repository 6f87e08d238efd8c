"""Pilots over /api/v1/: the scoped list with each pilot's eight steps, and marking a step done.

Scoping is the pages' (`selectors`, `access_unit`); out of scope is 404 like missing. Input is checked by the
pages' form and the rules by the same service, so both accept and refuse the same input with the same
Chinese messages.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, access, access_unit
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

from . import selectors, services
from .forms import DoneForm
from .models import STEP_COUNT, PilotStatus, PilotStep, StepState

router = Router(tags=["试点工作"])


class StepOut(Schema):
    number: int = Field(description=f"步骤序号 1–{STEP_COUNT}")
    name: str
    target_date: date
    done_date: date | None
    state: Annotated[str, one_of(StepState)] = Field(description=choices_text(StepState))
    responsible: str
    note: str


class PilotOut(Schema):
    id: int
    community: str = Field(description="试点社区代码")
    community_name: str
    district: str = Field(description="所属区县代码")
    year: int
    name: str
    status: Annotated[str, one_of(PilotStatus)] = Field(description=choices_text(PilotStatus))
    done: int = Field(description="已完成步骤数")
    percent: int = Field(description="完成百分比（0–100）")
    steps: list[StepOut]


class PilotPage(Page):
    items: list[PilotOut]


class PilotFilters(Schema):
    unit: str | None = Field(None, description="单位代码：只看其下的试点社区")
    year: int | None = Field(None, ge=2000, le=2100, description="年度")
    page: int = page_field(PAGE_SIZE)


class DoneIn(Schema):
    note: str = Field("", description="完成情况说明；没有佐证材料时必填")
    done_date: date | None = Field(None, description="完成日期，不填为今天")


@router.get("/pilots", response=PilotPage, summary="试点社区 List pilots with their steps")
@access(STAFF)
def list_pilots(request: HttpRequest, filters: Query[PilotFilters]) -> dict[str, Any]:
    user = caller(request)
    unit = access_unit(user, filters.unit) if filters.unit else None
    qs = selectors.filtered(user, year=filters.year, unit=unit).select_related("community", "district")
    today = timezone.localdate()
    return paged(
        qs.order_by("-year", "community__path"),
        filters.page,
        items=lambda rows: [_pilot_out(p) for p in selectors.progress_rows(rows, today)],
    )


@router.post(
    "/pilots/{pilot_id}/steps/{step}/done",
    response={200: StepOut, 403: Detail, 404: Detail},
    summary="标记步骤完成 Mark a pilot step done",
)
@access(STAFF)
def mark_step_done(request: HttpRequest, pilot_id: int, step: int, payload: DoneIn) -> dict[str, Any]:
    user = caller(request)
    obj = selectors.get_step_for_user(user, pilot_id, step)
    if not services.may_work(user):
        forbid("没有标记试点步骤的权限")
    form = DoneForm(payload.dict())
    raise_form_errors(form)
    try:
        done = services.pilot_step_mark_done(
            actor=actor_from_request(request, via="api"), step=obj, **form.cleaned_data
        )
    except DjangoValidationError as exc:
        raise_field_errors(exc.message_dict)
    except PermissionDenied as exc:
        forbid(str(exc))
    return _step_out(done, done.state_on(timezone.localdate()))


def _step_out(s: PilotStep, state: str) -> dict[str, Any]:
    return {
        "number": s.number,
        "name": s.name,
        "target_date": s.target_date,
        "done_date": s.done_date,
        "state": state,
        "responsible": s.responsible,
        "note": s.note,
    }


def _pilot_out(row: selectors.Progress) -> dict[str, Any]:
    p = row.pilot
    return {
        "id": p.pk,
        "community": p.community.code,
        "community_name": p.community.name,
        "district": p.district.code,
        "year": p.year,
        "name": p.name,
        "status": p.status,
        "done": row.done,
        "percent": row.percent,
        "steps": [_step_out(s, state) for s, state in row.strip],
    }
