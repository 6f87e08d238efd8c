"""Health record pages: one cadre's record with htmx add/edit forms, health campaigns and their counts.

Every page needs `view_health` (403); a cadre out of scope is 404 first, exactly like a missing one
(`get_cadre_for_user`). Every response that shows a cadre's health data writes an audit 'view' row; writes
are audit-logged by the services with before/after.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import actor_from_request, audit_record_batch
from jiujin.cadres.models import Cadre
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.http import AuthedRequest

from . import selectors, services
from .forms import HealthCampaignForm, HealthProfileForm
from .kinds import KINDS, Kind
from .models import HealthProfile, HospitalStay

NO_PERMISSION = "没有查看健康档案的权限"


def require_health(user: User) -> None:
    if not user.can("view_health"):
        raise PermissionDenied(NO_PERMISSION)


def health_cadre(request: AuthedRequest, cadre_pk: Any) -> Cadre:
    """Scope first (404 for out of scope or missing), then the health permission (403)."""
    cadre = get_cadre_for_user(request.user, cadre_pk)
    require_health(request.user)
    return cadre


def _viewed(request: AuthedRequest, cadre: Cadre, detail: str = services.VIEW_DETAIL) -> None:
    services.health_record_view(actor=actor_from_request(request), cadre=cadre, detail=detail)


SECTIONS = ["profile", "conditions", "checkups", "stays", "rounds", "campaigns"]


# ---------------------------------------------------------------- one cadre's record


def _record_context(request: AuthedRequest, cadre: Cadre) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "cadre": cadre,
        "record": selectors.HealthRecord(cadre, today=today),
        "today": today,
        "can_edit": cadre.status == "active",
    }


@access(STAFF)
@login_required
@require_GET
def record(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = health_cadre(request, cadre_pk)
    _viewed(request, cadre)
    return render(request, "health/record.html", {**_record_context(request, cadre), "sections": SECTIONS})


@access(STAFF)
@login_required
@require_GET
def section(request: AuthedRequest, cadre_pk: int, name: str) -> HttpResponse:
    """One section alone: what a form's 取消 swaps back in."""
    if name not in SECTIONS:
        raise Http404("没有该栏目")
    cadre = health_cadre(request, cadre_pk)
    _viewed(request, cadre)
    return render(request, f"health/_{name}.html", _record_context(request, cadre))


def _saved(request: AuthedRequest, cadre: Cadre, name: str, text: str) -> HttpResponse:
    """After a write: the refreshed section in place of the form (htmx), or back to the record page."""
    if not request.htmx:
        messages.success(request, text)
        return redirect(f"{reverse('health:record', args=[cadre.pk])}#health-{name}")
    context = {**_record_context(request, cadre), "notice": text}
    response = render(request, f"health/_{name}.html", context)
    return reswap(retarget(response, f"#health-{name}"), "outerHTML")


def _form_response(
    request: AuthedRequest, cadre: Cadre, form: Any, *, action: str, title: str, section_name: str
) -> HttpResponse:
    context = {"cadre": cadre, "form": form, "action": action, "title": title, "section": section_name}
    template = "health/_form.html" if request.htmx else "health/form_page.html"
    return render(request, template, context)


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedRequest, cadre_pk: int) -> HttpResponse:
    cadre = health_cadre(request, cadre_pk)
    profile = HealthProfile.objects.filter(cadre=cadre).first() or HealthProfile(cadre=cadre)
    before = services.snapshot(profile)
    form = HealthProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.health_profile_save(actor=actor_from_request(request), profile=form.instance, before=before)
        return _saved(request, cadre, "profile", "已保存基本健康信息")
    if request.method == "GET":
        _viewed(request, cadre)  # the form shows the record's current values
    action = reverse("health:profile", args=[cadre.pk])
    return _form_response(request, cadre, form, action=action, title="基本健康信息", section_name="profile")


