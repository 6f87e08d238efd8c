"""台账汇总: pick a unit and a period, see each ledger's row count, download the bundle.
汇报材料: the same unit and period's work report — preview, texts, download, its Word template."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import IO
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import Actor, actor_from_request
from jiujin.core.access import access, resolve_unit, staff
from jiujin.core.http import AuthedRequest
from jiujin.core.periods import PeriodForm
from jiujin.dashboards.selectors import freshness
from jiujin.orgs.models import OrgUnit

from . import services
from .forms import ReportTemplateForm, ReportTextForm
from .ledgers import XLSX, bundle_filename, ledger_counts, ledgers_export
from .report_template import TAGS_HELP, default_template
from .workreport import (
    DOCX,
    ReportTemplateError,
    render_report,
    report_context,
    report_filename,
    template_in_use,
    work_report_export,
)

EXPORT = "export_roster"


def _bundle_file(actor: Actor, unit: OrgUnit, start: date, end: date) -> IO[bytes]:
    """The workbook in a temporary file, rewound: memory stays flat however many rows it holds."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by the response
    ledgers_export(actor=actor, unit=unit, start=start, end=end, out=out)
    out.seek(0)
    return out


def _attachment(response: HttpResponseBase, unit: OrgUnit, start: date, end: date) -> None:
    response["Content-Disposition"] = content_disposition_header(True, bundle_filename(unit, start, end))


def bundle_download(actor: Actor, unit: OrgUnit, start: date, end: date) -> FileResponse:
    """For a browser: streamed from the file."""
    response = FileResponse(_bundle_file(actor, unit, start, end), content_type=XLSX)
    _attachment(response, unit, start, end)
    return response


def bundle_response(actor: Actor, unit: OrgUnit, start: date, end: date) -> HttpResponse:
    """For the API: one body, as its clients read it."""
    with _bundle_file(actor, unit, start, end) as out:
        response = HttpResponse(out.read(), content_type=XLSX)
    _attachment(response, unit, start, end)
    return response


