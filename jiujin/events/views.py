"""Event pages (phone first): the list and month calendar, create/edit, the detail with sign-ups, check-in,
the report with photos, the six-month list, attendance rates and the ledgers.

Scoping goes only through `selectors` (built on `Event.objects.for_user` and `Cadre.objects.for_user`);
writes only through `services`. Out of scope is a 404, exactly like missing.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, NoAccess, access, access_unit, staff
from jiujin.core.attachments import attachment_response
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import CappedPaginator

from . import selectors
from .exports import XLSX, write_ledger
from .forms import EventForm, FilterForm, ReportForm
from .models import STUDY_KINDS, CheckInVia, Event, EventPhoto, counts_for
from .services import (
    event_check_in,
    event_check_in_card,
    event_create,
    event_report_save,
    event_sign_up,
    event_sign_up_cancel,
    event_update,
)

PAGE_SIZE = 30


def _filters(request: AuthedRequest) -> tuple[FilterForm, dict[str, Any]]:
    form = FilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    unit = access_unit(request.user, data["unit"]) if data.get("unit") else None
    return form, {
        "kind": data.get("kind") or "",
        "unit": unit,
        "start": data.get("start"),
        "end": data.get("end"),
    }


@access(STAFF)
@login_required
@require_GET
def event_list(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    qs = selectors.filtered(request.user, **filters).select_related("unit")
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows: list[Event] = list(page.object_list)
    counts = counts_for(rows)
    for e in rows:
        e.counts = counts[e.pk]  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "rows": rows, "filters": filters}
    return render(request, "events/list.html", context)


@access(STAFF)
@login_required
@require_GET
def month(request: AuthedRequest) -> HttpResponse:
    """A month calendar of the events the user sees (?month=2026-09, plus the list's filters)."""
    today = timezone.localdate()
    try:
        year, mon = (int(x) for x in request.GET.get("month", "").split("-"))
        first = date(year, mon, 1)
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    form, filters = _filters(request)
    filters.update(start=first, end=last)
    by_day: dict[date, list[Event]] = {}
    for e in selectors.filtered(request.user, **filters).select_related("unit").order_by("starts_at")[:500]:
        by_day.setdefault(timezone.localtime(e.starts_at).date(), []).append(e)
    weeks = [
        [{"day": d, "events": by_day.get(d, []), "in_month": d.month == first.month} for d in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    context = {
        "weeks": weeks, "first": first, "today": today, "form": form,
        "prev": (first - timedelta(days=1)).strftime("%Y-%m"), "next": (last + timedelta(days=1)).strftime("%Y-%m"),
    }  # fmt: skip
    return render(request, "events/month.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: AuthedRequest) -> HttpResponse:
    initial = {"unit": request.user.org_unit.code if request.user.org_unit else ""}
    form = EventForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=actor_from_request(request), data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "活动已创建")
            return redirect("events:detail", event.pk)
    return render(request, "events/form.html", {"form": form, "event": None})


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_to_manage(request.user, pk)
    form = EventForm(request.POST or None, user=request.user, instance=event, editing=True)
    if request.method == "POST" and form.is_valid():
        event_update(actor=actor_from_request(request), event=event, data=form.cleaned_data)
        messages.success(request, "已保存")
        return redirect("events:detail", event.pk)
    return render(request, "events/form.html", {"form": form, "event": event})


def _detail_context(request: AuthedRequest, event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "counts": counts_for([event])[event.pk],
        "signups": list(selectors.signups_in_scope(request.user, event)),
        "can_manage": Event.objects.managed_by(request.user).filter(pk=event.pk).exists(),
        "photos": list(EventPhoto.objects.filter(event=event).listing().order_by("pk")),
    }


@access(STAFF)
@login_required
@require_GET
def event_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    return render(request, "events/detail.html", _detail_context(request, event))


@access(STAFF)
@login_required
@require_GET
def cadre_search(request: AuthedRequest, pk: int) -> HttpResponse:
    """The detail page's typeahead: cadres in scope and in the event's audience, with a sign-up button."""
    event = selectors.get_event_for_user(request.user, pk)
    q = request.GET.get("q", "").strip()
    cadres = selectors.audience_matches(request.user, event, q) if q else []
    return render(request, "events/_cadre_matches.html", {"event": event, "cadres": cadres, "q": q})


@access(STAFF)
@login_required
@require_POST
def sign_up(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    cadre = get_cadre_for_user(request.user, request.POST.get("cadre"))
    try:
        signup = event_sign_up(actor=actor_from_request(request), event=event, cadre=cadre)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{cadre.name}：{signup.get_state_display()}")
    return redirect("events:detail", event.pk)


@access(STAFF)
@login_required
@require_POST
def sign_up_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    cadre = get_cadre_for_user(request.user, request.POST.get("cadre"))
    promoted = event_sign_up_cancel(actor=actor_from_request(request), event=event, cadre=cadre)
    messages.success(
        request, f"已取消{cadre.name}的报名" + (f"，{promoted.cadre.name}由候补转为报名" if promoted else "")
    )
    return redirect("events:detail", event.pk)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    """Tick a signed-up cadre, or submit the card's QR token; htmx swaps the row and the count."""
    event = selectors.get_event_for_user(request.user, pk)
    notice, error = "", ""
    if request.method == "POST":
        actor = actor_from_request(request)
        try:
            token = request.POST.get("card_token", "").strip()
            if token:
                # The event is the worker's; a bad, void or out-of-scope card is said on the page (why a card
                # is void is told only for a cadre the worker may see: cadres.cards decides).
                try:
                    attendance, created = event_check_in_card(actor=actor, event=event, token=token)
                except NoAccess as refused:
                    raise ValidationError(str(refused)) from refused
            else:
                cadre = get_cadre_for_user(request.user, request.POST.get("cadre"))
                attendance, created = event_check_in(
                    actor=actor, event=event, cadre=cadre, via=CheckInVia.LIST
                )
            name = attendance.cadre.name
            notice = f"{name} 签到成功" if created else f"{name} 已签到过，不重复计数"
        except ValidationError as exc:
            error = exc.messages[0]
        except PermissionDenied as exc:
            error = str(exc) or "没有权限"
        if not request.htmx:
            if error:
                messages.error(request, error)
            else:
                messages.success(request, notice)
            return redirect("events:check_in", event.pk)
    context = {**_detail_context(request, event), "notice": notice, "error": error}
    template = "events/_check_in_body.html" if request.htmx else "events/check_in.html"
    return render(request, template, context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    event = selectors.get_event_to_manage(request.user, pk)
    form = ReportForm(request.POST or None, request.FILES or None, initial={"report": event.report})
    if request.method == "POST" and form.is_valid():
        event_report_save(
            actor=actor_from_request(request), event=event, report=form.cleaned_data["report"],
            photos=form.cleaned_data["photos"],
        )  # fmt: skip
        messages.success(request, "小结已保存")
        return redirect("events:detail", event.pk)
    return render(request, "events/report.html", {"form": form, "event": event})


@access(STAFF)
@login_required
@require_GET
def photo(request: AuthedRequest, pk: int, photo_id: int) -> HttpResponse:
    event = selectors.get_event_for_user(request.user, pk)
    try:
        obj = EventPhoto.objects.get(event=event, pk=photo_id)
    except EventPhoto.DoesNotExist as exc:
        raise NoAccess("没有找到该照片") from exc
    return attachment_response(obj)


@access(STAFF)
@login_required
@require_GET
def inactive(request: AuthedRequest) -> HttpResponse:
    """Cadres who took part in nothing for six months: the loneliness risk list."""
    qs = selectors.inactive_cadres(request.user, timezone.localdate())
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "events/inactive.html", {"page": page, "rows": page.object_list})


@access(STAFF)
@login_required
@require_GET
def stats(request: AuthedRequest) -> HttpResponse:
    """Attendance rate per unit, drilling down the tree (?unit=CODE), over the last 12 months."""
    code = request.GET.get("unit", "")
    parent = access_unit(request.user, code) if code else request.user.org_unit
    today = timezone.localdate()
    start = today - timedelta(days=365)
    rows = selectors.rates_by_unit(request.user, parent, start, today)
    recent = list(
        selectors.filtered(request.user, unit=parent, start=start, end=today).select_related("unit")[:20]
    )
    counts = counts_for(recent)
    for e in recent:
        c = counts[e.pk]
        e.rate = selectors.rate(c["attended"], c["signed_up"])  # type: ignore[attr-defined]
        e.counts = c  # type: ignore[attr-defined]
    context = {"rows": rows, "parent": parent, "recent": recent, "start": start, "end": today}
    return render(request, "events/stats.html", context)


@access(staff("export_roster"))
@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    """学习台账 (?ledger=study) or 活动台账 (?ledger=activity) of the last 12 months (or ?start=&end=)."""
    study = request.GET.get("ledger", "study") == "study"
    _form, filters = _filters(request)
    end = filters["end"] or timezone.localdate()
    start = filters["start"] or end - timedelta(days=365)
    qs = selectors.filtered(request.user, unit=filters["unit"], start=start, end=end)
    qs = qs.filter(kind__in=STUDY_KINDS) if study else qs.exclude(kind__in=STUDY_KINDS)
    name = "学习台账" if study else "活动台账"
    content, cadre_ids = write_ledger(
        request.user, qs.select_related("unit").order_by("starts_at", "id"), title=name
    )
    audit_record_batch(
        actor=actor_from_request(request), action=AuditAction.EXPORT, cadre_ids=sorted(cadre_ids),
        detail=f"导出{name} {start:%Y-%m-%d}至{end:%Y-%m-%d}，涉及 {len(cadre_ids)} 人",
    )  # fmt: skip
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{name}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    )
    return response
