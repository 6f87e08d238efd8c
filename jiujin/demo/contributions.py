"""Demo history for the contributions app (filled in by that app's work)."""

from __future__ import annotations

from jiujin.orgs.models import OrgUnit

from .context import Demo


def contributions_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write a year of contributions history for the demo city; return a one-line Chinese report."""
    return ""
