"""A cadre's individual service plan: view, edit (phone-friendly) and review.

Cadres are scoped through `get_cadre_for_user` (out of scope is a 404); writes go through `services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.cadres.models import Cadre
from jiujin.cadres.services import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.http import AuthedRequest
from jiujin.tasks.models import VisitTask

from . import services
from .forms import PlanForm, PlanItemFormSet, PlanReviewForm, formset_initial
from .task_kinds import PLAN_SERVICE


def _cadre_for_edit(user: User, pk: int) -> Cadre:
    cadre = get_cadre_for_user(user, pk)  # 404 before 403: out of scope looks missing
    if not user.can("manage_cadres"):
        raise PermissionDenied("没有制定服务方案的权限")
    return cadre


@access(STAFF)
@login_required
@require_GET
def cadre_plan(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = get_cadre_for_user(request.user, cadre_pk)
    plan = services.plan_for(cadre)
    services.plan_record_view(actor=actor_from_request(request), cadre=cadre)
    today = timezone.localdate()
    context = {
        "cadre": cadre,
        "plan": plan,
        "items": services.plan_items(plan),
        "upcoming": VisitTask.objects.filter(cadre=cadre, kind=PLAN_SERVICE.code)
        .pending()
        .select_related("assignee")
        .order_by("due_date", "id")[:10],
        "can_manage": request.user.can("manage_cadres"),
        "review_form": PlanReviewForm(initial={"reviewed_on": today}),
        "today": today,
    }
    return render(request, "plans/plan.html", context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def cadre_plan_edit(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request.user, cadre_pk)
    plan = services.plan_for(cadre)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=PlanForm.initial_for(plan))
    formset = PlanItemFormSet(data, initial=formset_initial(plan), cadre=cadre, plan=plan)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {
            "needs": form.cleaned_data["needs"],
            "need_tags": form.tags(),
            "review_date": form.cleaned_data["review_date"],
            "items": formset.values(),
        }
        actor = actor_from_request(request)
        if plan is None:
            services.plan_create(actor=actor, cadre=cadre, **values)
        else:
            services.plan_update(actor=actor, plan=plan, **values)
        messages.success(request, f"已保存{cadre.name}的服务方案")
        return redirect("plans:cadre", cadre_pk=cadre.pk)
    return render(
        request, "plans/plan_form.html", {"cadre": cadre, "plan": plan, "form": form, "formset": formset}
    )


@access(STAFF)
@login_required
@require_POST
def cadre_plan_review(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request.user, cadre_pk)
    plan = services.plan_for(cadre)
    if plan is None:
        messages.error(request, "尚未制定服务方案")
        return redirect("plans:cadre", cadre_pk=cadre.pk)
    form = PlanReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        services.plan_review(
            actor=actor_from_request(request),
            plan=plan,
            reviewed_on=data["reviewed_on"],
            next_review_date=data["next_review_date"],
            note=data["note"],
        )
        messages.success(request, "已记录复核")
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, "复核未记录：" + "；".join(errors))
    return redirect("plans:cadre", cadre_pk=cadre.pk)
