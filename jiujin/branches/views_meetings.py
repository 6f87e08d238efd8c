"""Branch meetings: record one (it becomes an event of the events app for the branch's members), tick who
came (the events app's check-in) and keep the minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.core.access import STAFF, NoAccess, access, staff
from jiujin.core.http import AuthedRequest
from jiujin.events.models import Attendance

from . import selectors, services
from .models import Branch, BranchMeeting, MeetingKind

MANAGE = "manage_cadres"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices, initial=MeetingKind.THEME_DAY)
    title = forms.CharField(label="主题", max_length=100)
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    hours = forms.DecimalField(label="时长（小时）", min_value=0, max_value=12, initial=2, decimal_places=1)
    place = forms.CharField(label="地点", max_length=100, required=False)
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 4}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6}))


def _require_manage(user: User) -> None:
    if not user.can(MANAGE):
        raise PermissionDenied("没有管理党支部的权限")


def _meeting_for_user(user: User, pk: int) -> BranchMeeting:
    meeting = (
        BranchMeeting.objects.filter(pk=pk, branch__in=Branch.objects.for_user(user))
        .select_related("event", "branch")
        .first()
    )
    if meeting is None:
        raise NoAccess("没有找到该会议")
    return meeting


@access(staff(MANAGE))
@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthedRequest, pk: int) -> HttpResponse:
    branch = selectors.get_branch_for_user(request.user, pk)
    _require_manage(request.user)
    today = timezone.localdate()
    initial = {"day": today, "start": "09:00", "hours": 2, "title": f"{today:%Y年%m月}主题党日"}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at = timezone.make_aware(datetime.combine(data["day"], data["start"]))
        try:
            meeting = services.branch_meeting_create(
                actor=actor_from_request(request),
                branch=branch,
                kind=data["kind"],
                title=data["title"],
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=float(data["hours"])),
                place=data["place"],
                minutes=data["minutes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已记录{meeting.get_kind_display()}，请勾选到会党员")
            return redirect("branches:meeting", pk=meeting.pk)
    return render(request, "branches/meeting_form.html", {"form": form, "branch": branch})


@access(STAFF)
@login_required
@require_GET
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for_user(user, pk)
    return render(request, "branches/meeting.html", _context(user, meeting))


def _context(user: User, meeting: BranchMeeting, **extra: Any) -> dict[str, Any]:
    members = selectors.branch_members(user, meeting.branch)
    present = set(Attendance.objects.filter(event=meeting.event).values_list("cadre_id", flat=True))
    return {
        "meeting": meeting,
        "event": meeting.event,
        "members": members,
        "present": present,
        "present_count": len(present),
        "can_manage": user.can(MANAGE),
        "minutes_form": extra.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
    }


@access(staff(MANAGE))
@login_required
@require_POST
def meeting_attend(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for_user(user, pk)
    _require_manage(user)
    ids = [int(v) for v in request.POST.getlist("cadre") if v.isdigit()]
    member_ids = {m.cadre_id for m in selectors.branch_members(user, meeting.branch).rows}
    cadres = list(Cadre.objects.for_user(user).filter(pk__in=[i for i in ids if i in member_ids]))
    try:
        added = services.branch_meeting_attend(
            actor=actor_from_request(request), meeting=meeting, cadres=cadres
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"新签到 {added} 人")
    return redirect("branches:meeting", pk=meeting.pk)


@access(staff(MANAGE))
@login_required
@require_POST
def meeting_minutes(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = _meeting_for_user(user, pk)
    _require_manage(user)
    form = MinutesForm(request.POST)
    if form.is_valid():
        services.branch_meeting_minutes(
            actor=actor_from_request(request), meeting=meeting, minutes=form.cleaned_data["minutes"]
        )
        messages.success(request, "已保存会议记录")
        return redirect("branches:meeting", pk=meeting.pk)
    return render(request, "branches/meeting.html", _context(user, meeting, minutes_form=form))
