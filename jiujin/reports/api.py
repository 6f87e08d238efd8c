"""汇报和台账 over /api/v1/: the 台账 bundle of a unit and period as one .xlsx workbook, and the 汇报材料
(work report) as a .docx.

The unit is looked up in the caller's scope first (out of scope is 404 like missing, before any 403); the
period is checked by the page's form, so both reject the same input with the same Chinese messages.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, access, resolve_unit
from jiujin.core.api import Detail, caller, forbid, raise_form_errors
from jiujin.core.periods import PeriodForm
from jiujin.orgs.models import OrgUnit

from .views import EXPORT, bundle_response, docx_response
from .workreport import ReportTemplateError, report_filename, work_report_export

router = Router(tags=["汇报和台账"])


class LedgersQuery(Schema):
    unit: str = Field("", description="单位代码，默认本人所在单位")
    start: str = Field("", alias="from", description="开始日期 YYYY-MM-DD，默认本年 1 月 1 日")
    end: str = Field("", alias="to", description="结束日期 YYYY-MM-DD，默认本年 12 月 31 日")


def _unit_and_period(request: HttpRequest, query: LedgersQuery, denied: str) -> tuple[OrgUnit, date, date]:
    """The unit in the caller's scope (404 outside it, before the 403 without the export right) and the
    period, checked by the pages' form (422 naming the parameter)."""
    user = caller(request)
    unit = resolve_unit(user, query.unit)
    if not user.can(EXPORT):
        forbid(denied)
    form = PeriodForm({"from": query.start, "to": query.end}, today=timezone.localdate())
    raise_form_errors(form, source="query", names={"start": "from", "end": "to"})
    start, end = form.period()
    return unit, start, end


@router.get(
    "/reports/ledgers.xlsx",
    response={200: None, 403: Detail, 404: Detail},
    summary="台账汇总 The ledgers of a unit and period in one .xlsx workbook",
    description="封面和目录之后，每本台账（名册、走访、服务工单、一助一、健康讲座和义诊、学习和活动、发挥作用、"
    "意见建议）一个工作表。",
)
@access(STAFF)
def ledgers_xlsx(request: HttpRequest, query: Query[LedgersQuery]) -> HttpResponse:
    unit, start, end = _unit_and_period(request, query, "没有导出台账的权限")
    return bundle_response(actor_from_request(request, via="api"), unit, start, end)


@router.get(
    "/reports/work-report.docx",
    response={200: None, 403: Detail, 404: Detail, 422: Detail},
    summary="汇报材料 The work report of a unit and period (.docx)",
    description="基本情况、主要做法和成效（含数据）、典型事例、存在的问题、下一步打算和附表，数字与数据看板一致；"
    "使用本单位或上级上传的 Word 模板，没有时用默认模板。",
)
@access(STAFF)
def work_report_docx(request: HttpRequest, query: Query[LedgersQuery]) -> HttpResponse:
    unit, start, end = _unit_and_period(request, query, "没有导出汇报材料的权限")
    try:
        data = work_report_export(
            actor=actor_from_request(request, via="api"), unit=unit, start=start, end=end
        )
    except ReportTemplateError as exc:
        raise HttpError(422, f"汇报材料生成失败：{exc}") from exc
    return docx_response(data, report_filename(unit, start, end))
