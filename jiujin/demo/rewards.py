"""Demo history for the rewards app (filled in by that app's work)."""

from __future__ import annotations

from jiujin.orgs.models import OrgUnit

from .context import Demo


def rewards_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write the rewards history for the demo city; return a one-line Chinese report."""
    return ""
