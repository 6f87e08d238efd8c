"""What the opinions app puts on the homes and the cadre page: the unanswered opinions (overdue first) on a
community worker's home, those escalated to a street's, district's or city's own unit on theirs, overdue
opinions per unit among a supervisor's figures, and a cadre's opinions on the cadre page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from jiujin.cadres.models import Cadre

from . import selectors
from .models import OpinionState


def community_panel(request: Any) -> str:
    today = timezone.localdate()
    opinions = selectors.unanswered_in_scope(request.user)
    if not opinions:  # one query on a quiet day
        return ""
    rows = [(o, o.state_on(today)) for o in opinions]
    context = {"rows": rows, **selectors.counts(request.user, today), "escalated_panel": False}
    return render_to_string("opinions/_home.html", context, request=request)


def escalated_panel(request: Any) -> str:
    today = timezone.localdate()
    opinions, total = selectors.escalated_to_unit(request.user)
    if not total:
        return ""
    rows = [(o, o.state_on(today)) for o in opinions]
    context = {"rows": rows, "open": total, "escalated_panel": True, "unit": request.user.org_unit}
    return render_to_string("opinions/_home.html", context, request=request)


def overdue_by_community(user: Any, communities: QuerySet[Any], today: date) -> dict[int, tuple[int, int]]:
    """Overdue of the unanswered opinions, per community (one grouped query)."""
    rows = (
        selectors.opinions_for_user(user)
        .filter(community__in=communities, state=OpinionState.OPEN)
        .order_by()
        .values("community_id")
        .annotate(late=Count("pk", filter=Q(due_date__lt=today)), open=Count("pk"))
    )
    return {r["community_id"]: (r["late"], r["open"]) for r in rows}


def cadre_panel(request: Any, cadre: Cadre) -> str:
    rows = selectors.cadre_opinions(request.user, cadre)
    today = timezone.localdate()
    context = {"cadre": cadre, "rows": [(o, o.state_on(today)) for o in rows]}
    return render_to_string("opinions/_cadre.html", context, request=request)


def register() -> None:
    from jiujin.core.registry import (
        CadrePanel,
        HomePanel,
        UnitFigure,
        cadre_panel_register,
        home_panel_register,
        unit_figure_register,
    )

    home_panel_register(
        HomePanel("opinions-open", community_panel, order=25, roles=frozenset({"community"})),
        HomePanel(
            "opinions-escalated", escalated_panel, order=15, roles=frozenset({"street", "district", "city"})
        ),
    )
    unit_figure_register(
        UnitFigure(
            "opinions-overdue", "逾期意见建议", order=70, by_community=overdue_by_community, alarm=True
        )
    )
    cadre_panel_register(CadrePanel("opinions", cadre_panel, order=40))
