"""以奖代补 pages: the districts' pools, one pool (settings, allocation, downloads, issue).

A pool is reached through its assessment (`selectors.rewards_assessment_for_user`: out of scope is 404); the
writes need the assessments app's `manage_assessment` capability and go through `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record
from jiujin.core.access import STAFF, access, staff
from jiujin.core.http import AuthedRequest
from jiujin.lib.allocation import AllocationError

from . import exports
from .forms import PoolForm, TierFormSet, tier_initial, tiers_of
from .models import FundPool
from .selectors import allocation_rows, allocation_total, pool_for, pool_lines, rewards_assessment_for_user
from .services import RewardsConflict, fund_pool_allocate, fund_pool_issue, fund_pool_save, pool_defaults

MANAGE = "manage_assessment"


@access(STAFF)
@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "rewards/index.html", {"lines": pool_lines(request.user)})


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def pool(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    """The pool of the assessment's district and year; POST (managers) saves the settings and allocates."""
    assessment = rewards_assessment_for_user(request.user, assessment_id)
    current = pool_for(assessment)
    can_manage = request.user.can(MANAGE)
    defaults = pool_defaults(assessment)
    editable = can_manage and assessment.is_published and not (current and current.is_issued)
    if request.method == "POST" and not editable:
        raise Http404("没有找到")  # the form is not offered: nothing to post to
    data = request.POST if request.method == "POST" else None
    form = PoolForm(data, initial=PoolForm.initial_for(current, defaults))
    tiers = TierFormSet(
        data, initial=tier_initial(current.tiers if current else defaults["tiers"]), prefix="tier"
    )
    if data is not None and form.is_valid() and tiers.is_valid():
        actor = actor_from_request(request)
        try:
            saved = fund_pool_save(
                actor=actor, assessment=assessment, tiers=tiers_of(tiers), **form.cleaned_data
            )
            fund_pool_allocate(actor=actor, pool=saved)
        except (AllocationError, RewardsConflict) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已保存设置并重新分配资金")
            return redirect("rewards:pool", assessment_id=assessment.pk)
    rows = allocation_rows(current) if current else []
    context = {
        "assessment": assessment,
        "pool": current,
        "rows": rows,
        "total": allocation_total(rows),
        "form": form,
        "tiers": tiers,
        "editable": editable,
        "can_manage": can_manage,
    }
    return render(request, "rewards/pool.html", context)


def _pool_with_rows(request: AuthedRequest, assessment_id: int) -> tuple[FundPool, list]:
    assessment = rewards_assessment_for_user(request.user, assessment_id)
    current = pool_for(assessment)
    rows = allocation_rows(current) if current else []
    if current is None or not rows:
        raise Http404("尚未分配以奖代补资金")
    return current, rows


@access(staff(MANAGE))
@login_required
@require_POST
def issue(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    current, _rows = _pool_with_rows(request, assessment_id)
    try:
        fund_pool_issue(actor=actor_from_request(request), pool=current)
    except RewardsConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "资金已下达，分配结果不再变动")
    return redirect("rewards:pool", assessment_id=assessment_id)


def _download(
    request: AuthedRequest, current: FundPool, content: bytes, kind: str, name: str
) -> HttpResponse:
    audit_record(
        actor=actor_from_request(request), action=AuditAction.EXPORT, subject=current, detail=f"下载{name}"
    )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@access(STAFF)
@login_required
@require_GET
def table(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    current, rows = _pool_with_rows(request, assessment_id)
    name = f"{current.year}年度以奖代补资金分配表.xlsx"
    return _download(request, current, exports.table_xlsx(current, rows), exports.XLSX, name)


@access(STAFF)
@login_required
@require_GET
def notice(request: AuthedRequest, assessment_id: int) -> HttpResponse:
    current, rows = _pool_with_rows(request, assessment_id)
    on = timezone.localdate(current.issued_at) if current.issued_at else timezone.localdate()
    name = f"{current.year}年度千分量化考评结果及以奖代补资金分配通报.docx"
    return _download(request, current, exports.notice_docx(current, rows, on=on), exports.DOCX, name)
