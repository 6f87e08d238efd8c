"""Pages of volunteers and 一助一.

Staff: the volunteer registry of the communities in scope, the cadres 一助一 is for, one cadre's pairing page
with ranked suggestions and history, and the contact logs flagged for follow-up. A volunteer login: "我的结对老人"
— their current cadres' name, address, phones and family contacts only — and the contact log.

Scoping goes only through the selectors (`OrgUnit.objects.for_user` / `Cadre.objects.for_user` /
`get_cadre_for_user`); writes only through `services`. Out of scope is a 404, exactly like missing; staff pages
are a 404 for a volunteer login too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record, audit_record_batch
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.models import Cadre
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.cadres.services import cadre_record_view
from jiujin.core.access import STAFF, VOLUNTEER, NoAccess, access
from jiujin.core.http import AuthedRequest

from . import selectors
from .forms import ContactLogForm, LoginForm, PairingEndForm, PairingForm, VolunteerForm
from .matching import building_of, matched_skills
from .models import Pairing, Volunteer
from .services import (
    PairingConflict,
    contact_log_add,
    contact_log_follow_up,
    pairing_create,
    pairing_end,
    volunteer_create,
    volunteer_grant_login,
    volunteer_update,
)

MY_CONTACTS_SHOWN = 20


def _require_manage(user: User) -> None:
    if not user.can("manage_cadres"):
        raise PermissionDenied("没有管理志愿者和结对的权限")


def _apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """Service rule errors onto the form: keyed ones at their field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ---------------------------------------------------------------- registry


