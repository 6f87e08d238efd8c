"""Service-request pages: intake while on the phone, the dispatcher's live board, my requests, the list,
a request's detail with its timeline and rating, and the response targets.

Scoping goes only through `selectors.requests_for_user` (built on `Cadre.objects.for_user`); writes only
through `services`. Out of scope is a 404, exactly like missing; a missing capability is a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.models import Cadre
from jiujin.cadres.services import cadre_record_view
from jiujin.core.access import LOGIN, STAFF, access, staff
from jiujin.core.http import AuthedRequest
from jiujin.orgs.models import OrgUnit

from . import selectors
from .forms import IntakeForm, RateForm, TargetForm, TransitionForm
from .models import RequestState, ResponseTarget, ServiceCategory, ServiceRequest, Urgency
from .services import (
    DEFAULT_TARGET_MINUTES,
    TransitionRefused,
    is_assignee,
    may_transition,
    refusal,
    response_target_set,
    service_request_create,
    service_request_rate,
    service_request_transition,
)

PAGE_SIZE = 30
DISPATCH = "dispatch_services"


def _require(user: User, capability: str, message: str) -> None:
    if not user.can(capability):
        raise PermissionDenied(message)


# ---------------------------------------------------------------- intake


@access(staff("dispatch_services"))
@login_required
@require_http_methods(["GET", "POST"])
def intake(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, DISPATCH, "没有受理服务工单的权限")
    record = selectors.visit_record_for_user(
        user, request.GET.get("visit_record") or request.POST.get("visit_record")
    )
    if request.method == "POST":
        form = IntakeForm(request.POST, user=user)
        if form.is_valid():
            created = service_request_create(
                actor=actor_from_request(request), visit_record=record, **form.cleaned_data
            )
            messages.success(
                request, f"已受理 #{created.pk}：{created.cadre.name} · {created.get_category_display()}"
            )
            return redirect("servicerequests:detail", pk=created.pk)
    else:
        form = IntakeForm(initial=_intake_initial(request, record), user=user)
    return render(request, "servicerequests/intake.html", {"form": form, "record": record})


def _intake_initial(request: AuthedRequest, record: Any) -> dict[str, Any]:
    if record is not None:
        # A visit's "needs raised" becomes the request; the visitor is who reported it.
        return {
            "cadre": record.task.cadre,
            "description": record.needs,
            "caller_name": record.visitors,
            "caller_relation": "走访人员",
        }
    cadre_pk = request.GET.get("cadre") or ""
    cadres = Cadre.objects.for_user(request.user).select_related("community")
    cadre = cadres.filter(pk=cadre_pk).first() if cadre_pk.isdigit() else None
    return {"cadre": cadre} if cadre else {}


@access(staff("dispatch_services"))
@login_required
@require_GET
def cadre_search(request: AuthedRequest) -> HttpResponse:
    """The intake form's typeahead: the cadre list's search, as radio buttons to pick one."""
    _require(request.user, DISPATCH, "没有受理服务工单的权限")
    q = request.GET.get("q", "")
    cadres = selectors.cadre_matches(request.user, q)
    return render(request, "servicerequests/_cadre_matches.html", {"cadres": cadres, "q": q})


# ---------------------------------------------------------------- board


@access(staff("dispatch_services"))
@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    _require(request.user, DISPATCH, "没有查看派单看板的权限")
    template = "servicerequests/_board.html" if request.htmx else "servicerequests/board.html"
    response = render(request, template, _board_context(request))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _board_context(request: AuthedRequest, notice: str = "", kind: str = "") -> dict[str, Any]:
    return {
        "board": selectors.board_for(request.user, timezone.now()),
        "show_sensitive": sees_full_numbers(request.user),
        "notice": notice,
        "notice_kind": kind,
    }


# ---------------------------------------------------------------- lists


@access(LOGIN)
@login_required
@require_GET
def mine(request: AuthedRequest) -> HttpResponse:
    rows = selectors.mine(request.user, timezone.now())
    if rows:
        # The page shows where to go and whom to call: who saw which cadre's address is logged.
        audit_record_batch(
            actor=actor_from_request(request),
            action=AuditAction.VIEW,
            cadre_ids=sorted({r.cadre_id for r in rows}),
            detail="查看我的工单",
        )
    context = {"rows": rows, "show_sensitive": sees_full_numbers(request.user)}
    return render(request, "servicerequests/mine.html", context)


@access(STAFF)
@login_required
@require_GET
def request_list(request: AuthedRequest) -> HttpResponse:
    now = timezone.now()
    filters = _list_filters(request)
    qs = selectors.filtered(request.user, now, **filters)
    paginator = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.list_page(qs, now, (page.number - 1) * PAGE_SIZE, PAGE_SIZE)
    context = {
        "rows": rows,
        "page": page,
        "filters": filters,
        "states": RequestState.choices,
        "categories": ServiceCategory.choices,
    }
    return render(request, "servicerequests/list.html", context)


def _list_filters(request: AuthedRequest) -> dict[str, Any]:
    get = request.GET
    overdue = {"true": True, "false": False}.get(get.get("overdue", ""))
    cadre = get.get("cadre", "")
    return {
        "cadre": int(cadre) if cadre.isdigit() else None,
        "state": get.get("state") if get.get("state") in RequestState.values else None,
        "category": get.get("category") if get.get("category") in ServiceCategory.values else None,
        "overdue": overdue,
    }


# ---------------------------------------------------------------- one request


@access(LOGIN)
@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    sr = selectors.request_for_user(user, pk, timezone.now())
    cadre_record_view(actor=actor_from_request(request), cadre=sr.cadre, detail=f"查看服务工单 #{sr.pk}")
    return render(request, "servicerequests/detail.html", _detail_context(request, sr))


def _detail_context(request: AuthedRequest, sr: ServiceRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    sr.elapsed = selectors.elapsed_minutes(sr, now)  # type: ignore[attr-defined]
    actions = [s for s in ("dispatched", "arrived", "completed", "cancelled") if _allowed(user, sr, s)]
    return {
        "sr": sr,
        "events": selectors.request_timeline(sr),
        "actions": actions,
        "can_dispatch": user.can(DISPATCH),
        "transition_form": forms.get("transition_form") or TransitionForm(user=user, cadre=sr.cadre),
        "rate_form": forms.get("rate_form") or RateForm(),
        "can_rate": sr.state == "completed" and (user.can(DISPATCH) or is_assignee(user, sr)),
        "show_sensitive": sees_full_numbers(user),
        "response_minutes": selectors.response_minutes(sr),
    }


def _allowed(user: User, sr: ServiceRequest, state: str) -> bool:
    return refusal(sr.state, state) is None and may_transition(user, sr, state)


@access(LOGIN)
@login_required
@require_POST
def transition(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    sr = selectors.request_for_user(user, pk, timezone.now())  # 404 before 403: out of scope looks missing
    form = TransitionForm(request.POST, user=user, cadre=sr.cadre)
    state = request.POST.get("state", "")
    if not may_transition(user, sr, state):
        raise PermissionDenied("没有处理该工单的权限")
    text, kind = _apply(request, sr, form)
    if request.htmx and request.POST.get("from") == "board":
        return render(request, "servicerequests/_board.html", _board_context(request, text, kind))
    (messages.success if kind == "ok" else messages.warning)(request, text)
    return redirect(_next_url(request, sr))


def _apply(request: AuthedRequest, sr: ServiceRequest, form: TransitionForm) -> tuple[str, str]:
    """Run the transition; returns the message for the user and "ok" or "warn"."""
    if not form.is_valid():
        # Iterating an ErrorList yields message strings.
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return f"#{sr.pk} {sr.cadre.name}：{'；'.join(errors)}", "warn"
    data = form.cleaned_data
    try:
        service_request_transition(
            actor=actor_from_request(request),
            request=sr,
            state=data["state"],
            assignee=data["assignee_obj"],
            note=data["note"],
        )
    except TransitionRefused as exc:
        return f"#{sr.pk} {sr.cadre.name}：{exc}", "warn"
    except ValidationError as exc:
        return f"#{sr.pk} {sr.cadre.name}：{'；'.join(exc.messages)}", "warn"
    return f"#{sr.pk} {sr.cadre.name}：已{sr.get_state_display()}", "ok"


def _next_url(request: AuthedRequest, sr: ServiceRequest) -> str:
    target = request.POST.get("from")
    names = {"board": "servicerequests:board", "mine": "servicerequests:mine"}
    return reverse(names[target]) if target in names else reverse("servicerequests:detail", args=[sr.pk])


@access(LOGIN)
@login_required
@require_POST
def rate(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    sr = selectors.request_for_user(user, pk, timezone.now())
    if not (user.can(DISPATCH) or is_assignee(user, sr)):
        raise PermissionDenied("没有评价该工单的权限")
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            service_request_rate(actor=actor_from_request(request), request=sr, **form.cleaned_data)
        except TransitionRefused as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(request, f"已记录评价：{sr.get_satisfaction_display()}")
        return redirect("servicerequests:detail", pk=sr.pk)
    return render(request, "servicerequests/detail.html", _detail_context(request, sr, rate_form=form))


# ---------------------------------------------------------------- response targets


@access(staff("dispatch_services"))
@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthedRequest) -> HttpResponse:
    user = request.user
    _require(user, DISPATCH, "没有设置响应时限的权限")
    form = TargetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response_target_set(
            actor=actor_from_request(request),
            unit=data["org_unit"],
            category=data["category"],
            urgency=data["urgency"],
            minutes=data["minutes"],
        )
        messages.success(request, f"已设置 {data['org_unit'].name} 的响应时限：{data['minutes']} 分钟")
        return redirect("servicerequests:targets")
    rows = ResponseTarget.objects.filter(
        org_unit__in=OrgUnit.objects.for_user(user).values("pk")
    ).select_related("org_unit")
    defaults = [(Urgency(u).label, m) for u, m in DEFAULT_TARGET_MINUTES.items()]
    return render(
        request,
        "servicerequests/targets.html",
        {"form": form, "rows": rows.order_by("org_unit__path", "urgency", "category"), "defaults": defaults},
    )
