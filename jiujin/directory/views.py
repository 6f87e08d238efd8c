"""Service directory pages (effective directory, a unit's own entries) and contact-card printing.

Units are scoped through `OrgUnit.objects.for_user`, cadres through `Cadre.objects.for_user` /
`get_cadre_for_user`: out of scope is a 404 like missing. Writes go through `services`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access, access_unit
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import CappedPaginator
from jiujin.orgs.models import OrgUnit

from . import selectors, services
from .forms import DirectoryEntryForm
from .models import DirectoryEntry

MAX_BATCH_CARDS = 2000  # ~4 s to build; a bigger unit prints community by community


def _unit_or_404(user: User, code: str) -> OrgUnit:
    return access_unit(user, code)


def _editable_unit(user: User, code: str) -> OrgUnit:
    unit = _unit_or_404(user, code)  # 404 before 403: out of scope looks missing
    if not selectors.can_edit(user, unit):
        raise PermissionDenied("没有维护服务名录的权限")
    return unit


@access(STAFF)
@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    user = request.user
    unit = user.org_unit or OrgUnit.objects.for_user(user).filter(parent__isnull=True).first()
    if unit is None:
        raise Http404("没有可查看的单位")
    return redirect("directory:unit", code=unit.code)


@access(STAFF)
@login_required
@require_GET
def unit_directory(request: AuthedRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(request.user, code)
    context = {
        "unit": unit,
        "entries": selectors.directory_for(unit),
        "children": OrgUnit.objects.filter(parent=unit).order_by("code"),
        "can_edit": selectors.can_edit(request.user, unit),
    }
    return render(request, "directory/unit.html", context)


@access(STAFF)
@login_required
@require_GET
def unit_edit(request: AuthedRequest, code: str) -> HttpResponse:
    unit = _editable_unit(request.user, code)
    own = list(selectors.own_entries(unit))
    own_keys = {e.key for e in own}
    inherited = [r.entry for r in selectors.directory_for(unit.parent)] if unit.parent else []
    context = {
        "unit": unit,
        "own": own,
        "inherited": [e for e in inherited if e.key not in own_keys],
        "overridden": {e.key for e in inherited} & own_keys,
    }
    return render(request, "directory/edit.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def entry_new(request: AuthedRequest, code: str) -> HttpResponse:
    unit = _editable_unit(request.user, code)
    base = _inherited_entry(unit, request.GET.get("override") or request.POST.get("override"))
    initial = {f: getattr(base, f) for f in services.EDITABLE} if base else {}
    form = DirectoryEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.directory_entry_create(
            actor=actor_from_request(request),
            unit=unit,
            values=form.cleaned_data,
            key=base.key if base else None,
        )
        messages.success(request, f"已保存：{form.cleaned_data['name']}")
        return redirect("directory:edit", code=unit.code)
    return render(request, "directory/entry_form.html", {"unit": unit, "form": form, "base": base})


def _inherited_entry(unit: OrgUnit, key: str | None) -> DirectoryEntry | None:
    if not key or unit.parent is None:
        return None
    found = [r.entry for r in selectors.directory_for(unit.parent) if r.entry.key == key]
    if not found:
        raise Http404("没有找到上级的该条目")
    return found[0]


def _own_entry_or_404(unit: OrgUnit, pk: int) -> DirectoryEntry:
    entry = selectors.own_entries(unit).filter(pk=pk).select_related("org_unit").first()
    if entry is None:
        raise Http404("没有找到该条目")
    return entry


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    unit = _editable_unit(request.user, code)
    entry = _own_entry_or_404(unit, pk)
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        services.directory_entry_update(
            actor=actor_from_request(request), entry=entry, values=form.cleaned_data
        )
        messages.success(request, f"已保存：{entry.name}")
        return redirect("directory:edit", code=unit.code)
    return render(request, "directory/entry_form.html", {"unit": unit, "form": form, "entry": entry})


@access(STAFF)
@login_required
@require_POST
def entry_delete(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    unit = _editable_unit(request.user, code)
    entry = _own_entry_or_404(unit, pk)
    services.directory_entry_delete(actor=actor_from_request(request), entry=entry)
    messages.success(request, f"已删除：{entry.name}")
    return redirect("directory:edit", code=unit.code)


@access(STAFF)
@login_required
@require_POST
def entry_hide(request: AuthedRequest, code: str) -> HttpResponse:
    unit = _editable_unit(request.user, code)
    inherited = _inherited_entry(unit, request.POST.get("key"))
    if inherited is None:
        raise Http404("没有找到上级的该条目")
    services.directory_entry_hide(actor=actor_from_request(request), unit=unit, inherited=inherited)
    messages.success(request, f"已在{unit.name}隐藏：{inherited.name}")
    return redirect("directory:edit", code=unit.code)


# ---------------------------------------------------------------- contact cards


@access(STAFF)
@login_required
@require_GET
def cards(request: AuthedRequest, code: str) -> HttpResponse:
    """The unit's cadres, each with its own print button, and the batch button."""
    unit = _unit_or_404(request.user, code)
    cadres = selectors.card_cadres(request.user, unit)
    page = CappedPaginator(cadres, settings.JIUJIN_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"unit": unit, "page": page, "max_batch": MAX_BATCH_CARDS}
    return render(request, "directory/cards.html", context)


@access(STAFF)
@login_required
@require_GET
def cards_pdf(request: AuthedRequest, code: str) -> HttpResponse:
    unit = _unit_or_404(request.user, code)
    cadres = selectors.card_cadres(request.user, unit)
    if cadres[: MAX_BATCH_CARDS + 1].count() > MAX_BATCH_CARDS:
        messages.error(request, f"一次最多打印 {MAX_BATCH_CARDS} 张，请按社区分批打印")
        return redirect("directory:cards", code=unit.code)
    pdf, _ = services.contact_cards_pdf(
        actor=actor_from_request(request), cadres=cadres, detail=f"{services.PRINT_DETAIL}（{unit.name}批量）"
    )
    return pdf_response(pdf, f"联系卡-{unit.name}-{timezone.localdate():%Y%m%d}.pdf")


@access(STAFF)
@login_required
@require_GET
def cadre_card(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)
    return cadre_card_response(request, cadre, via="web")


def cadre_card_response(request: HttpRequest, cadre: Cadre, *, via: str) -> HttpResponse:
    """One cadre's card; shared by the page and GET /api/v1/cadres/{id}/card.pdf."""
    one = Cadre.objects.filter(pk=cadre.pk).select_related("community", "responsible_worker")
    pdf, _ = services.contact_cards_pdf(
        actor=actor_from_request(request, via=via), cadres=one, detail=services.PRINT_DETAIL
    )
    return pdf_response(pdf, f"联系卡-{cadre.name}.pdf")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    # Inline: the browser's viewer opens it, ready to print.
    response["Content-Disposition"] = content_disposition_header(False, filename) or ""
    response["Cache-Control"] = "no-store"  # a reprint must show today's directory
    return response