@access(staff(EXPORT))
@login_required
@require_GET
def ledgers(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    unit = resolve_unit(user, request.GET.get("unit", ""))
    form = PeriodForm(request.GET, today=today)
    counts: list = []
    start = end = None
    preset = "custom"
    if form.is_valid():
        start, end = form.period()
        preset = form.cleaned_data["preset"]
        counts = ledger_counts(user, unit, start, end)
        # The boxes show the period whichever way it was chosen.
        form = PeriodForm({"from": start.isoformat(), "to": end.isoformat()}, today=today)
    own = user.org_unit
    context = {
        "form": form,
        "unit": unit,
        "start": start,
        "end": end,
        "preset": preset,
        "counts": counts,
        "total": sum(c.count for c in counts),
        "up": unit.parent if unit.parent and (own is None or own.contains(unit.parent)) else None,
        "children": OrgUnit.objects.filter(parent=unit).order_by("code"),
    }
    return render(request, "reports/ledgers.html", context)


@access(staff(EXPORT))
@login_required
@require_GET
def ledgers_download(request: AuthedRequest) -> HttpResponse | FileResponse:
    form = PeriodForm(request.GET, today=timezone.localdate())
    unit = resolve_unit(request.user, request.GET.get("unit", ""))
    if not form.is_valid():
        return HttpResponseBadRequest("；".join(str(m) for ms in form.errors.values() for m in ms))
    start, end = form.period()
    return bundle_download(actor_from_request(request), unit, start, end)


# ---------------------------------------------------------------- 汇报材料 (work report)


def _period(request: AuthedRequest) -> tuple[OrgUnit, PeriodForm]:
    return resolve_unit(request.user, request.GET.get("unit", "")), PeriodForm(
        request.GET, today=timezone.localdate()
    )


def _back(unit: OrgUnit, start: date, end: date) -> HttpResponse:
    query = urlencode({"unit": unit.code, "from": start.isoformat(), "to": end.isoformat()})
    return redirect(f"{reverse('reports:work_report')}?{query}")


def docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@access(staff(EXPORT))
@login_required
@require_http_methods(["GET", "POST"])
def work_report(request: AuthedRequest) -> HttpResponse:
    """The numbers of the report (a preview), its two texts (saved per unit and period), the download, and the
    Word template in use with its download and upload."""
    user = request.user
    today = timezone.localdate()
    unit, form = _period(request)
    context: dict = {"form": form, "unit": unit, "preset": "custom", "start": None, "end": None}
    if form.is_valid():
        start, end = form.period()
        text_form = ReportTextForm(request.POST or None)
        if request.method == "POST" and text_form.is_valid():
            services.report_text_save(
                actor=actor_from_request(request), unit=unit, start=start, end=end,
                problems=text_form.cleaned_data["problems"], plans=text_form.cleaned_data["plans"],
            )  # fmt: skip
            messages.success(request, "已保存存在的问题和下一步打算")
            return _back(unit, start, end)
        report = report_context(user=user, unit=unit, start=start, end=end)
        if request.method != "POST":
            text_form = ReportTextForm(
                initial={"problems": "\n".join(report["problems"]), "plans": "\n".join(report["plans"])}
            )
        context |= {
            "start": start,
            "end": end,
            "preset": form.cleaned_data["preset"],
            "report": report,
            "text_form": text_form,
            "template_form": ReportTemplateForm(),
            "template_in_use": template_in_use(unit, with_data=False),
            "tags_help": TAGS_HELP,
            "freshness": freshness(),
        }
        form = PeriodForm({"from": start.isoformat(), "to": end.isoformat()}, today=today)
        context["form"] = form
    own = user.org_unit
    context |= {
        "up": unit.parent if unit.parent and (own is None or own.contains(unit.parent)) else None,
        "children": OrgUnit.objects.filter(parent=unit).order_by("code"),
    }
    return render(request, "reports/work_report.html", context)


@access(staff(EXPORT))
@login_required
@require_GET
def work_report_download(request: AuthedRequest) -> HttpResponse:
    unit, form = _period(request)
    if not form.is_valid():
        return HttpResponseBadRequest("；".join(str(m) for ms in form.errors.values() for m in ms))
    start, end = form.period()
    try:
        data = work_report_export(actor=actor_from_request(request), unit=unit, start=start, end=end)
    except ReportTemplateError as exc:
        messages.error(request, f"汇报材料生成失败：{exc}。请上传修改后的模板，或恢复默认模板。")
        return _back(unit, start, end)
    return docx_response(data, report_filename(unit, start, end))


@access(staff(EXPORT))
@login_required
@require_GET
def work_report_template(request: AuthedRequest) -> HttpResponse:
    """The template in use for the unit (its own, the nearest above, or the default), to restyle in Word."""
    unit = resolve_unit(request.user, request.GET.get("unit", ""))
    uploaded = template_in_use(unit)
    if uploaded is not None:
        return docx_response(bytes(uploaded.data), f"汇报材料模板_{uploaded.unit.name}.docx")
    return docx_response(default_template(), "汇报材料模板_默认.docx")


@access(staff(EXPORT))
@login_required
@require_POST
def work_report_template_upload(request: AuthedRequest) -> HttpResponse:
    """The unit's own template, kept only if it makes this period's report (so errors show now, in Chinese)."""
    unit, form = _period(request)
    if not form.is_valid():
        return HttpResponseBadRequest("；".join(str(m) for ms in form.errors.values() for m in ms))
    start, end = form.period()
    upload = ReportTemplateForm(request.POST, request.FILES)
    if not upload.is_valid():
        messages.error(
            request, "模板未上传：" + "；".join(str(m) for ms in upload.errors.values() for m in ms)
        )
        return _back(unit, start, end)
    checked = upload.cleaned_data["template"]
    try:
        render_report(checked.data, report_context(user=request.user, unit=unit, start=start, end=end))
    except ReportTemplateError as exc:
        messages.error(request, f"模板未上传：{exc}")
        return _back(unit, start, end)
    services.report_template_upload(actor=actor_from_request(request), unit=unit, checked=checked)
    messages.success(request, f"已上传{unit.name}的汇报材料模板，下级单位未上传自己的模板时也使用它")
    return _back(unit, start, end)


@access(staff(EXPORT))
@login_required
@require_POST
def work_report_template_remove(request: AuthedRequest) -> HttpResponse:
    unit, form = _period(request)
    if not form.is_valid():
        return HttpResponseBadRequest("；".join(str(m) for ms in form.errors.values() for m in ms))
    start, end = form.period()
    if services.report_template_remove(actor=actor_from_request(request), unit=unit):
        messages.success(request, f"已删除{unit.name}的模板，恢复使用上级或默认模板")
    return _back(unit, start, end)
