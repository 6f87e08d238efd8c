"""台账汇总: pick a unit and a period, see each ledger's row count, download the bundle."""

from __future__ import annotations

import tempfile
from datetime import date
from typing import IO

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from jiujin.audit.services import Actor, actor_from_request
from jiujin.core.access import access, resolve_unit, staff
from jiujin.core.http import AuthedRequest
from jiujin.core.periods import PeriodForm
from jiujin.orgs.models import OrgUnit

from .ledgers import XLSX, bundle_filename, ledger_counts, ledgers_export

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
