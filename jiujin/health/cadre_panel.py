"""The 慢性病 section of the cadre page, read from the 健康档案 (registered as a cadre panel in apps.py).

Only readers with `view_health` get it (the panel's capability); the page's own view is audit-logged."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from jiujin.cadres.models import Cadre

from .selectors import active_condition_names


def conditions_panel(request: Any, cadre: Cadre) -> str:
    context = {"cadre": cadre, "conditions": active_condition_names(cadre)}
    return render_to_string("health/_cadre_conditions.html", context, request=request)
