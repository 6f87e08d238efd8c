"""发挥作用 pages: totals per unit (drilling down the tree), logging a contribution, the records list, the
台账 export, and the 银发人才库 (filter, nominate, reviews due, review). Teams are in team_views.py.

Reads need staff scope; writes the `manage_cadres` capability; the export `export_roster`. Scoping goes only
through `selectors`; writes only through `services`. Out of scope is a 404, exactly like missing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.models import Cadre
from jiujin.core.access import STAFF, access, staff
from jiujin.core.http import AuthedRequest

from . import selectors
from .exports import ledger_filename, write_ledger
from .forms import ContributionForm, NominateForm, PeriodForm, ReviewForm
from .models import Kind, TalentField
from .services import contribution_log, talent_nominate, talent_review

PAGE_SIZE = 30
MANAGE = "manage_cadres"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEARCH_LIMIT = 8


def require_manage(user: User) -> None:
    if not user.can(MANAGE):
        raise PermissionDenied("没有登记发挥作用的权限")


def picked_cadre(user: User, raw: Any) -> Cadre | None:
    """The cadre named by `?cadre=` / the form's `cadre`, if in scope (to show it ticked again)."""
    raw = str(raw or "")
    if not raw.isdigit():
        return None
    return selectors.cadres_in_scope(user).active().select_related("community").filter(pk=raw).first()


# ---------------------------------------------------------------- totals


@access(STAFF)
@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    period = PeriodForm(request.GET or None, today=today)
    start, end = period.period(today)
    unit = selectors.totals_unit(request.user, request.GET.get("unit"))
    totals = selectors.unit_totals(request.user, unit, start, end)
    context = {
        "period": period,
        "start": start,
        "end": end,
        "totals": totals,
        "can_manage": request.user.can(MANAGE),
    }
    return render(request, "contributions/index.html", context)


# ---------------------------------------------------------------- one contribution


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def log(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    require_manage(user)
    if request.method == "POST":
        form = ContributionForm(request.POST, user=user, today=today)
        if form.is_valid():
            try:
                row = contribution_log(actor=actor_from_request(request), **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已登记：{row.cadre.name} · {row.get_kind_display()}")
                return redirect(f"{request.path}?cadre={row.cadre_id}")
    else:
        initial = {"kind": request.GET.get("kind") if request.GET.get("kind") in Kind.values else None}
        form = ContributionForm(initial=initial, user=user, today=today)
    cadre = picked_cadre(user, request.POST.get("cadre") or request.GET.get("cadre"))
    return render(request, "contributions/log.html", {"form": form, "picked": cadre})


@access(STAFF)
@login_required
@require_GET
def cadre_search(request: AuthedRequest) -> HttpResponse:
    """The forms' cadre finder: matches of the registry's search, as radio buttons named `cadre`."""
    q = request.GET.get("q", "").strip()
    cadres: list[Cadre] = []
    if q:
        qs = selectors.cadres_in_scope(request.user).active().search(q).select_related("community")
        cadres = list(qs[:SEARCH_LIMIT])
    name = request.GET.get("name") if request.GET.get("name") in {"cadre", "leader"} else "cadre"
    return render(request, "contributions/_cadre_matches.html", {"cadres": cadres, "q": q, "name": name})


# ---------------------------------------------------------------- the records and their ledger


@access(STAFF)
@login_required
@require_GET
def records(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    period = PeriodForm(request.GET or None, today=today)
    start, end = period.period(today)
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    qs = selectors.contributions_for(request.user).filter(date__gte=start, date__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    cadre = picked_cadre(request.user, request.GET.get("cadre"))
    if cadre is not None:
        qs = qs.filter(cadre=cadre)
    page = Paginator(qs.select_related("cadre", "org_unit", "outing__team"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "period": period,
        "kind": kind,
        "kinds": Kind.choices,
        "cadre": cadre,
        "sums": selectors.record_sums(qs),
        "can_manage": request.user.can(MANAGE),
    }
    return render(request, "contributions/records.html", context)


@access(staff("export_roster"))
@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can("export_roster"):
        raise PermissionDenied("没有导出台账的权限")
    today = timezone.localdate()
    start, end = PeriodForm(request.GET or None, today=today).period(today)
    unit = selectors.totals_unit(user, request.GET.get("unit"))
    rows = selectors.ledger_rows(user, unit, start, end).iterator(chunk_size=2000)
    content, cadre_ids = write_ledger(rows, title=f"发挥作用台账 {unit.name} {start}至{end}")
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出发挥作用台账 {unit.name} {start:%Y-%m-%d}至{end:%Y-%m-%d}，涉及 {len(cadre_ids)} 人",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, ledger_filename(unit, start, end))
    return response


# ---------------------------------------------------------------- talent pool


@access(STAFF)
@login_required
@require_GET
def talent(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    field = request.GET.get("field", "")
    field = field if field in TalentField.values else ""
    code = request.GET.get("unit", "")
    unit = selectors.access_unit(user, code) if code else None
    qs = selectors.talent_filtered(user, today, field=field, unit=unit)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "field": field,
        "unit": unit,
        "fields": TalentField.choices,
        "units": list(selectors.units_for(user).order_by("path")[:60]),
        "due_count": selectors.talent_due(user, today).count(),
        "age_limit": selectors.talent_age_limit(),
        "can_manage": user.can(MANAGE),
    }
    return render(request, "contributions/talent.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def talent_new(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    require_manage(user)
    form = NominateForm(request.POST or None, user=user, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = talent_nominate(actor=actor_from_request(request), **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{entry.cadre.name}已入选银发人才库（{entry.get_field_display()}）")
            return redirect("contributions:talent")
    cadre = picked_cadre(user, request.POST.get("cadre") or request.GET.get("cadre"))
    return render(request, "contributions/talent_new.html", {"form": form, "picked": cadre})


@access(STAFF)
@login_required
@require_GET
def talent_due(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(selectors.talent_due(request.user, today)[:200])
    context = {"rows": rows, "today": today, "age_limit": selectors.talent_age_limit()}
    return render(request, "contributions/talent_due.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def talent_review_page(request: AuthedRequest, pk: int) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    entry = selectors.talent_entry_for_user(user, pk, today)
    require_manage(user)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = talent_review(actor=actor_from_request(request), entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{entry.cadre.name}：{review.get_outcome_display()}")
            return redirect("contributions:talent_due")
    context = {
        "entry": entry,
        "form": form,
        "reviews": list(entry.reviews.select_related("reviewer")),
        "age": entry.cadre.age(today),
        "age_limit": selectors.talent_age_limit(),
    }
    return render(request, "contributions/talent_review.html", context)
