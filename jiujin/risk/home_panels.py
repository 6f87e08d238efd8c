"""What the risk radar puts on the homes: "本周需要联系" on a community worker's, and the at-risk cadres
contacted within their frequency per unit on a supervisor's (target 100 %)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from jiujin.cadres.masking import sees_full_numbers

from .selectors import HOME_COUNT_CAP, due_this_week, risk_figures


def due_panel(request: Any) -> str:
    today = timezone.localdate()
    rows, total = due_this_week(request.user, today)
    context = {
        "rows": rows,
        "total": total,
        "capped": total > HOME_COUNT_CAP,
        "cap": HOME_COUNT_CAP,
        "today": today,
        "show_sensitive": sees_full_numbers(request.user),
        "unit": request.user.org_unit,
    }
    return render_to_string("risk/_home.html", context, request=request)


def on_time_by_community(user: Any, communities: Any, today: date) -> dict[int, tuple[int, int]]:
    """(contacted on time, at-risk) per community: the home shows part/whole."""
    figures = risk_figures(communities.order_by().values("pk"), today)
    return {pk: (ok, n) for pk, (n, ok) in figures.items()}


def cadre_panel(request: Any, cadre: Any) -> str:
    from .selectors import radar_rows

    rows = radar_rows([cadre.pk], timezone.localdate())
    if not rows:  # not placed yet (a new file: the next daily computation places it)
        return ""
    row = rows[0]
    return render_to_string("risk/_cadre.html", {"row": row}, request=request)


def register() -> None:
    from jiujin.core.registry import (
        CadrePanel,
        HomePanel,
        UnitFigure,
        cadre_panel_register,
        home_panel_register,
        unit_figure_register,
    )

    home_panel_register(HomePanel("risk-due", due_panel, order=15, roles=frozenset({"community"})))
    unit_figure_register(
        UnitFigure(
            "risk-on-time", "高风险/重点按时联系率", order=70, by_community=on_time_by_community, percent=True
        )
    )
    cadre_panel_register(CadrePanel("risk", cadre_panel, order=15))
