"""Pages of the five must-visits: supervisors' completion stats, events on a cadre, the ledger export and
the visit rules (the agenda, calendar and reminders are the tasks app's).

Scoping goes only through `VisitTask.objects.for_user` / `get_cadre_for_user` (via selectors); writes only
through the service modules (`events`, `rules_admin`). Out of scope is a 404,
exactly like missing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import Role, User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.cadres.services import cadre_record_view
from jiujin.core.access import STAFF, access, access_unit, staff
from jiujin.core.http import AuthedRequest
from jiujin.orgs.models import OrgLevel, OrgUnit

from . import selectors
from .events import cadre_event_record
from .exports import ledger_filename, write_ledger
from .forms import CadreEventForm, HolidayRuleForm, PeriodForm, VisitSettingsForm
from .models import EventKind, HolidayRule
from .rules import effective_rules
from .rules_admin import holiday_rule_delete, holiday_rule_save, visit_settings_save

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- on the agenda (tasks app)


def agenda_ledger_panel(request: AuthedRequest) -> str:
    """The agenda's 导出走访台账 form (registered in apps.py for those who may export)."""
    return render_to_string(
        "visits/_agenda_ledger.html", {"period": PeriodForm(None, today=timezone.localdate())}, request
    )


# ---------------------------------------------------------------- supervisors


@access(STAFF)
@login_required
@require_GET
def stats(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not selectors.is_supervisor(user):
        raise PermissionDenied("街道及以上单位可查看走访完成情况")
    today = timezone.localdate()
    period = PeriodForm(request.GET or None, today=today)
    start, end = period.period()
    community = _community_or_404(user, request.GET.get("community"))
    completion = selectors.completion_rates(user, start, end, today=today)
    context = {
        "period": period,
        "start": start,
        "end": end,
        "today": today,
        "community": community,
        "by_kind": completion.by_kind,
        "by_community": completion.by_community,
        "overdue": selectors.overdue_tasks(user, start, end, today=today, community=community),
        "overdue_total": completion.overdue(community),
        "query": f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}",
    }
    return render(request, "visits/stats.html", context)


def _community_or_404(user: User, code: str | None) -> OrgUnit | None:
    if not code:
        return None
    return access_unit(user, code, community=True, message="没有找到该社区")


@access(staff("export_roster"))
@login_required
@require_GET
def ledger_export(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can("export_roster"):
        raise PermissionDenied("没有导出台账的权限")
    period = PeriodForm(request.GET or None, today=timezone.localdate())
    if request.GET and not period.is_valid():
        errors = [str(e) for e in period.non_field_errors()] or ["日期格式应为 YYYY-MM-DD"]
        return HttpResponseBadRequest("；".join(errors))
    start, end = period.period()
    records = selectors.ledger_records(user, start, end).iterator(chunk_size=2000)
    content, cadre_ids = write_ledger(records, title=f"走访台账 {start}至{end}")
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出走访台账 {start:%Y-%m-%d}至{end:%Y-%m-%d}，涉及 {len(cadre_ids)} 人",
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, ledger_filename(start, end))
    return response


# ---------------------------------------------------------------- one cadre


