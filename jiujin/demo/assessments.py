"""Demo history for the assessments app (filled in by that app's work)."""

from __future__ import annotations

from jiujin.orgs.models import OrgUnit

from .context import Demo


def assessments_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write the assessments history for the demo city; return a one-line Chinese report."""
    return ""
