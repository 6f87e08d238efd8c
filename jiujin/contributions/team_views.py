"""Team pages: the list, a team with its members and outings, adding and removing members, and logging an
outing's hours for several members at once (one form; all rows or none)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, access, staff
from jiujin.core.http import AuthedRequest

from . import selectors
from .forms import MemberForm, OutingForm, TeamForm
from .models import Team
from .services import outing_log, team_member_remove, team_members_add, team_save
from .views import MANAGE, picked_cadre, require_manage

OUTINGS_SHOWN = 20


@access(STAFF)
@login_required
@require_GET
def teams(request: AuthedRequest) -> HttpResponse:
    year = timezone.localdate().year
    rows = list(selectors.teams_listed(request.user, year)[:200])
    context = {"teams": rows, "year": year, "can_manage": request.user.can(MANAGE)}
    return render(request, "contributions/teams.html", context)


@access(STAFF)
@login_required
@require_GET
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.team_for_user(request.user, pk)
    return render(
        request, "contributions/team.html", _team_context(request, found, MemberForm(user=request.user))
    )


def _team_context(request: AuthedRequest, found: Team, form: MemberForm) -> dict:
    return {
        "team": found,
        "members": selectors.team_members(found),
        "outings": selectors.team_outings(found, OUTINGS_SHOWN),
        "form": form,
        "can_manage": request.user.can(MANAGE),
    }


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    instance = selectors.team_for_user(user, pk) if pk is not None else Team()
    require_manage(user)
    form = TeamForm(request.POST or None, instance=instance, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = team_save(actor=actor_from_request(request), team=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存队伍“{saved.name}”")
            return redirect("contributions:team", pk=saved.pk)
    leader = picked_cadre(
        user, request.POST.get("leader") if request.method == "POST" else instance.leader_id
    )
    return render(request, "contributions/team_form.html", {"form": form, "picked": leader})


@access(staff(MANAGE))
@login_required
@require_POST
def team_member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.team_for_user(request.user, pk)
    require_manage(request.user)
    form = MemberForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            team_members_add(
                actor=actor_from_request(request), team=found, cadres=[form.cleaned_data["cadre"]]
            )
        except ValidationError as exc:
            form.add_error("cadre", exc.messages)
        else:
            messages.success(request, f"{form.cleaned_data['cadre'].name}已加入{found.name}")
            return redirect("contributions:team", pk=found.pk)
    return render(request, "contributions/team.html", _team_context(request, found, form), status=422)


@access(staff(MANAGE))
@login_required
@require_POST
def team_member_drop(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.team_for_user(request.user, pk)
    require_manage(request.user)
    member = next(
        (m for m in selectors.team_members(found) if str(m.cadre_id) == request.POST.get("cadre")), None
    )
    if member is not None:
        team_member_remove(actor=actor_from_request(request), team=found, cadre=member.cadre)
        messages.success(request, f"{member.cadre.name}已退出{found.name}")
    return redirect("contributions:team", pk=found.pk)


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def team_outing(request: AuthedRequest, pk: int) -> HttpResponse:
    found = selectors.team_for_user(request.user, pk)
    require_manage(request.user)
    members = selectors.team_members(found)
    form = OutingForm(request.POST or None, members=members, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        lines = form.lines()
        try:
            outing_log(
                actor=actor_from_request(request),
                team=found,
                date=form.cleaned_data["date"],
                title=form.cleaned_data["title"],
                lines=lines,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已登记{found.name}的活动：{len(lines)} 人")
            return redirect("contributions:team", pk=found.pk)
    return render(request, "contributions/team_outing.html", {"team": found, "form": form})
