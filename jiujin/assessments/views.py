"""Pages of an assessment run: the ranking, a unit's breakdown and remark, the assessor's scoring form,
publish and recompute, and the evidence files.

Scope (`selectors`): the district's staff and those above reach the run; each sees the units of their own
subtree (a community worker: their own community). Assessors score (`assess`); district staff publish and
recompute (`manage_assessment`). After publication the services refuse every change; the pages hide the
forms and say so.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, NoAccess, access, staff
from jiujin.core.attachments import attachment_response
from jiujin.core.http import AuthedRequest

from . import scoring, selectors
from .forms import ReasonForm, RemarkForm, ScoreForm
from .links import assessment_links_for
from .models import Score, ScoreEvidence, Source
from .services import Refused

MANAGE = "manage_assessment"
ASSESS = "assess"


@access(STAFF)
@require_GET
def overview(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for_user(request.user, pk)
    context = {
        "assessment": assessment,
        "results": selectors.results_in_view(request.user, assessment),
        "revisions": list(assessment.revisions.select_related("created_by")),
        "can_manage": request.user.can(MANAGE),
        "reason_form": ReasonForm(),
        "links": assessment_links_for(request.user, assessment),
    }
    return render(request, "assessments/overview.html", context)


@access(STAFF)
@require_GET
def unit(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = selectors.assessment_for_user(request.user, pk)
    result = selectors.result_for_user(request.user, assessment, code)
    own = request.user.org_unit_id == result.unit_id
    context = {
        "assessment": assessment,
        "result": result,
        "scores": selectors.unit_scores(assessment, result.unit),
        "can_assess": request.user.can(ASSESS) and not assessment.is_published,
        "can_remark": own and not assessment.is_published,
        "remark_form": RemarkForm(initial={"remark": result.remark}),
    }
    return render(request, "assessments/unit.html", context)


@access(STAFF)
@require_POST
def remark(request: AuthedRequest, pk: int, code: str) -> HttpResponse:
    assessment = selectors.assessment_for_user(request.user, pk)
    result = selectors.result_for_user(request.user, assessment, code)
    if request.user.org_unit_id != result.unit_id:
        raise NoAccess("只有被考评社区可以填写说明")
    form = RemarkForm(request.POST)
    if form.is_valid():
        try:
            scoring.remark_save(
                actor=actor_from_request(request), result=result, remark=form.cleaned_data["remark"]
            )
            messages.success(request, "已提交说明")
        except Refused as e:
            messages.error(request, str(e))
    else:
        messages.error(request, "请填写说明")
    return redirect("assessments:unit", assessment.pk, result.unit.code)


def _score_for_user(request: AuthedRequest, pk: int) -> Score:
    score = get_object_or_404(Score.objects.select_related("item", "unit", "assessment"), pk=pk)
    selectors.assessment_for_user(request.user, score.assessment_id)
    if not selectors.unit_in_view(request.user, score.unit):
        raise NoAccess("没有找到该评分")
    return score


@access(staff(ASSESS))
@require_http_methods(["GET", "POST"])
def score(request: AuthedRequest, pk: int) -> HttpResponse:
    score = _score_for_user(request, pk)
    manual = score.source == Source.MANUAL
    initial = {"points": score.points, "deduction": score.deduction, "note": score.note}
    form = ScoreForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        manual=manual,
        max_points=score.item.max_points,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scoring.score_enter(
                actor=actor_from_request(request),
                score=score,
                points=data.get("points"),
                deduction=data.get("deduction") or Decimal(0),
                note=data["note"],
                evidence=data["evidence"],
            )
        except (Refused, ValidationError) as e:
            form.add_error(None, e.messages if isinstance(e, ValidationError) else str(e))
        else:
            messages.success(request, f"已保存：{score.item.name} {score.net} 分")
            return redirect("assessments:unit", score.assessment_id, score.unit.code)
    context = {
        "score": score,
        "assessment": score.assessment,
        "form": form,
        "evidence": list(score.evidence.listing()),
        "frozen": score.assessment.is_published,
    }
    return render(request, "assessments/score.html", context)


@access(STAFF)
@require_GET
def evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    file = get_object_or_404(ScoreEvidence.objects.select_related("score__unit"), pk=pk)
    _score_for_user(request, file.score_id)
    return attachment_response(file)


@access(staff(MANAGE))
@require_POST
def publish(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for_user(request.user, pk)
    try:
        scoring.assessment_publish(actor=actor_from_request(request), assessment=assessment)
        messages.success(request, "考评结果已发布，得分已冻结")
    except Refused as e:
        messages.error(request, str(e))
    return redirect("assessments:overview", assessment.pk)


@access(staff(MANAGE))
@require_POST
def recompute(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        report = scoring.assessment_compute(
            actor=actor_from_request(request), assessment=assessment, reason=reason
        )
    except Refused as e:
        messages.error(request, str(e))
    else:
        for warning in report.warnings:
            messages.warning(request, warning)
        messages.success(request, "已重新计算系统指标和总分")
    return redirect("assessments:overview", assessment.pk)
