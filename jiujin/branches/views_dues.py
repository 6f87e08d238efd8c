"""Dues pages: pensions (personal data: view_sensitive only, each look audited), the dues ledger with its
arrears and export, the dues rules (district and city users), and the 光荣在党50年 list."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import Role, User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.models import Cadre
from jiujin.core.access import STAFF, access, staff
from jiujin.core.http import AuthedRequest
from jiujin.orgs.models import OrgUnit

from . import selectors, services
from .dues import pensions_on
from .exports import write_badge_list, write_dues_ledger
from .forms import AwardForm, DuesRuleForm, MonthForm, PayForm, PensionForm
from .models import DuesCharge, DuesRule, Pension

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MANAGE = "manage_cadres"
SENSITIVE = "view_sensitive"


def _year(request: AuthedRequest) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 1950 <= int(raw) <= today.year + 1 else today.year


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def may_set_dues_rules(user: User) -> bool:
    """Dues rules are a district's (or the city's) decision."""
    return user.sees_everything or user.role in (Role.DISTRICT, Role.CITY)


# ---------------------------------------------------------------- pensions


@access(staff(SENSITIVE))
@login_required
@require_http_methods(["GET", "POST"])
def pensions(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    branch = selectors.get_branch_for_user(user, pk)
    if not sees_full_numbers(user):
        raise PermissionDenied("没有查看离退休费的权限")
    members = selectors.branch_members(user, branch).rows
    cadres = Cadre.objects.filter(pk__in=[m.cadre_id for m in members]).order_by("name_pinyin")
    form = PensionForm(request.POST or None, cadres=cadres, initial={"effective_from": timezone.localdate()})
    if request.method == "POST":
        if not user.can(MANAGE):
            raise PermissionDenied("没有登记离退休费的权限")
        if form.is_valid():
            services.pension_set(actor=actor_from_request(request), **form.cleaned_data)
            messages.success(request, f"已登记{form.cleaned_data['cadre'].name}的基本离退休费")
            return redirect("branches:pensions", pk=branch.pk)
    today = timezone.localdate()
    current = pensions_on([m.cadre_id for m in members], today.replace(day=1))
    history = Pension.objects.filter(cadre_id__in=[m.cadre_id for m in members]).select_related("cadre")[:200]
    if members:
        audit_record_batch(
            actor=actor_from_request(request),
            action=AuditAction.VIEW,
            cadre_ids=sorted(m.cadre_id for m in members),
            detail=f"查看{branch.name}党员基本离退休费",
        )
    rows = [(m, current.get(m.cadre_id)) for m in members]
    context = {
        "branch": branch,
        "rows": rows,
        "history": history,
        "form": form,
        "can_manage": user.can(MANAGE),
    }
    return render(request, "branches/pensions.html", context)


# ---------------------------------------------------------------- the ledger


@access(STAFF)
@login_required
@require_GET
def ledger(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    branch = selectors.get_branch_for_user(user, pk)
    year = _year(request)
    charges = list(selectors.ledger_rows(user, branch, year))
    summary = selectors.dues_summary(charges)
    unpaid = [c for c in charges if c.paid_on is None]
    today = timezone.localdate()
    context = {
        "branch": branch,
        "year": year,
        "years": range(today.year, today.year - 5, -1),
        "summary": summary,
        "totals": {
            "due": sum((s.due for s in summary), start=0),
            "paid": sum((s.paid for s in summary), start=0),
            "arrears": sum((s.arrears for s in summary), start=0),
        },
        "months": sorted({c.month for c in charges}, reverse=True),
        "pay_form": PayForm(
            charges=DuesCharge.objects.filter(pk__in=[c.pk for c in unpaid]).select_related("cadre"),
            initial={"paid_on": today},
        ),
        "month_form": MonthForm(initial={"month": today.replace(day=1)}),
        "can_manage": user.can(MANAGE),
        "show_base": sees_full_numbers(user),
        "has_unpaid": bool(unpaid),
    }
    return render(request, "branches/ledger.html", context)


@access(staff(MANAGE))
@login_required
@require_POST
def ledger_charge(request: AuthedRequest, pk: int) -> HttpResponse:
    branch = selectors.get_branch_for_user(request.user, pk)
    form = MonthForm(request.POST)
    if form.is_valid():
        month = form.cleaned_data["month"]
        created = services.dues_charges_create(actor=actor_from_request(request), branch=branch, month=month)
        messages.success(request, f"{month:%Y年%m月}：新计 {created} 人应缴党费（未登记离退休费的党员不计）")
        return redirect(f"{_ledger_url(branch.pk)}?year={month.year}")
    messages.error(request, "请选择月份")
    return redirect(_ledger_url(branch.pk))


def _ledger_url(pk: int) -> str:
    return reverse("branches:ledger", args=[pk])


@access(staff(MANAGE))
@login_required
@require_POST
def ledger_pay(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    branch = selectors.get_branch_for_user(user, pk)
    if not user.can(MANAGE):
        raise PermissionDenied("没有登记党费的权限")
    scoped = DuesCharge.objects.filter(branch=branch, cadre__in=Cadre.objects.for_user(user).values("pk"))
    form = PayForm(request.POST, charges=scoped.select_related("cadre"))
    if form.is_valid():
        data = form.cleaned_data
        paid = services.dues_pay(
            actor=actor_from_request(request),
            charges=list(data["charges"]),
            paid_on=data["paid_on"],
            receipt_no=data["receipt_no"],
        )
        messages.success(request, f"已登记缴纳 {paid} 个月")
    else:
        messages.error(request, "请勾选月份并填写缴纳日期")
    return redirect(_ledger_url(branch.pk))


@access(staff("export_roster"))
@login_required
@require_GET
def ledger_export(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    branch = selectors.get_branch_for_user(user, pk)
    if not user.can("export_roster"):
        raise PermissionDenied("没有导出台账的权限")
    year = _year(request)
    rows = selectors.ledger_rows(user, branch, year).iterator(chunk_size=2000)
    content, cadre_ids = write_dues_ledger(
        rows, title=f"{branch.name} {year}年党费台账", show_base=sees_full_numbers(user)
    )
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出{branch.name}{year}年党费台账，涉及 {len(cadre_ids)} 人",
    )
    return _xlsx(content, f"党费台账_{branch.pk}_{year}.xlsx")


# ---------------------------------------------------------------- dues rules


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def dues_rules(request: AuthedRequest) -> HttpResponse:
    user = request.user
    may_edit = may_set_dues_rules(user)
    form = DuesRuleForm(request.POST or None, user=user, initial={"effective_from": timezone.localdate()})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("党费标准由区/县或市老干部局设置")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.dues_rule_set(
                    actor=actor_from_request(request),
                    unit=data["org_unit"],
                    name=data["name"],
                    effective_from=data["effective_from"],
                    rounding=data["rounding"],
                    brackets=data["brackets"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已设置{data['org_unit'].name}的党费标准")
                return redirect("branches:dues_rules")
    units = OrgUnit.objects.for_user(user)
    chain = user.org_unit.chain_paths() if user.org_unit else []
    rules = (
        (
            DuesRule.objects.filter(org_unit__isnull=True)
            | DuesRule.objects.filter(org_unit__in=units)
            | DuesRule.objects.filter(org_unit__path__in=chain)
        )
        .select_related("org_unit")
        .prefetch_related("brackets")
    )
    context = {
        "rules": rules.order_by("org_unit__path", "-effective_from"),
        "form": form,
        "may_edit": may_edit,
    }
    return render(request, "branches/dues_rules.html", context)


# ---------------------------------------------------------------- 光荣在党50年


@access(STAFF)
@login_required
@require_GET
def honours(request: AuthedRequest) -> HttpResponse:
    user = request.user
    year = _year(request)
    due = list(selectors.badge_due(user, year)[:500])
    july_first = date(year, 7, 1)
    for cadre in due:
        cadre.party_years = cadre.party_profile.party_years(july_first)  # type: ignore[attr-defined]
    context = {
        "year": year,
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
        "due": due,
        "awarded": selectors.badges_awarded(user, year),
        "cutoff": selectors.badge_cutoff(year),
        "can_manage": user.can(MANAGE),
        "award_form": AwardForm(initial={"awarded_on": july_first}),
    }
    return render(request, "branches/honours.html", context)


@access(staff(MANAGE))
@login_required
@require_POST
def honours_award(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = AwardForm(request.POST)
    year = _year(request)
    if not form.is_valid():
        messages.error(request, "请填写颁发日期")
        return redirect("branches:honours")
    cadre = selectors.badge_due(user, year).filter(pk=form.cleaned_data["cadre"]).first()
    if cadre is None:
        messages.error(request, "该党员不在本年度名单内")
        return redirect("branches:honours")
    if not user.can(MANAGE):
        raise PermissionDenied("没有登记纪念章的权限")
    services.badge_award(
        actor=actor_from_request(request), cadre=cadre, year=year, awarded_on=form.cleaned_data["awarded_on"]
    )
    messages.success(request, f"已登记{cadre.name}的光荣在党50年纪念章")
    return redirect(f"{_honours_url()}?year={year}")


def _honours_url() -> str:
    return reverse("branches:honours")


@access(staff("export_roster"))
@login_required
@require_GET
def honours_export(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can("export_roster"):
        raise PermissionDenied("没有导出台账的权限")
    year = _year(request)
    content, cadre_ids = write_badge_list(
        selectors.badge_due(user, year), year=year, title=f"{year}年光荣在党50年名单"
    )
    audit_record_batch(
        actor=actor_from_request(request),
        action=AuditAction.EXPORT,
        cadre_ids=sorted(cadre_ids),
        detail=f"导出{year}年光荣在党50年名单，涉及 {len(cadre_ids)} 人",
    )
    return _xlsx(content, f"光荣在党50年_{year}.xlsx")
