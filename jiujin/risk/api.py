"""The risk radar over the API: a unit's cadres by care level, with the reasons and the due day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.core.access import STAFF, access, access_unit
from jiujin.core.api import PAGE_SIZE, CappedPage, Detail, OneOf, caller, page_field, paged

from . import selectors
from .models import Level

router = Router(tags=["风险关爱"])

LEVEL_CODES = {"high": Level.HIGH, "priority": Level.PRIORITY, "general": Level.GENERAL}
CODE_OF = {level: code for code, level in LEVEL_CODES.items()}


class RiskOut(Schema):
    cadre: int = Field(description="老干部 id")
    name: str
    community: str = Field(description="社区代码")
    level: str = Field(description="关爱等级：high 高风险 / priority 重点 / general 一般")
    level_label: str
    reasons: list[str] = Field(description="原因（中文）")
    last_contact: date | None = Field(description="最近一次任何方式的联系；从未联系为 null")
    days_since_contact: int | None
    due_on: date = Field(description="应在此日之前（含）联系")


class RiskPage(CappedPage):
    items: list[RiskOut]


class RiskFilters(Schema):
    unit: str | None = Field(None, description="单位代码：该单位及下级社区的老干部；默认为调用者所在单位")
    level: Annotated[str, OneOf(tuple(LEVEL_CODES))] | None = None
    due: bool = Field(False, description="只列出 7 天内需要联系的")
    page: int = page_field(PAGE_SIZE)


@router.get("/risk", response={200: RiskPage, 404: Detail}, summary="风险关爱名单 Care levels")
@access(STAFF)
def risk_list(request: HttpRequest, filters: Query[RiskFilters]) -> dict[str, Any]:
    user = caller(request)
    unit = access_unit(user, filters.unit) if filters.unit else user.org_unit
    if unit is None:  # an admin without a unit names one
        raise HttpError(422, "请指定单位代码 unit")
    today = timezone.localdate()
    due_by = today + timedelta(days=selectors.WEEK - 1) if filters.due else None
    level = LEVEL_CODES[filters.level] if filters.level else None
    qs = selectors.radar_queryset(user, unit, level=level, due_by=due_by)

    def items(risks: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "cadre": r.cadre.pk,
                "name": r.cadre.name,
                "community": r.cadre.community.code,
                "level": CODE_OF[Level(r.level)],
                "level_label": r.level_label,
                "reasons": r.reasons,
                "last_contact": r.last_contact,
                "days_since_contact": r.days_since,
                "due_on": r.due_on,
            }
            for r in selectors.radar_rows([risk.cadre_id for risk in risks], today)
        ]

    return paged(qs, filters.page, items=items)