@access(STAFF)
@login_required
@require_GET
def volunteer_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    community = selectors.community_for_user(user, request.GET.get("community"))
    active = {"1": True, "0": False}.get(request.GET.get("active", "1"))
    q = request.GET.get("q", "")
    qs = selectors.volunteer_list(user, q=q, community=community, active=active)
    page = Paginator(qs, settings.JIUJIN_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "community": community,
        "active": request.GET.get("active", "1"),
        "communities": selectors.staff_communities(user).only("code", "name"),
        "attention_count": selectors.attention_logs(user).count(),
        "show_sensitive": sees_full_numbers(user),
        "can_manage": user.can("manage_cadres"),
    }
    return render(request, "volunteers/list.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create_view(request: AuthedRequest) -> HttpResponse:
    _require_manage(request.user)
    form = VolunteerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        volunteer = volunteer_create(actor=actor_from_request(request), **form.cleaned_data)
        messages.success(request, f"已登记志愿者 {volunteer.name}")
        return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/form.html", {"form": form, "volunteer": None})


@access(STAFF)
@login_required
@require_GET
def volunteer_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_for_user(request.user, pk)
    login_form = LoginForm() if volunteer.user_id is None else None
    return render(request, "volunteers/detail.html", _detail_context(request, volunteer, login_form))


def _detail_context(
    request: AuthedRequest, volunteer: Volunteer, login_form: LoginForm | None
) -> dict[str, Any]:
    # Only pairings with cadres the viewer may see: a street volunteer may also serve another street.
    pairings = (
        volunteer.pairings.filter(cadre__in=Cadre.objects.for_user(request.user).values("pk"))
        .select_related("cadre")
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
    )
    return {
        "volunteer": volunteer,
        "pairings": pairings,
        "login_form": login_form,
        "show_sensitive": sees_full_numbers(request.user),
        "can_manage": request.user.can("manage_cadres"),
    }


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_for_user(request.user, pk)  # 404 before 403
    _require_manage(request.user)
    initial = VolunteerForm.initial_for(volunteer)
    form = VolunteerForm(request.POST or None, user=request.user, initial=initial, volunteer=volunteer)
    if request.method != "POST":
        # The page shows the volunteer's phone and address (the phone masked without view_sensitive).
        audit_record(
            actor=actor_from_request(request), action=AuditAction.VIEW, subject=volunteer, detail="查看编辑页"
        )
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_update(actor=actor_from_request(request), volunteer=volunteer, values=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/form.html", {"form": form, "volunteer": volunteer})


@access(STAFF)
@login_required
@require_POST
def volunteer_login_view(request: AuthedRequest, pk: int) -> HttpResponse:
    volunteer = selectors.volunteer_for_user(request.user, pk)
    _require_manage(request.user)
    form = LoginForm(request.POST)
    if form.is_valid():
        try:
            volunteer_grant_login(actor=actor_from_request(request), volunteer=volunteer, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PairingConflict as exc:
            messages.warning(request, str(exc))
            return redirect("volunteers:detail", pk=volunteer.pk)
        else:
            messages.success(
                request, f"已开通登录账号 {form.cleaned_data['username']}，志愿者登录后只能看到结对的老人"
            )
            return redirect("volunteers:detail", pk=volunteer.pk)
    return render(request, "volunteers/detail.html", _detail_context(request, volunteer, form), status=422)


# ---------------------------------------------------------------- cadres and pairing


@access(STAFF)
@login_required
@require_GET
def cadre_list(request: AuthedRequest) -> HttpResponse:
    """The cadres 一助一 is for, and who (if anyone) is paired with each."""
    unpaired = request.GET.get("unpaired") == "1"
    qs = selectors.eligible_cadres(request.user, unpaired_only=unpaired).order_by("name_pinyin", "id")
    page = Paginator(qs, settings.JIUJIN_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "volunteers/cadres.html", {"page": page, "unpaired": unpaired})


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def cadre_pairing(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)
    form = PairingForm(request.POST or None, user=request.user)
    if request.method == "POST":
        _require_manage(request.user)
        volunteer = _chosen_volunteer(request, form) if form.is_valid() else None
        if volunteer is not None:
            try:
                pairing_create(
                    actor=actor_from_request(request),
                    cadre=cadre,
                    volunteer=volunteer,
                    started_on=form.cleaned_data["started_on"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            except PairingConflict as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"{cadre.name} 已与志愿者 {volunteer.name} 结对")
                return redirect("volunteers:cadre", cadre_pk=cadre.pk)
        elif form.is_valid():
            form.add_error(None, "请选择一位志愿者")
    else:
        cadre_record_view(actor=actor_from_request(request), cadre=cadre, detail="查看一助一结对")
    return render(request, "volunteers/pairing.html", _pairing_context(request, cadre, form))


def _chosen_volunteer(request: AuthedRequest, form: PairingForm) -> Volunteer | None:
    # A suggestion's button sends `volunteer`; the picker below them names anyone else in scope.
    pk = request.POST.get("volunteer")
    if pk:
        return selectors.volunteer_for_user(request.user, pk)  # someone else's volunteer: 404
    other = form.cleaned_data.get("other_volunteer")
    return other.obj if other is not None else None


def _pairing_context(request: AuthedRequest, cadre: Cadre, form: PairingForm) -> dict[str, Any]:
    user = request.user
    needs = selectors.cadre_needs(cadre)
    suggestions = selectors.suggest_volunteers(user, cadre, needs=needs)
    for v in suggestions:
        v.matched = matched_skills(v.skills, needs)  # type: ignore[attr-defined]
    history = list(selectors.cadre_pairings(cadre))
    current = history[0] if history and history[0].active else None
    return {
        "cadre": cadre,
        "building": building_of(cadre.address),
        "needs": needs,
        "suggestions": suggestions,
        "current": current,
        "history": [p for p in history if p is not current],
        "form": form,
        "end_form": PairingEndForm(),
        "can_manage": user.can("manage_cadres"),
        "show_sensitive": sees_full_numbers(user),
    }


@access(STAFF)
@login_required
@require_POST
def pairing_end_view(request: AuthedRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_for_user(request.user, pk)
    _require_manage(request.user)
    form = PairingEndForm(request.POST)
    if form.is_valid():
        try:
            pairing_end(actor=actor_from_request(request), pairing=pairing, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PairingConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已结束 {pairing.cadre.name} 与 {pairing.volunteer.name} 的结对")
            return redirect("volunteers:cadre", cadre_pk=pairing.cadre_id)
    errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, f"未能结束结对：{errors}")
    return redirect("volunteers:cadre", cadre_pk=pairing.cadre_id)


# ---------------------------------------------------------------- follow-up


@access(STAFF)
@login_required
@require_GET
def attention_list(request: AuthedRequest) -> HttpResponse:
    logs = list(selectors.attention_logs(request.user)[: selectors.ATTENTION_LIMIT])
    return render(
        request,
        "volunteers/attention.html",
        {"logs": logs, "limit": selectors.ATTENTION_LIMIT, "can_manage": request.user.can("manage_cadres")},
    )


@access(STAFF)
@login_required
@require_POST
def contact_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    log = selectors.contact_log_for_user(request.user, pk)
    _require_manage(request.user)
    try:
        contact_log_follow_up(actor=actor_from_request(request), log=log)
    except PairingConflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, f"已标记跟进：{log.pairing.cadre.name} {log.on:%Y-%m-%d} 的联系记录")
    return redirect("volunteers:attention")


# ---------------------------------------------------------------- a volunteer's own pages


@access(VOLUNTEER)
@login_required
@require_GET
def my_home(request: AuthedRequest) -> HttpResponse:
    """我的结对老人: one card per current cadre — name, address, phones, family contacts — and 记录联系."""
    pairings = list(selectors.my_pairings(request.user))
    if pairings:
        audit_record_batch(
            actor=actor_from_request(request),
            action=AuditAction.VIEW,
            cadre_ids=[p.cadre_id for p in pairings],
            detail="志愿者查看结对老人联系方式",
        )
    context = {"volunteer": selectors.my_volunteer(request.user), "pairings": pairings}
    return render(request, "volunteers/me.html", context)


def _my_pairing_of_cadre(user: User, cadre_pk: int) -> Pairing:
    # Only through a current pairing: a volunteer reaches no cadre by its id alone.
    pairing = selectors.my_pairings(user).filter(cadre_id=cadre_pk).first()
    if pairing is None:
        raise NoAccess("没有找到该老人")
    return pairing


@access(VOLUNTEER)
@login_required
@require_GET
def my_cadre(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    """The limited view of one paired cadre (where /cadres/<id>/ sends a volunteer) and the contact history."""
    pairing = _my_pairing_of_cadre(request.user, cadre_pk)
    cadre_record_view(
        actor=actor_from_request(request), cadre=pairing.cadre, detail="志愿者查看结对老人联系方式"
    )
    context = {
        "pairing": pairing,
        "cadre": pairing.cadre,
        "contacts": selectors.contacts_of(pairing)[:MY_CONTACTS_SHOWN],
        "form": ContactLogForm(),
    }
    return render(request, "volunteers/my_cadre.html", context)


@access(VOLUNTEER)
@login_required
@require_http_methods(["GET", "POST"])
def my_contact(request: AuthedRequest, pk: int) -> HttpResponse:
    pairing = selectors.pairing_for_user(request.user, pk)  # the volunteer's own, current pairings only
    form = ContactLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact_log_add(actor=actor_from_request(request), pairing=pairing, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        except PairingConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已记录与 {pairing.cadre.name} 的联系")
            return redirect("volunteers:me")
    return render(request, "volunteers/contact.html", {"pairing": pairing, "form": form})
