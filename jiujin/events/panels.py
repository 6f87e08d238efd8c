"""What the events app shows elsewhere: the six-month list on a community worker's home, and a cadre's
recent events on the cadre's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from . import selectors

HOME_LIMIT = 5


def inactive_panel(request: Any) -> str:
    qs = selectors.inactive_cadres(request.user, timezone.localdate())
    rows = list(qs[: HOME_LIMIT + 1])
    if not rows:
        return ""
    total = qs.count() if len(rows) > HOME_LIMIT else len(rows)
    context = {"rows": rows[:HOME_LIMIT], "total": total}
    return render_to_string("events/_home_inactive.html", context, request=request)


def cadre_events_panel(request: Any, cadre: Any) -> str:
    rows = selectors.recent_for_cadre(cadre)
    year = selectors.cadre_rate(cadre.pk, timezone.localdate() - timedelta(days=365))
    context = {"rows": rows, "cadre": cadre, "year": year}
    return render_to_string("events/_cadre_panel.html", context, request=request)
