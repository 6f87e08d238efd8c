"""What the cadre page shows of 发挥作用 (roles, this year's hours and donations, the talent pool), and the
talent pool as a group of cadres other apps may target (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.core.access import is_volunteer
from jiujin.core.registry import CadreGroup

from .models import TalentEntry, TalentField
from .selectors import cadre_summary


def contributions_panel(request: Any, cadre: Cadre) -> str:
    if is_volunteer(request.user):
        return ""  # a paired volunteer sees the cadre's contact page, not the contribution records
    summary = cadre_summary(cadre, timezone.localdate().year)
    context = {"cadre": cadre, "summary": summary, "can_manage": request.user.can("manage_cadres")}
    return render_to_string("contributions/_cadre_panel.html", context, request=request)


def _talent_choices(user: Any) -> list[tuple[str, str]]:
    return [(value, f"人才库·{label}") for value, label in TalentField.choices]


def _talent_q(value: str) -> Q:
    entries = TalentEntry.objects.current().filter(field=value) if value else TalentEntry.objects.current()
    return Q(pk__in=entries.values("cadre_id"))


TALENT_GROUP = CadreGroup(code="talent", label="银发人才库", choices=_talent_choices, q=_talent_q)
