"""Branch pages: the list, a branch's detail (members, secretary, meetings, what is missing this year), the
branch form and the membership changes (add, role, leave, transfer). Dues and the badge are in views_dues.

A branch is reached through `selectors.get_branch_for_user`, a membership through the cadre's scope: out of
scope is a 404 like missing; writes need manage_cadres (403), and go through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.core.access import STAFF, access, staff
from jiujin.core.http import AuthedRequest

from . import meetings, selectors, services
from .forms import BranchForm, EndForm, MemberForm, RoleForm, TransferForm
from .models import Branch, Membership

MANAGE = "manage_cadres"


def _require_manage(user: User) -> None:
    if not user.can(MANAGE):
        raise PermissionDenied("没有管理党支部的权限")


@access(STAFF)
@login_required
@require_GET
def branch_list(request: AuthedRequest) -> HttpResponse:
    rows = list(selectors.branches_for_user(request.user))
    year = timezone.localdate().year
    missing = meetings.missing_by_branch(rows, year, today=timezone.localdate())
    for b in rows:
        b.missing = missing.get(b.pk, [])  # type: ignore[attr-defined]
    context = {"rows": rows, "can_manage": request.user.can(MANAGE), "year": year}
    return render(request, "branches/list.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def branch_new(request: AuthedRequest) -> HttpResponse:
    _require_manage(request.user)
    form = BranchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            branch = services.branch_create(actor=actor_from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已建立{branch.name}")
            return redirect("branches:detail", pk=branch.pk)
    return render(request, "branches/form.html", {"form": form, "branch": None})


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def branch_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    branch = selectors.get_branch_for_user(request.user, pk)
    _require_manage(request.user)
    initial = {f: getattr(branch, f) for f in services.BRANCH_FIELDS}
    form = BranchForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(actor=actor_from_request(request), branch=branch, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存")
            return redirect("branches:detail", pk=branch.pk)
    return render(request, "branches/form.html", {"form": form, "branch": branch})


@access(STAFF)
@login_required
@require_GET
def branch_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    branch = selectors.get_branch_for_user(user, pk)
    today = timezone.localdate()
    members = selectors.branch_members(user, branch)
    context = {
        "branch": branch,
        "members": members,
        "secretary": next((m for m in members.rows if m.role == "secretary"), None),
        "history": selectors.branch_history(user, branch),
        "meetings": meetings.branch_meetings(branch, today.year),
        "check": meetings.yearly_check(branch, today.year, today=today),
        "can_manage": user.can(MANAGE),
        "today": today,
        "role_form": RoleForm(),
    }
    return render(request, "branches/detail.html", context)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: AuthedRequest, pk: int) -> HttpResponse:
    branch = selectors.get_branch_for_user(request.user, pk)
    _require_manage(request.user)
    cadres = selectors.addable_cadres(request.user, branch)
    initial = {"joined_on": timezone.localdate()}
    form = MemberForm(request.POST or None, initial=initial, cadres=cadres)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=actor_from_request(request), branch=branch, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{form.cleaned_data['cadre'].name}已转入{branch.name}")
            return redirect("branches:detail", pk=branch.pk)
    return render(request, "branches/member_form.html", {"form": form, "branch": branch})


def _membership_for_change(request: AuthedRequest, pk: int) -> Membership:
    membership = selectors.get_membership_for_user(request.user, pk)  # 404 before 403
    _require_manage(request.user)
    if membership.left_on is not None:
        raise PermissionDenied("该组织关系已经转出")
    return membership


@access(staff(MANAGE))
@login_required
@require_POST
def member_role(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = _membership_for_change(request, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        services.membership_set_role(
            actor=actor_from_request(request), membership=membership, role=form.cleaned_data["role"]
        )
        messages.success(request, f"{membership.cadre.name}：{membership.get_role_display()}")
    return redirect("branches:detail", pk=membership.branch_id)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def member_end(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = _membership_for_change(request, pk)
    form = EndForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_end(
                actor=actor_from_request(request),
                membership=membership,
                left_on=data["left_on"],
                reason=data["reason"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{membership.cadre.name}的组织关系已转出")
            return redirect("branches:detail", pk=membership.branch_id)
    return _member_page(request, membership, form, "转出")


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = _membership_for_change(request, pk)
    branches = Branch.objects.for_user(request.user).exclude(pk=membership.branch_id).order_by("name")
    form = TransferForm(request.POST or None, initial={"on": timezone.localdate()}, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_transfer(
                actor=actor_from_request(request),
                membership=membership,
                to_branch=data["to_branch"],
                on=data["on"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{membership.cadre.name}已转至{data['to_branch'].name}")
            return redirect("branches:detail", pk=data["to_branch"].pk)
    return _member_page(request, membership, form, "转接到其他支部")


def _member_page(request: AuthedRequest, membership: Membership, form: Any, action: str) -> HttpResponse:
    context = {"membership": membership, "form": form, "action": action}
    return render(request, "branches/member_change.html", context)


# ---------------------------------------------------------------- the cadre page's panel


def party_panel(request: Any, cadre: Cadre) -> str:
    """Branch, party age and dues on a cadre's page; nothing for a cadre who is no party member here."""
    membership, profile = selectors.cadre_party_facts(cadre)
    if membership is None and profile is None and not cadre.is_party_member:
        return ""
    today = timezone.localdate()
    context = {
        "cadre": cadre,
        "membership": membership,
        "profile": profile,
        "party_years": profile.party_years(today) if profile else None,
        "dues": selectors.cadre_dues_status(cadre),
    }
    return render_to_string("branches/_cadre_panel.html", context, request=request)
