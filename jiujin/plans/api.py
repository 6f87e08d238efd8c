"""A cadre's individual service plan over /api/v1/ (mounted at "/").

Scoping is the pages' (get_cadre_for_user): out of scope is 404 like missing. PUT is validated by the
page's forms (via forms.plan_data), so both accept and reject the same input with the same messages.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.api import Detail, caller, forbid, one_of, raise_form_errors

from . import services
from .forms import PlanForm, PlanItemFormSet, plan_data
from .models import FrequencyUnit, PlanService, ServicePlan
from .selectors import plan_for, plan_items_by_id

router = Router(tags=["个性化服务方案"])


class ServiceIn(Schema):
    id: int | None = Field(None, description="修改已有服务项时填写；不填为新增")
    what: str = Field(description="服务内容，如 上门理发")
    every: int = Field(1, description="每 N 个周期一次")
    unit: Annotated[str, one_of(FrequencyUnit)] = FrequencyUnit.WEEK
    worker: str | None = Field(None, description="责任人（工作人员）用户名")
    volunteer: int | None = Field(None, description="责任人（志愿者）id；都不填则由老干部的联系人负责")
    start_date: str = Field(description="YYYY-MM-DD")
    active: bool = True


class PlanIn(Schema):
    needs: str = ""
    need_tags: list[str] = []
    review_date: str | None = Field(None, description="下次复核日期 YYYY-MM-DD")
    services: list[ServiceIn] = Field([], description="完整列表：未列出的已有服务项将停止（保留历史）")


class ServiceOut(Schema):
    id: int
    what: str
    every: int
    unit: str
    worker: str | None
    volunteer: int | None
    start_date: date
    active: bool


class PlanOut(Schema):
    id: int | None = Field(description="尚未制定方案时为 null")
    cadre: int
    needs: str
    need_tags: list[str]
    review_date: date | None
    last_reviewed_on: date | None
    services: list[ServiceOut]


@router.get(
    "/cadres/{cadre_id}/plan", response={200: PlanOut, 404: Detail}, summary="服务方案 Get a cadre's plan"
)
@access(STAFF)
def get_plan(request: HttpRequest, cadre_id: int) -> dict[str, Any]:
    cadre = get_cadre_for_user(caller(request), cadre_id)
    services.plan_record_view(actor=actor_from_request(request, via="api"), cadre=cadre)
    return _plan_out(cadre, plan_for(cadre))


@router.put(
    "/cadres/{cadre_id}/plan",
    response={200: PlanOut, 403: Detail, 404: Detail},
    summary="保存服务方案 Create or replace a cadre's plan",
)
@access(STAFF)
def put_plan(request: HttpRequest, cadre_id: int, payload: PlanIn) -> dict[str, Any]:
    user = caller(request)
    cadre = get_cadre_for_user(user, cadre_id)
    if not user.can("manage_cadres"):
        forbid("没有制定服务方案的权限")
    plan = plan_for(cadre)
    data = plan_data(cadre=cadre, sent=payload.dict())
    form = PlanForm(data)
    raise_form_errors(form)
    formset = PlanItemFormSet(data, cadre=cadre, plan=plan)
    for n, item_form in enumerate(formset.forms):
        raise_form_errors(item_form, source=f"body.services.{n}")
    values = {
        "needs": form.cleaned_data["needs"],
        "need_tags": form.tags(),
        "review_date": form.cleaned_data["review_date"],
        "items": formset.values(),
    }
    actor = actor_from_request(request, via="api")
    if plan is None:
        plan = services.plan_create(actor=actor, cadre=cadre, **values)
    else:
        plan = services.plan_update(actor=actor, plan=plan, **values)
    return _plan_out(cadre, plan)


def _plan_out(cadre: Cadre, plan: ServicePlan | None) -> dict[str, Any]:
    items = plan_items_by_id(plan)
    return {
        "id": plan.pk if plan else None,
        "cadre": cadre.pk,
        "needs": plan.needs if plan else "",
        "need_tags": list(plan.need_tags) if plan else [],
        "review_date": plan.review_date if plan else None,
        "last_reviewed_on": plan.last_reviewed_on if plan else None,
        "services": [_service_out(i) for i in items],
    }


def _service_out(item: PlanService) -> dict[str, Any]:
    return {
        "id": item.pk,
        "what": item.what,
        "every": item.every,
        "unit": item.unit,
        "worker": item.worker.username if item.worker else None,
        "volunteer": item.volunteer_id,
        "start_date": item.start_date,
        "active": item.active,
    }
