"""The risk app's objects for the access walk: cadre_a placed (高风险) and a frequency row of community A."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jiujin.risk.models import ContactFrequency
from jiujin.risk.services import risk_recompute


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    type(cadre_a).objects.filter(pk=cadre_a.pk).update(living_arrangement="alone", health_status="disabled")
    ContactFrequency.objects.create(org_unit=tree.community_a, high_days=5)
    risk_recompute(today=timezone.localdate())
    return {
        "ids": {},
        "pks": {},
        "written": [
            ContactFrequency.objects.count,
            lambda: ContactFrequency.objects.filter(high_days=5).count(),
        ],
    }
