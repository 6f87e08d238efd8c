"""The home page ("/", and where a login lands): what to do today.

A community worker sees the panels the apps register (`HomePanel`: visits due, requests, birthdays,
reminders …) and who has gone quiet; a street, district or city user sees their units side by side from
the registered `UnitFigure`s, each unit a link down the tree; a volunteer or a work unit's contact goes on
to their own page.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from jiujin.accounts.models import Role
from jiujin.core.access import SIGNED_IN, access, is_volunteer, is_work_unit
from jiujin.core.http import AuthedRequest
from jiujin.core.registry import home_panels_for
from jiujin.lib.calendar import lunar_label

from . import selectors


@access(SIGNED_IN)  # volunteers and work units' contacts land here too: each is sent on to their own page
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    if is_volunteer(request.user):
        return redirect("volunteers:me")
    if is_work_unit(request.user):
        return redirect("opinions:work_unit")
    if request.user.role == Role.ASSESSOR and not request.user.sees_everything:
        return redirect("assessments:index")  # a 考评员 has no agenda of their own: the assessments are it
    if selectors.is_supervisor(request.user):
        return _supervisor_home(request)
    return _worker_home(request)


def _today_context() -> dict[str, object]:
    today = timezone.localdate()
    return {"today": today, "today_lunar": lunar_label(today)}


def _worker_home(request: AuthedRequest) -> HttpResponse:
    context = _today_context() | {"panels": home_panels_for(request)}
    return render(request, "home/worker.html", context)


def _supervisor_home(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    overview = selectors.overview_for(request.user, request.GET.get("unit"), today=today)
    context = _today_context() | {
        "overview": overview,
        "rows": [(row, row.cells(overview.figures)) for row in overview.rows],
        "whole": overview.whole.cells(overview.figures),
        "panels": home_panels_for(request, named_only=True),  # e.g. opinions escalated to this level
    }
    return render(request, "home/supervisor.html", context)