@access(STAFF)
@login_required
@require_GET
def cadre_visits(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)
    cadre_record_view(actor=actor_from_request(request), cadre=cadre, detail="查看走访记录")
    context = {
        "cadre": cadre,
        "tasks": selectors.cadre_tasks(cadre).select_related("assignee"),
        "records": selectors.cadre_records(cadre),
        "events": cadre.events.select_related("created_by"),
        "today": timezone.localdate(),
        "can_manage": request.user.can("manage_cadres"),
    }
    return render(request, "visits/cadre.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def cadre_event_new(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)  # 404 before 403: out of scope looks missing
    if not request.user.can("manage_cadres"):
        raise PermissionDenied("没有登记事件的权限")
    form = CadreEventForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = cadre_event_record(
                actor=actor_from_request(request),
                cadre=cadre,
                kind=data["kind"],
                on=data["date"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _event_message(event))
            return redirect("visits:cadre", cadre_pk=cadre.pk)
    return render(request, "visits/event_form.html", {"cadre": cadre, "form": form, "death": EventKind.DEATH})


def _event_message(event: Any) -> str:
    count = event.tasks.count()
    follow = f"，已生成 {count} 项走访任务" if count else ""
    return f"已登记{event.get_kind_display()}（{date.isoformat(event.date)}）{follow}"


# ---------------------------------------------------------------- visit rules

READ_ONLY = "只有本单位有“新增和修改老干部信息”权限的人员可以修改走访规则"


def _rules_unit(request: AuthedRequest) -> OrgUnit:
    if request.user.role == Role.VOLUNTEER:
        raise PermissionDenied("志愿者不能查看走访规则")
    unit = selectors.rules_unit_for(request.user, request.GET.get("unit"))
    if unit is None:
        raise Http404("没有找到该单位")
    return unit


def can_edit_rules(user: User, unit: OrgUnit) -> bool:
    """Admins edit any unit; others edit their own unit's rules, from the district down."""
    if user.sees_everything:
        return True
    return user.can("manage_cadres") and unit.pk == user.org_unit_id and unit.level != OrgLevel.CITY


def _require_edit(request: AuthedRequest, unit: OrgUnit) -> None:
    if not can_edit_rules(request.user, unit):
        raise PermissionDenied(READ_ONLY)


def _rules_url(unit: OrgUnit) -> str:
    return f"{reverse('visits:rules')}?unit={unit.code}"


@access(STAFF)
@login_required
@require_GET
def rules(request: AuthedRequest) -> HttpResponse:
    unit = _rules_unit(request)
    context = {
        "unit": unit,
        "view": selectors.rules_view(unit, today=timezone.localdate()),
        "can_edit": can_edit_rules(request.user, unit),
        "children": unit.children.order_by("code").only("code", "name"),
    }
    return render(request, "visits/rules.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: AuthedRequest) -> HttpResponse:
    unit = _rules_unit(request)
    _require_edit(request, unit)
    form = HolidayRuleForm(request.POST or None, unit=unit, initial=_override_initial(unit, request.GET))
    return _rule_form(request, unit, form, rule=None)


def _override_initial(unit: OrgUnit, query: Any) -> dict[str, Any]:
    """`?code=X` pre-fills the form with the rule in effect for X, so overriding is changing a value."""
    code = query.get("code")
    spec = next((s for s in effective_rules(unit).holidays if s.code == code), None)
    if spec is None:
        return {}
    fields = ("code", "name", "calendar", "month", "day", "audience", "min_age", "window_days", "priority")
    return {name: getattr(spec, name) for name in fields} | {"enabled": True}


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    form = HolidayRuleForm(request.POST or None, instance=rule, unit=rule.org_unit)
    return _rule_form(request, rule.org_unit, form, rule=rule)


def _rule_or_404(request: AuthedRequest, pk: int) -> HolidayRule:
    if request.user.role == Role.VOLUNTEER:
        raise PermissionDenied("志愿者不能查看走访规则")
    rule = selectors.rule_for_user(request.user, pk)
    if rule is None:
        raise Http404("没有找到该规则")
    _require_edit(request, rule.org_unit)
    return rule


def _rule_form(
    request: AuthedRequest, unit: OrgUnit, form: HolidayRuleForm, *, rule: HolidayRule | None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        saved = holiday_rule_save(unit=unit, values=form.cleaned_data, rule=rule)
        messages.success(request, f"已保存节日规则：{saved.name}")
        return redirect(_rules_url(unit))
    return render(request, "visits/rule_form.html", {"unit": unit, "form": form, "rule": rule})


@access(STAFF)
@login_required
@require_POST
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = _rule_or_404(request, pk)
    holiday_rule_delete(rule=rule)
    messages.success(request, f"已删除本单位的“{rule.name}”规则，上级规则（或系统默认）重新适用")
    return redirect(_rules_url(rule.org_unit))


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: AuthedRequest) -> HttpResponse:
    unit = _rules_unit(request)
    _require_edit(request, unit)
    # Editing starts from what applies here (maybe an ancestor's row, never saved by the form); the service
    # writes this unit's own row.
    form = VisitSettingsForm(request.POST or None, instance=effective_rules(unit).settings)
    if request.method == "POST" and form.is_valid():
        visit_settings_save(unit=unit, values=form.cleaned_data)
        messages.success(request, "已保存生日和事件走访设置")
        return redirect(_rules_url(unit))
    return render(request, "visits/settings_form.html", {"unit": unit, "form": form})
