"""Opinion pages: the board (overdue on top), recording one from a cadre's page, an opinion with its answer,
rating and 转办单, the stats per unit, the 意见建议台账 and the answer days; and the work unit's own two pages.

Scoping goes only through `selectors` (fail closed); writes only through `services`. Out of scope is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record, audit_record_batch
from jiujin.cadres.models import Cadre
from jiujin.core.access import (
    STAFF,
    STAFF_OR_WORK_UNIT,
    WORK_UNIT,
    access,
    is_work_unit,
    resolve_unit,
    staff,
)
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import KeyedPaginator

from . import selectors
from .exports import ledger_filename, write_ledger
from .forms import AnswerDaysForm, OpinionForm, RateForm, ReplyForm
from .models import AnswerDays, Opinion, RouteTo
from .services import (
    OpinionRefused,
    answer_days_for,
    answer_days_set,
    opinion_create,
    opinion_rate,
    opinion_reply,
)
from .slip import render_slip

PAGE_SIZE = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- the board


@access(STAFF)
@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    filters, query = _board_filters(request)
    paginator = KeyedPaginator(
        selectors.board(request.user, filters, today), PAGE_SIZE, rows=selectors.board_rows
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(r, r.state_on(today)) for r in page.object_list],
        "filters": filters,
        "query": query,
        "states": selectors.BOARD_STATES,
        "routes": RouteTo.choices,
        "counts": selectors.counts(request.user, today),
        "today": today,
    }
    return render(request, "opinions/board.html", context)


def _board_filters(request: AuthedRequest) -> tuple[selectors.BoardFilters, dict[str, str]]:
    get = request.GET
    states = {value for value, _ in selectors.BOARD_STATES}
    cadre = get.get("cadre", "")
    query = {
        "state": get.get("state", "") if get.get("state", "") in states else "",
        "unit": get.get("unit", "").strip(),
        "route": get.get("route", "") if get.get("route", "") in RouteTo.values else "",
        "cadre": cadre if cadre.isdigit() else "",
        "escalated": "1" if get.get("escalated") == "1" else "",
    }
    filters = selectors.BoardFilters(
        state=query["state"],
        unit=selectors.unit_for_filter(request.user, query["unit"]),
        route=query["route"],
        cadre=int(query["cadre"]) if query["cadre"] else None,
        escalated=bool(query["escalated"]),
    )
    return filters, query


# ---------------------------------------------------------------- record one


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def opinion_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = OpinionForm(request.POST, user=user)
        if form.is_valid():
            try:
                opinion = opinion_create(actor=actor_from_request(request), **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, f"已记录意见建议 #{opinion.pk}，请于 {opinion.due_date:%Y-%m-%d} 前答复"
                )
                return redirect("opinions:detail", pk=opinion.pk)
        cadre = form.cleaned_data.get("cadre") if hasattr(form, "cleaned_data") else None
    else:
        pk = request.GET.get("cadre", "")
        cadres = Cadre.objects.for_user(user).select_related("community", "work_unit")
        cadre = cadres.filter(pk=pk).first() if pk.isdigit() else None
        form = OpinionForm(initial={"cadre": cadre, "raised_on": timezone.localdate()}, user=user)
    return render(request, "opinions/new.html", {"form": form, "cadre": cadre})


# ---------------------------------------------------------------- one opinion


@access(STAFF_OR_WORK_UNIT)
@login_required
@require_GET
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    opinion = selectors.opinion_for_user(request.user, pk)
    audit_record(
        actor=actor_from_request(request),
        action=AuditAction.VIEW,
        cadre=opinion.cadre,
        subject=opinion,
        detail=f"查看意见建议 #{opinion.pk}",
    )
    return render(request, "opinions/detail.html", _detail_context(request, opinion))


def _detail_context(request: AuthedRequest, opinion: Opinion, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    outsider = is_work_unit(request.user)
    return {
        "o": opinion,
        "state": opinion.state_on(today),
        "state_label": opinion.state_label(today),
        "escalations": selectors.escalations_of(opinion),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "rate_form": forms.get("rate_form") or RateForm(initial={"satisfaction": opinion.satisfaction}),
        "work_unit_view": outsider,
        "back": "opinions:work_unit" if outsider else "opinions:board",
    }


@access(STAFF_OR_WORK_UNIT)
@login_required
@require_POST
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    return _opinion_form_post(request, pk, ReplyForm, opinion_reply, done="已登记答复", form_key="reply_form")


@access(STAFF)
@login_required
@require_POST
def rate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _opinion_form_post(request, pk, RateForm, opinion_rate, done="已登记满意度", form_key="rate_form")


def _opinion_form_post(
    request: AuthedRequest,
    pk: int,
    form_class: type[django_forms.Form],
    service: Callable[..., object],
    *,
    done: str,
    form_key: str,
) -> HttpResponse:
    """One of the detail page's forms, posted: the service writes it, or the page comes back with its errors."""
    opinion = selectors.opinion_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(actor=actor_from_request(request), opinion=opinion, **form.cleaned_data)
        except OpinionRefused as exc:
            messages.warning(request, str(exc))
        else:
            messages.success(request, done)
            return redirect("opinions:detail", pk=opinion.pk)
    return render(request, "opinions/detail.html", _detail_context(request, opinion, **{form_key: form}))


