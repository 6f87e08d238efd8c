"""数据看板 over /api/v1/: a unit's summary figures over a period, and the same for each child unit.

The unit is looked up in the caller's scope (out of scope is 404 like missing); the period is checked by the
pages' form (core.periods.PeriodForm), so both reject the same input with the same Chinese messages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from jiujin.core.access import STAFF, access, resolve_unit
from jiujin.core.api import Detail, caller, raise_form_errors
from jiujin.core.periods import PeriodForm

from .display import api_dashboard

router = Router(tags=["数据看板"])


class DashboardQuery(Schema):
    unit: str = Field("", description="单位代码，默认本人所在单位")
    start: str = Field("", alias="from", description="开始日期 YYYY-MM-DD，默认本年 1 月 1 日")
    end: str = Field("", alias="to", description="结束日期 YYYY-MM-DD，默认本年 12 月 31 日")


class UnitOut(Schema):
    code: str
    name: str
    level: str = Field(description="city 市 / district 区县 / street 街道 / community 社区")


class UnitFigures(Schema):
    unit: UnitOut
    cadres: int = Field(description="老干部（期末现状）")
    visits_due: int = Field(description="应访")
    visits_done: int = Field(description="已访")
    visits_overdue: int = Field(description="逾期未访")
    requests: int = Field(description="服务工单")
    requests_on_time: int = Field(description="按时办结")
    satisfaction: float | None = Field(
        description="满意度：评价分 / 已评价（5 分制，两位小数）；无评价为 null"
    )
    at_risk: int = Field(description="高风险和重点（期末现状）")
    at_risk_contacted_on_time: int = Field(description="其中在联系周期内联系过的")
    snapshot: date | None = Field(
        description="现状类指标（老干部、高风险等）所取快照的日期；null：期末前未计算"
    )
    figures: dict[str, int] = Field(
        description="每个登记的汇总指标的数值，分项为“指标:分项”；金额、时长按指标说明的单位"
    )


class DashboardOut(UnitFigures):
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    children: list[UnitFigures] = Field(description="各下级单位，同样的指标")


@router.get(
    "/dashboard",
    response={200: DashboardOut, 404: Detail},
    by_alias=True,
    summary="数据看板 A unit's summary figures over a period, and each child unit's",
    description="读取汇总表（每日由后台任务更新），与数据看板和汇报材料的数字一致。流量类指标为期间合计，"
    "现状类指标为期末前最后一次快照。",
)
@access(STAFF)
def dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> Any:
    unit = resolve_unit(caller(request), query.unit.strip())  # out of scope is 404
    form = PeriodForm({"from": query.start, "to": query.end}, today=timezone.localdate())
    raise_form_errors(form, source="query", names={"start": "from", "end": "to"})
    start, end = form.period()
    return api_dashboard(unit, start, end)
