"""Demo history for the pilots app (filled in by that app's work)."""

from __future__ import annotations

from jiujin.orgs.models import OrgUnit

from .context import Demo


def pilots_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write the pilots history for the demo city; return a one-line Chinese report."""
    return ""