@access(STAFF)
@login_required
@require_GET
def slip(request: AuthedRequest, pk: int) -> HttpResponse:
    """The 转办单: one A4 page to route the opinion on paper."""
    opinion = selectors.opinion_for_user(request.user, pk)
    content = render_slip(opinion, printed_on=timezone.localdate())
    audit_record(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre=opinion.cadre,
        subject=opinion,
        detail=f"打印意见建议转办单 #{opinion.pk}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"意见建议转办单-{opinion.pk}.pdf") or ""
    )
    return response


# ---------------------------------------------------------------- stats, ledger, settings


@access(STAFF)
@login_required
@require_GET
def stats(request: AuthedRequest) -> HttpResponse:
    """Closure rate and median days to answer per unit, over the last 12 months; each unit drills down."""
    today = timezone.localdate()
    unit = resolve_unit(request.user, request.GET.get("unit", "").strip())
    since = today - timedelta(days=365)
    rows, total = selectors.unit_stats(request.user, unit, since=since, today=today)
    own = request.user.org_unit
    up = unit.parent if unit.parent and (own is None or own.contains(unit.parent)) else None
    context = {"unit": unit, "rows": rows, "total": total, "since": since, "up": up}
    return render(request, "opinions/stats.html", context)


@access(staff("export_roster"))
@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    """The 意见建议台账 of the board's filters, as .xlsx."""
    filters, _ = _board_filters(request)
    filters.state = filters.state or "all"
    qs = selectors.board(request.user, filters, timezone.localdate()).select_related(
        "cadre", "community", "escalated_to", "work_unit"
    )
    content, cadre_ids = write_ledger(qs.iterator(chunk_size=2000), today=timezone.localdate())
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出意见建议台账，涉及 {len(cadre_ids)} 人",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        content_disposition_header(True, ledger_filename(timezone.localdate())) or ""
    )
    return response


@access(staff("manage_cadres"))
@login_required
@require_http_methods(["GET", "POST"])
def answer_days(request: AuthedRequest) -> HttpResponse:
    """The answer days of the user's own unit (inherited by the units under it)."""
    user = request.user
    if not user.can("manage_cadres") or user.org_unit is None:
        raise PermissionDenied("没有设置答复时限的权限")
    unit = user.org_unit
    own = AnswerDays.objects.filter(org_unit=unit).values_list("days", flat=True).first()
    form = AnswerDaysForm(request.POST or None, initial={"days": own})
    if request.method == "POST" and form.is_valid():
        answer_days_set(actor=actor_from_request(request), unit=unit, days=form.cleaned_data["days"])
        messages.success(request, "已保存答复时限")
        return redirect("opinions:answer_days")
    context = {"form": form, "unit": unit, "effective": answer_days_for(unit), "own": own}
    return render(request, "opinions/answer_days.html", context)


# ---------------------------------------------------------------- the former work unit's pages


@access(WORK_UNIT)
@login_required
@require_GET
def work_unit_home(request: AuthedRequest) -> HttpResponse:
    """The opinions routed to the user's work unit, unanswered first."""
    today = timezone.localdate()
    filters = selectors.BoardFilters(
        state=request.GET.get("state", "") if request.GET.get("state") else "all"
    )
    paginator = KeyedPaginator(
        selectors.board(request.user, filters, today), PAGE_SIZE, rows=selectors.board_rows
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(r, r.state_on(today)) for r in page.object_list],
        "work_unit": request.user.work_unit,
        "counts": selectors.counts(request.user, today),
    }
    return render(request, "opinions/work_unit.html", context)


@access(WORK_UNIT)
@login_required
@require_GET
def work_unit_retirees(request: AuthedRequest) -> HttpResponse:
    """The work unit's own retirees: names and communities only."""
    paginator = KeyedPaginator(
        selectors.work_unit_retirees(request.user),
        settings.JIUJIN_PAGE_SIZE,
        rows=lambda ids: (
            Cadre.objects.filter(pk__in=ids)
            .select_related("community")
            .only("pk", "name", "status", "community__name")
        ),
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "opinions/retirees.html", {"page": page, "work_unit": request.user.work_unit})
