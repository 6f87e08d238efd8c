"""Demo history for the risk app (filled in by that app's work)."""

from __future__ import annotations

from jiujin.orgs.models import OrgUnit

from .context import Demo


def risk_create(demo: Demo, *, city: OrgUnit) -> str:
    """Place the demo cadres in care levels; return a one-line Chinese report."""
    return ""
