"""The 一助一 section of the cadre detail page (one query), registered as a cadre panel in apps.py."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from jiujin.cadres.models import Cadre
from jiujin.volunteers.matching import ALONE, FRAIL
from jiujin.volunteers.models import Pairing

register = template.Library()


@register.inclusion_tag("volunteers/_pairing_card.html")
def pairing_card(cadre: Cadre) -> dict[str, Any]:
    pairing = Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).select_related("volunteer").first()
    eligible = cadre.living_arrangement in ALONE or cadre.health_status in FRAIL
    return {"cadre": cadre, "pairing": pairing, "eligible": eligible}


def pairing_panel(request: Any, cadre: Cadre) -> str:
    return render_to_string("volunteers/_pairing_card.html", pairing_card(cadre), request=request)
