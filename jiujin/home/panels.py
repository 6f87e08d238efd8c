"""The home app's own panel: who has gone quiet (80+ or living alone, no contact of any kind for 30 days)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .selectors import QUIET_AGE, QUIET_DAYS, quiet_cadres


def quiet_panel(request: Any) -> str:
    today = timezone.localdate()
    rows, total = quiet_cadres(request.user, today=today)
    context = {"rows": rows, "total": total, "days": QUIET_DAYS, "age": QUIET_AGE, "today": today}
    return render_to_string("home/_quiet.html", context, request=request)
