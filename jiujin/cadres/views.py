"""The cadre registry pages: list with live search, detail, create/edit and status change.

Scoping goes only through the selectors (`cadres_for_user` / `get_cadre_for_user`); writes only through services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.query import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.core.access import LOGIN, STAFF, access, is_volunteer, require, staff
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import KeyedPaginator
from jiujin.core.registry import cadre_actions_for, cadre_panels_for

from .filters import CadreFilterForm
from .forms import BaseFamilyContactFormSet, CadreForm, FamilyContactFormSet, StatusChangeForm
from .masking import sees_full_numbers
from .models import MUST_KNOWS, Cadre, CadreStatus
from .people import people_search
from .selectors import (
    cadre_history,
    cadre_rows,
    cadre_with_details,
    completeness_summary_cached,
    get_cadre_for_user,
)
from .services import cadre_change_status, cadre_create, cadre_record_view, cadre_update

# The edit form in the order of the paper 台账: identity first, then the four must-knows.
FORM_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "基本信息",
        [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "is_party_member",
            "party_branch",
            "category",
            "rank",
            "work_unit_name",
            "retirement_date",
            "community",
            "responsible_worker",
        ],
    ),
    ("① 住址和联系方式", ["address", "phone_mobile", "phone_landline"]),
    ("② 家庭和健康", ["living_arrangement", "health_status", "preferred_hospital"]),
    ("③ 爱好特长", ["tags_text", "specialties"]),
    ("④ 生活习惯", ["habits"]),
    ("生日", ["birthday_calendar", "lunar_month", "lunar_day", "lunar_leap"]),
]
FAMILY_PREFIX = "family"

# ---------------------------------------------------------------- list


@access(LOGIN)  # a volunteer is sent on to their own page
@login_required
def cadre_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if is_volunteer(user):  # volunteers get their own, narrower pages (least privilege)
        return redirect("volunteers:me")
    form = CadreFilterForm(request.GET or None, user=user)
    found = form.found()
    paginator = KeyedPaginator(
        found.qs,
        settings.JIUJIN_PAGE_SIZE,
        rows=cadre_rows,
        key=found.key,
        count_with_keys=found.count_with_keys,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "show_sensitive": sees_full_numbers(user),
        "query": _query_without_page(request),
        # Keep the filter panel open while any filter other than the search box is in use.
        "filtering": any(request.GET.get(name) for name in form.fields if name != "q"),
    }
    # Live search swaps only the results; a history restore needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    if partial:
        response = render(request, "cadres/_results.html", context)
    else:
        response = render(request, "cadres/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _query_without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@access(STAFF)
@login_required
def cadre_completeness(request: AuthedRequest) -> HttpResponse:
    """The per-community must-knows table, loaded after the list so a big scope never slows the list.

    Counted at most every few minutes per scope, it shows when (统计于 HH:MM); 刷新 (`?refresh=1`) counts now."""
    refresh = request.GET.get("refresh") == "1"
    summary = completeness_summary_cached(request.user, refresh=refresh)
    context = {
        "summary": summary.rows,
        "computed_at": summary.computed_at,
        "must_knows": MUST_KNOWS,
        "open": refresh,  # refreshed from the open table: keep it open
    }
    return render(request, "cadres/_summary.html", context)


# ---------------------------------------------------------------- detail


@access(LOGIN)  # a volunteer is sent on to the pairing's contact page
@login_required
@require_GET
def cadre_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    if is_volunteer(request.user):
        return redirect("volunteers:my_cadre", cadre_pk=pk)
    cadre = cadre_with_details(request.user, pk)
    cadre_record_view(actor=actor_from_request(request), cadre=cadre, detail="查看详情")
    known = cadre.must_knows()
    return render(
        request,
        "cadres/detail.html",
        {
            "cadre": cadre,
            "show_sensitive": sees_full_numbers(request.user),
            "actions": cadre_actions_for(request.user, cadre),
            "panels": cadre_panels_for(request, cadre),
            "unknown": [label for key, label in MUST_KNOWS if not known[key]],
            "history": cadre_history(cadre),
        },
    )


# ---------------------------------------------------------------- create / edit


@access(staff("manage_cadres"))
@login_required
@require_http_methods(["GET", "POST"])
def cadre_create_view(request: AuthedRequest) -> HttpResponse:
    cadre = Cadre()
    if request.method == "POST":
        form = CadreForm(request.POST, instance=cadre, user=request.user)
        family = FamilyContactFormSet(request.POST, instance=cadre, prefix=FAMILY_PREFIX)
        if _all_valid(form, family):
            try:  # the cadre and its family contacts together, or neither
                created = cadre_create(
                    actor=actor_from_request(request), data=form.cadre_data(), family=family.values()
                )
            except ValidationError as exc:  # e.g. the same ID number saved at the same moment
                form.add_error(None, exc)
            else:
                messages.success(request, f"已新增老干部 {created.name}")
                return redirect("cadres:detail", pk=created.pk)
    else:
        form = CadreForm(instance=cadre, user=request.user, initial=_create_initial(request.user))
        family = FamilyContactFormSet(instance=cadre, prefix=FAMILY_PREFIX)
    return _render_form(request, form, family, cadre=None)


def _create_initial(user: User) -> dict[str, Any]:
    # A community worker almost always enters cadres of their own community, in their own care.
    unit = user.org_unit
    if unit is not None and unit.is_community:
        return {"community": unit.pk, "responsible_worker": user.pk}
    return {}


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def cadre_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, pk)  # 404 before 403: out of scope looks missing
    require(request.user, "manage_cadres")
    prefetch_related_objects([cadre], "tags")
    # Without view_sensitive the numbers are masked here as on the detail page; blank keeps them.
    masked = {"mask_sensitive": not sees_full_numbers(request.user)}
    if request.method == "POST":
        form = CadreForm(request.POST, instance=cadre, user=request.user, **masked)  # validates a copy
        family = FamilyContactFormSet(request.POST, instance=cadre, prefix=FAMILY_PREFIX, form_kwargs=masked)
        if _all_valid(form, family):
            cadre_update(
                actor=actor_from_request(request), cadre=cadre, data=form.cadre_data(), family=family.values()
            )
            messages.success(request, "已保存")
            return redirect("cadres:detail", pk=cadre.pk)
    else:
        form = CadreForm(instance=cadre, user=request.user, **masked)
        family = FamilyContactFormSet(instance=cadre, prefix=FAMILY_PREFIX, form_kwargs=masked)
        # The edit page shows the cadre's personal data (masked or not): reading it is logged.
        cadre_record_view(actor=actor_from_request(request), cadre=cadre, detail="查看编辑页")
    return _render_form(request, form, family, cadre=cadre)


def _all_valid(form: CadreForm, family: BaseFamilyContactFormSet) -> bool:
    # Validate both so every error shows at once.
    form_ok = form.is_valid()
    return family.is_valid() and form_ok


def _render_form(
    request: AuthedRequest, form: CadreForm, family: Any, *, cadre: Cadre | None
) -> HttpResponse:
    sections = [(title, [form[name] for name in names]) for title, names in FORM_SECTIONS]
    return render(
        request, "cadres/form.html", {"form": form, "sections": sections, "family": family, "cadre": cadre}
    )


# ---------------------------------------------------------------- status


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def cadre_status_view(request: AuthedRequest, pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, pk)
    require(request.user, "manage_cadres")
    form = StatusChangeForm(request.POST or None, cadre=cadre)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:  # 去世 here does what 登记事件 does: the file-closed hooks make the 吊唁 visit
            cadre_change_status(
                actor=actor_from_request(request),
                cadre=cadre,
                status=data["status"],
                on=data["date"],
                reason=data["reason"],
            )
        except ValidationError as exc:  # changed by someone else meanwhile
            form.add_error(None, exc)
        else:
            messages.success(request, f"状态已改为：{CadreStatus(data['status']).label}")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/status.html", {"form": form, "cadre": cadre})


# ---------------------------------------------------------------- people (pickers)


@access(STAFF)
@login_required
@require_GET
def people_suggest(request: AuthedRequest) -> HttpResponse:
    """Suggestions for a person picker: `?field=NAME&NAME=typed&kinds=staff,volunteer[&cadre=PK]`, within the
    caller's scope (and, given a cadre, only people who can reach that cadre)."""
    params = request.GET
    q = (params.get(params.get("field", "q"), "") or "")[:40]
    kinds = [k for k in params.get("kinds", "staff").split(",") if k][:4]
    cadre_pk = params.get("cadre", "")
    cadre = get_cadre_for_user(request.user, cadre_pk) if cadre_pk else None
    people = people_search(request.user, q, kinds=kinds, cadre=cadre)
    return render(request, "cadres/_person_options.html", {"people": people, "q": q.strip()})
