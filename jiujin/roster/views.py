from __future__ import annotations

import io
import tempfile
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.cadres.filters import CadreFilterForm
from jiujin.cadres.masking import sees_full_numbers, shown_id, shown_phone
from jiujin.cadres.models import Cadre, Category, Gender, Rank
from jiujin.core.access import access, access_unit, staff
from jiujin.core.http import AuthedRequest
from jiujin.lib.dates import format_cn_date
from jiujin.lib.roster import RosterColumnsError, RosterFormatError
from jiujin.lib.roster_headers import HeaderColumn
from jiujin.orgs.models import OrgUnit

from .exporting import cadre_export_roster, export_title
from .forms import RosterConfirmForm, RosterMappingForm, RosterUploadForm
from .headers import accepted_headers
from .importing import ImportResult, cadre_import_roster
from .mapping import mapping_changes, roster_mapping_save, shown_sample, upload_columns
from .template import write_template
from .uploads import (
    StoredUpload,
    claim_upload,
    delete_upload,
    load_upload,
    local_copy,
    mark_imported,
    save_upload,
    upload_state,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALREADY = {
    "imported": "该文件已导入，无需再次确认",
    "importing": "该文件正在导入，请勿重复提交，稍候刷新本页查看结果",
}
EXPIRED = "上传的文件已过期或不存在，请重新上传"


def _page(request: AuthedRequest, unit: OrgUnit | None = None, **context: Any) -> HttpResponse:
    """The import page: the upload form, and whatever the last step produced (preview, errors, mapping)."""
    initial = {"unit": unit.code} if unit else None
    context.setdefault("form", RosterUploadForm(user=request.user, initial=initial))
    context["accepted"] = accepted_headers()
    return render(request, "roster/import.html", {"unit": unit, **context})


@access(staff("import_roster"))
@login_required
def roster_import(request: AuthedRequest) -> HttpResponse:
    """Upload → dry run → preview. Nothing is written until the preview is confirmed."""
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        unit, upload_file = form.cleaned_data["unit"], form.cleaned_data["file"]
        upload = save_upload(
            chunks=upload_file.chunks(),
            filename=upload_file.name,
            user_id=request.user.pk,
            unit_code=unit.code,
        )
        return _run(request, upload, unit, dry_run=True)
    return _page(request, form=form)


@access(staff("import_roster"))
@login_required
@require_POST
def roster_confirm(request: AuthedRequest) -> HttpResponse:
    """Import the previewed file for real, validating it again: the preview proves nothing by now."""
    form = RosterConfirmForm(request.POST)
    token = form.cleaned_data["token"] if form.is_valid() else ""
    upload = load_upload(token, user_id=request.user.pk)
    unit = access_unit(request.user, upload.unit_code) if upload else None
    # A double click sends two confirms: only the one that claims the file imports it.
    claimed = claim_upload(upload) if upload else None
    if claimed is None or unit is None:
        state = upload_state(token, user_id=request.user.pk)
        if state is None:
            raise Http404(EXPIRED)
        messages.info(request, ALREADY[state])
        return redirect("roster:import")
    return _run(request, claimed, unit, dry_run=False)


@access(staff("import_roster"))
@login_required
@require_POST
def roster_mapping(request: AuthedRequest) -> HttpResponse:
    """The mapping step's answer: remember the unit's choices, then preview the same file again with them."""
    token = str(request.POST.get("token", ""))[:64]
    upload = load_upload(token, user_id=request.user.pk)
    if upload is None:
        messages.error(request, EXPIRED)
        return redirect("roster:import")
    unit = access_unit(request.user, upload.unit_code)
    try:
        with local_copy(upload) as path:
            columns = upload_columns(path, filename=upload.filename, unit=unit)
    except RosterFormatError as exc:
        delete_upload(upload)
        return _page(request, unit, file_error=str(exc))
    form = _mapping_form(request, upload, columns, data=request.POST)
    if not form.is_valid():
        return _page(request, unit, mapping=form, filename=upload.filename)
    changed = roster_mapping_save(
        unit=unit, mapping=mapping_changes(columns, form.chosen()), actor=actor_from_request(request)
    )
    if changed:
        messages.success(request, f"已记住「{unit.name}」的表头对应（{changed}项），以后导入时自动使用。")
    return _run(request, upload, unit, dry_run=True)


def _mapping_form(
    request: AuthedRequest, upload: StoredUpload, columns: list[HeaderColumn], data: Any = None
) -> RosterMappingForm:
    full = sees_full_numbers(request.user)
    samples = {c.col: [shown_sample(s, full=full) for s in c.samples] for c in columns}
    return RosterMappingForm(data, columns=columns, samples=samples, initial={"token": upload.token})


def _run(request: AuthedRequest, upload: StoredUpload, unit: OrgUnit, *, dry_run: bool) -> HttpResponse:
    try:
        with local_copy(upload) as path:
            result = cadre_import_roster(
                source=path,
                filename=upload.filename,
                community=unit,
                actor=actor_from_request(request),
                dry_run=dry_run,
            )
    except RosterFormatError as exc:
        if dry_run and isinstance(exc, RosterColumnsError):
            # A header without 姓名 or 身份证号 that the worker can name: keep the file for the mapping step.
            form = _mapping_form(request, upload, exc.columns)
            return _page(request, unit, file_error=str(exc), mapping=form, filename=upload.filename)
        delete_upload(upload)
        return _page(request, unit, file_error=str(exc))
    except BaseException:
        delete_upload(upload)  # the file must not outlive a failed import either
        raise
    if not dry_run and result.ok:
        mark_imported(upload)
        messages.success(request, f"「{upload.filename}」导入完成：{result.summary}。")
        return redirect("roster:import")
    # Only a preview asks: a confirm has claimed the file, which no mapping step can take back.
    mapping = _mapping_form(request, upload, result.columns) if dry_run and result.needs_mapping else None
    if not result.ok and mapping is None:
        delete_upload(upload)  # a file with errors must be fixed and uploaded again
    return _page(
        request,
        unit,
        result=result,
        filename=upload.filename,
        confirm=RosterConfirmForm(initial={"token": upload.token}) if result.ok else None,
        mapping=mapping,
        preview=_preview_rows(result, sensitive=sees_full_numbers(request.user)),
    )


def _preview_rows(result: ImportResult, *, sensitive: bool) -> list[dict[str, Any]]:
    def phone(value: str) -> str:
        return shown_phone(value, full=sensitive)

    def label(choices: Any, value: str | None) -> str:
        return str(choices(value).label) if value else ""

    rows = []
    for p in result.preview:
        v = p.values
        rows.append(
            {
                "row": p.row,
                "action": p.action,
                "changed": p.changed,
                "name": v.get("name", ""),
                "gender": label(Gender, v.get("gender")),
                "id_number": shown_id(v["id_number"], full=sensitive),
                "birth_date": format_cn_date(v.get("birth_date")),
                "category": label(Category, v.get("category")),
                "rank": label(Rank, v.get("rank")),
                "community": p.community,
                "work_unit": v.get("work_unit", ""),
                "phones": " / ".join(phone(x) for x in (v.get("phone_mobile"), v.get("phone_landline")) if x),
                "address": v.get("address", ""),
                "tags": v.get("tags", ""),
            }
        )
    return rows


@access(staff("export_roster"))
@login_required
def roster_export(request: AuthedRequest) -> FileResponse:
    """The list page's current filter, as an .xlsx 台账 (same query string as the list)."""
    user = request.user
    form = CadreFilterForm(request.GET, user=user)
    cadres = form.apply(Cadre.objects.for_user(user))
    today = timezone.localdate()
    unit = form.cleaned_data.get("unit") if form.is_valid() else None
    unit_name = unit.name if unit else (user.org_unit.name if user.org_unit else "")
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by FileResponse
    cadre_export_roster(
        cadres=cadres,
        actor=actor_from_request(request),
        title=export_title(unit_name, today),
        sensitive=sees_full_numbers(user),
        out=out,
        today=today,
    )
    out.seek(0)
    response = FileResponse(out, content_type=XLSX)
    filename = f"老干部台账-{today:%Y%m%d}.xlsx"
    # ASCII fallback for old clients, RFC 5987 UTF-8 name for everyone else.
    response["Content-Disposition"] = (
        f"attachment; filename=\"roster-{today:%Y%m%d}.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@access(staff("import_roster"))
@login_required
@require_GET
def roster_template(request: AuthedRequest) -> HttpResponse:
    """花名册模板.xlsx: the accepted columns, a notes row and a made-up example person."""
    out = io.BytesIO()
    write_template(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"roster-template.xlsx\"; filename*=UTF-8''{quote('花名册模板.xlsx')}"
    )
    return response
