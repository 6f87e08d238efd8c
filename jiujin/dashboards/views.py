"""数据看板 pages (filled in by the dashboards work)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jiujin.core.access import access, staff
from jiujin.core.http import AuthedRequest


@access(staff())
@login_required
@require_GET
def index(request: AuthedRequest) -> HttpResponse:
    return render(request, "dashboards/index.html", {})
