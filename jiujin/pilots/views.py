"""Pilot pages (phone first): the district progress board, a pilot's page with its steps, evidence and
leading group, and the forms behind them.

Scoping goes only through `selectors` (built on `Pilot.objects.for_user`); who may do what is decided in
`services` (`may_manage`, `may_work`), which the pages also ask to show or hide their buttons. Out of scope
is a 404, exactly like missing; a role that may not do something is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.cadres.masking import sees_full_numbers
from jiujin.core.access import STAFF, access, access_unit
from jiujin.core.attachments import attachment_response
from jiujin.core.http import AuthedRequest, error_text
from jiujin.core.paging import CappedPaginator
from jiujin.orgs.models import OrgLevel

from . import selectors, services
from .forms import BoardFilter, DoneForm, EvidenceForm, MemberForm, PilotForm, ReopenForm, StepForm
from .models import POSITION_ORDER, GroupPosition, PilotEvidence

PAGE_SIZE = 20
ABOVE_DISTRICT = {OrgLevel.CITY}


@access(STAFF)
@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    form = BoardFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("year") or None
    unit = access_unit(user, data["unit"]) if data.get("unit") else None
    page = CappedPaginator(selectors.board_queryset(user, year=year, unit=unit), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    scope_level = (
        unit.level if unit is not None else (user.org_unit.level if user.org_unit else OrgLevel.CITY)
    )
    districts = (
        selectors.districts_summary(user, year=year, unit=unit, today=today)
        if scope_level in ABOVE_DISTRICT
        else []
    )
    context = {
        "form": form,
        "year": year,
        "unit": unit,
        "page": page,
        "rows": selectors.progress_rows(list(page.object_list), today),
        "districts": districts,
        "can_manage": services.may_manage(user),
    }
    return render(request, "pilots/board.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def pilot_new(request: AuthedRequest) -> HttpResponse:
    if not services.may_manage(request.user):
        raise PermissionDenied("只有区县或市老干部局可以确定试点社区")
    form = PilotForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pilot, warning = services.pilot_create(actor=actor_from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已确定试点社区：{pilot.community.name}，八个步骤已按年度排好计划")
            if warning:
                messages.warning(request, warning)
            return redirect("pilots:detail", pilot.pk)
    return render(request, "pilots/form.html", {"form": form})


def _detail_context(request: AuthedRequest, pk: int) -> dict[str, Any]:
    user = request.user
    pilot = selectors.get_pilot_for_user(user, pk)
    today = timezone.localdate()
    steps = list(pilot.steps.order_by("number"))
    evidence: dict[int, list[PilotEvidence]] = {s.pk: [] for s in steps}
    for e in PilotEvidence.objects.filter(step__pilot=pilot).listing().select_related("uploaded_by"):
        evidence[e.step_id].append(e)
    group = sorted(pilot.group.all(), key=lambda m: (POSITION_ORDER[GroupPosition(m.position)], m.pk))
    can_manage = services.may_manage(user)
    return {
        "pilot": pilot,
        "progress": selectors.progress_of(pilot, steps, today),
        "steps": [
            {
                "step": s,
                "state": s.state_on(today),
                "evidence": [(e, services.may_delete_evidence(user, e)) for e in evidence[s.pk]],
            }
            for s in steps
        ],
        "group": group,
        "has_leader": any(m.position == GroupPosition.LEADER for m in group),
        "show_sensitive": sees_full_numbers(user),
        "can_manage": can_manage,
        "can_work": services.may_work(user),
        "evidence_form": EvidenceForm(),
        "done_form": DoneForm(),
        "member_form": MemberForm() if can_manage else None,
    }


@access(STAFF)
@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(request, "pilots/detail.html", _detail_context(request, pk))


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request: AuthedRequest, pk: int, step: int) -> HttpResponse:
    obj = selectors.get_step_for_user(request.user, pk, step)
    if not services.may_manage(request.user):
        raise PermissionDenied("只有区县或市老干部局可以调整步骤计划")
    form = StepForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        services.pilot_step_update(actor=actor_from_request(request), step=obj, data=form.cleaned_data)
        messages.success(request, f"{obj} 已保存")
        return redirect("pilots:detail", pk)
    return render(request, "pilots/step_form.html", {"form": form, "step": obj, "pilot": obj.pilot})


def _errors_text(form: Any) -> str:
    return "；".join(str(m) for ms in form.errors.values() for m in ms)


def _fail(request: AuthedRequest, exc: ValidationError) -> None:
    messages.error(request, error_text(exc))


@access(STAFF)
@login_required
@require_POST
def step_done(request: AuthedRequest, pk: int, step: int) -> HttpResponse:
    obj = selectors.get_step_for_user(request.user, pk, step)
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return redirect("pilots:detail", pk)
    try:
        services.pilot_step_mark_done(actor=actor_from_request(request), step=obj, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"{obj} 已标记完成")
    return redirect("pilots:detail", pk)


@access(STAFF)
@login_required
@require_POST
def step_reopen(request: AuthedRequest, pk: int, step: int) -> HttpResponse:
    obj = selectors.get_step_for_user(request.user, pk, step)
    form = ReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请说明重新打开的原因")
        services.pilot_step_reopen(actor=actor_from_request(request), step=obj, **form.cleaned_data)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"{obj} 已重新打开")
    return redirect("pilots:detail", pk)


@access(STAFF)
@login_required
@require_POST
def evidence_upload(request: AuthedRequest, pk: int, step: int) -> HttpResponse:
    obj = selectors.get_step_for_user(request.user, pk, step)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return redirect("pilots:detail", pk)
    rows = services.pilot_evidence_add(
        actor=actor_from_request(request),
        step=obj,
        kind=form.cleaned_data["kind"],
        files=form.cleaned_data["documents"],
    )
    messages.success(request, f"{obj} 已上传 {len(rows)} 个文件")
    return redirect("pilots:detail", pk)


@access(STAFF)
@login_required
@require_GET
def evidence_file(request: AuthedRequest, pk: int, pilot_evidence_id: int) -> HttpResponse:
    return attachment_response(selectors.get_evidence_for_user(request.user, pk, pilot_evidence_id))


@access(STAFF)
@login_required
@require_POST
def evidence_delete(request: AuthedRequest, pk: int, pilot_evidence_id: int) -> HttpResponse:
    evidence = selectors.get_evidence_for_user(request.user, pk, pilot_evidence_id)
    services.pilot_evidence_delete(actor=actor_from_request(request), evidence=evidence)
    messages.success(request, f"已删除 {evidence.file_name}")
    return redirect("pilots:detail", pk)


@access(STAFF)
@login_required
@require_POST
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    pilot = selectors.get_pilot_for_user(request.user, pk)
    if not services.may_manage(request.user):
        raise PermissionDenied("只有区县或市老干部局可以调整领导小组")
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            member = services.pilot_member_add(
                actor=actor_from_request(request), pilot=pilot, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已加入领导小组：{member}")
            return redirect("pilots:detail", pk)
    context = {**_detail_context(request, pk), "member_form": form}
    return render(request, "pilots/detail.html", context)


@access(STAFF)
@login_required
@require_POST
def member_remove(request: AuthedRequest, pk: int, pilot_member_id: int) -> HttpResponse:
    member = selectors.get_member_for_user(request.user, pk, pilot_member_id)
    services.pilot_member_remove(actor=actor_from_request(request), member=member)
    messages.success(request, f"已移出领导小组：{member}")
    return redirect("pilots:detail", pk)
