"""发挥作用 over /api/v1/: logging a contribution, and a cadre's participation over the last 12 months.

Scoping is the pages' (`get_cadre_for_user`); out of scope is 404 like missing, before any 403. Input is
checked by the pages' ContributionForm, so both accept and reject the same input with the same messages.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.api import (
    Detail,
    caller,
    choices_text,
    forbid,
    one_of,
    raise_field_errors,
    raise_form_errors,
)

from .forms import ContributionForm
from .models import Contribution, Kind, years_after
from .selectors import hours_between
from .services import contribution_log

router = Router(tags=["发挥作用"])

MANAGE = "manage_cadres"


class ContributionIn(Schema):
    cadre: int = Field(description="老干部 id")
    kind: Annotated[str, one_of(Kind)] = Field(description=choices_text(Kind))
    date: date
    hours: Decimal | None = Field(None, description="服务时长（小时），服务类必填，最多一位小数")
    amount: Decimal | None = Field(None, description="捐款金额（元，精确到分），捐款必填")
    receipt_no: str = Field("", description="收据号，捐款必填，同一社区内不得重复")
    note: str = ""


class ContributionOut(Schema):
    id: int
    cadre: int
    kind: str
    date: date
    hours: Decimal | None
    amount: Decimal | None
    receipt_no: str
    note: str
    unit: str = Field(description="登记社区代码")


class ParticipationOut(Schema):
    cadre: int
    since: date = Field(description="统计起始日（含），即今天往前 12 个月")
    until: date = Field(description="统计截止日（含），今天")
    events_attended: int = Field(description="参加学习和活动的次数")
    last_attended: date | None = Field(description="最近一次参加活动的日期")
    contribution_hours: Decimal = Field(description="发挥作用服务时长（小时）")


@router.post(
    "/contributions",
    response={201: ContributionOut, 403: Detail, 404: Detail},
    summary="登记发挥作用 Log a contribution",
)
@access(STAFF)
def create_contribution(request: HttpRequest, payload: ContributionIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    get_cadre_for_user(user, payload.cadre)  # out of scope is 404, before the 403
    if not user.can(MANAGE):
        forbid("没有登记发挥作用的权限")
    data = {k: "" if v is None else v for k, v in payload.dict().items()}
    form = ContributionForm(data, user=user, today=timezone.localdate())
    raise_form_errors(form)
    try:
        row = contribution_log(actor=actor_from_request(request, via="api"), **form.cleaned_data)
    except DjangoValidationError as exc:
        raise_field_errors(exc.message_dict)
    return 201, _out(row)


@router.get(
    "/cadres/{cadre_id}/participation",
    response={200: ParticipationOut, 404: Detail},
    summary="参与情况 Events attended and contribution hours in the last 12 months",
)
@access(STAFF)
def participation(request: HttpRequest, cadre_id: int) -> dict[str, Any]:
    from jiujin.events.selectors import participation as events_participation  # the events app's contract

    cadre = get_cadre_for_user(caller(request), cadre_id)
    today = timezone.localdate()
    since = window_start(today)
    attended, last = events_participation(cadre.pk, since)
    return {
        "cadre": cadre.pk,
        "since": since,
        "until": today,
        "events_attended": attended,
        "last_attended": last,
        "contribution_hours": hours_between(cadre.pk, since, today),
    }


def window_start(today: date) -> date:
    """The first day of the last 12 months: the day after the same date a year ago."""
    return years_after(today, -1) + timedelta(days=1)


def _out(row: Contribution) -> dict[str, Any]:
    return {
        "id": row.pk,
        "cadre": row.cadre_id,
        "kind": row.kind,
        "date": row.date,
        "hours": row.hours,
        "amount": row.amount,
        "receipt_no": row.receipt_no,
        "note": row.note,
        "unit": row.org_unit.code,
    }