def _kind(name: str) -> Kind:
    if name not in KINDS:
        raise Http404("没有该类记录")
    return KINDS[name]


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def item_new(request: AuthedRequest, cadre_pk: int, kind: str) -> HttpResponse:
    spec = _kind(kind)
    cadre = health_cadre(request, cadre_pk)
    form = spec.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = spec.create(
                actor=actor_from_request(request), cadre=cadre, item=form.instance, **form.create_options()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _saved(request, cadre, spec.section, _created_text(item))
    action = reverse("health:item_new", args=[cadre.pk, kind])
    title = f"新增{spec.model._meta.verbose_name}"
    return _form_response(request, cadre, form, action=action, title=title, section_name=spec.section)


def _created_text(item: Any) -> str:
    text = f"已新增{item._meta.verbose_name}"
    if isinstance(item, HospitalStay) and item.event_id:
        assert item.event is not None  # event_id is set
        task = item.event.tasks.first()
        if task:
            text += f"，已生成住院探视任务（{task.due_date.month}月{task.due_date.day}日前）"
    return text


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, cadre_pk: int, kind: str, pk: int) -> HttpResponse:
    spec = _kind(kind)
    cadre = health_cadre(request, cadre_pk)
    item = spec.model._default_manager.filter(cadre=cadre, pk=pk).first()
    if item is None:
        raise Http404("没有找到该记录")
    before = services.snapshot(item)
    form = spec.form(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        spec.update(actor=actor_from_request(request), item=form.instance, before=before)
        return _saved(request, cadre, spec.section, f"已保存{spec.model._meta.verbose_name}")
    if request.method == "GET":
        _viewed(request, cadre)
    action = reverse("health:item_edit", args=[cadre.pk, kind, item.pk])
    title = f"修改{spec.model._meta.verbose_name}"
    return _form_response(request, cadre, form, action=action, title=title, section_name=spec.section)


@access(STAFF)
@require_GET
def blank(request: AuthedRequest) -> HttpResponse:
    """Nothing: a form's 取消 clears its slot with this."""
    return HttpResponse("")


# ---------------------------------------------------------------- campaigns


@access(STAFF)
@login_required
@require_GET
def campaigns(request: AuthedRequest) -> HttpResponse:
    require_health(request.user)
    rows = list(selectors.campaigns_for(request.user)[: selectors.CAMPAIGN_PAGE])
    return render(request, "health/campaigns.html", {"campaigns": rows})


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request: AuthedRequest) -> HttpResponse:
    require_health(request.user)
    return _campaign_form(request, HealthCampaignForm(request.POST or None, user=request.user), attendees=[])


@access(STAFF)
@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    require_health(request.user)
    campaign = selectors.editable_campaign(request.user, pk)
    if campaign is None:
        raise Http404("没有找到该活动")
    attendees = selectors.campaign_attendees(request.user, campaign)
    form = HealthCampaignForm(
        request.POST or None,
        user=request.user,
        instance=campaign,
        initial={"attendees": [c.pk for c in attendees]},
    )
    if request.method == "GET" and attendees:
        audit_record_batch(
            actor=actor_from_request(request),
            action=AuditAction.VIEW,
            cadre_ids=[c.pk for c in attendees],
            detail=f"查看健康活动参加人员：{campaign.title}"[:200],
        )
    return _campaign_form(request, form, attendees=attendees)


def _campaign_form(
    request: AuthedRequest, form: HealthCampaignForm, *, attendees: list[Cadre]
) -> HttpResponse:
    before = services.campaign_snapshot(form.instance)
    if request.method == "POST":
        if form.is_valid():
            services.health_campaign_save(
                actor=actor_from_request(request),
                campaign=form.instance,
                before=before,
                attendees=list(form.cleaned_data["attendees"]),
                visible_ids={c.pk for c in attendees},
            )
            messages.success(request, f"已保存健康活动“{form.instance.title}”")
            return redirect("health:campaigns")
        attendees = selectors.picked_cadres(request.user, request.POST.getlist("attendees"))
    return render(request, "health/campaign_form.html", {"form": form, "picked": attendees})


@access(STAFF)
@login_required
@require_GET
def campaign_cadres(request: AuthedRequest) -> HttpResponse:
    """The attendee picker: the cadres ticked so far (kept ticked) followed by matches of the search."""
    require_health(request.user)
    picked = selectors.picked_cadres(request.user, request.GET.getlist("attendees"))
    found = selectors.cadre_search(request.user, request.GET.get("q", ""), exclude={c.pk for c in picked})
    return render(request, "health/_picker.html", {"picked": picked, "found": found, "searched": True})


@access(STAFF)
@login_required
@require_GET
def stats(request: AuthedRequest) -> HttpResponse:
    require_health(request.user)
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today)
    rows = selectors.campaign_stats(request.user, start=date(year, 1, 1), end=date(year, 12, 31))
    years = range(today.year, today.year - 6, -1)
    return render(request, "health/stats.html", {"rows": rows, "year": year, "years": years})


def _year(text: str | None, today: date) -> int:
    if text and text.isdigit() and 2000 <= int(text) <= today.year + 1:
        return int(text)
    return today.year
