"""Pages of the risk radar: the list of a unit's cadres by care level, and a unit's contact frequencies."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.cadres.masking import sees_full_numbers
from jiujin.core.access import STAFF, access, resolve_unit, staff
from jiujin.core.http import AuthedRequest
from jiujin.core.paging import CappedPaginator
from jiujin.orgs.models import OrgLevel

from . import selectors
from .forms import FrequencyForm, RadarFilters
from .models import ContactFrequency, Level
from .rules import frequency_for
from .services import FREQUENCY_FIELDS, contact_frequency_set

PAGE_SIZE = 30
SETTING_LEVELS = {OrgLevel.CITY, OrgLevel.DISTRICT}


def may_set_frequencies(user: User) -> bool:
    """A district (or the city) sets the frequencies for the units under it; communities follow them."""
    unit = getattr(user, "org_unit", None)
    return bool(user.can("manage_cadres") and unit is not None and unit.level in SETTING_LEVELS)


@access(STAFF)
@login_required
@require_GET
def radar(request: AuthedRequest) -> HttpResponse:
    """A unit's cadres by care level (高风险 first), with the reasons and the days since the last contact."""
    today = timezone.localdate()
    unit = resolve_unit(request.user, request.GET.get("unit", "").strip())
    filters = RadarFilters(request.GET)
    filters.is_valid()
    level = filters.cleaned_data.get("level")
    due = bool(filters.cleaned_data.get("due"))
    due_by = today + timedelta(days=selectors.WEEK - 1) if due else None
    qs = selectors.radar_queryset(request.user, unit, level=level, due_by=due_by)
    page = CappedPaginator(qs.values_list("cadre_id", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unit": unit,
        "filters": filters,
        "page": page,
        "rows": selectors.radar_rows(list(page.object_list), today),
        "counts": [(lv, Level(lv).label, n) for lv, n in selectors.level_counts(request.user, unit).items()],
        "levels": Level,
        "freq": frequency_for(unit),
        "today": today,
        "show_sensitive": sees_full_numbers(request.user),
        "may_set": may_set_frequencies(request.user),
    }
    return render(request, "risk/radar.html", context)


@access(staff("manage_cadres"))
@login_required
@require_http_methods(["GET", "POST"])
def frequencies(request: AuthedRequest) -> HttpResponse:
    """The contact frequencies of the user's own unit (inherited by the units under it)."""
    user = request.user
    unit = user.org_unit
    if unit is None or not may_set_frequencies(user):
        raise PermissionDenied("联系周期由区县（或市）设置")
    own = ContactFrequency.objects.filter(org_unit=unit).values(*FREQUENCY_FIELDS).first()
    effective = frequency_for(unit)
    initial = own or {
        "high_days": effective.high,
        "priority_days": effective.priority,
        "general_days": effective.general,
        "event_days": effective.event,
        "inherit": True,
    }
    form = FrequencyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        contact_frequency_set(
            actor=actor_from_request(request), unit=unit, days=form.days(), today=timezone.localdate()
        )
        messages.success(request, "已保存联系周期")
        return redirect("risk:frequencies")
    return render(
        request, "risk/frequencies.html", {"form": form, "unit": unit, "effective": effective, "own": own}
    )
