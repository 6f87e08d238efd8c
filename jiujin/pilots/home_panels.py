"""What the pilots app puts on the homes: the pilot steps past their target date and not done, in the user's
scope, on a street's and a district's home and on the pilot community's worker's."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from .selectors import overdue_for_home

ROLES = frozenset({"street", "district", "community"})


def overdue_steps_panel(request: Any) -> str:
    rows, total = overdue_for_home(request.user, timezone.localdate())
    if not rows:
        return ""
    return render_to_string("pilots/_home_overdue.html", {"rows": rows, "total": total}, request=request)


def register() -> None:
    from jiujin.core.registry import HomePanel, home_panel_register

    home_panel_register(HomePanel("pilot-steps-overdue", overdue_steps_panel, order=60, roles=ROLES))
