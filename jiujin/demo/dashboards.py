"""Demo summaries: the dashboards read the summary tables, recomputed over the whole demo history."""

from __future__ import annotations

from jiujin.dashboards.services import summaries_refresh
from jiujin.orgs.models import OrgUnit

from .context import Demo


def dashboards_create(demo: Demo, *, city: OrgUnit) -> str:
    """Runs after every other step (the risk levels included): the snapshot reads them all."""
    return summaries_refresh(today=demo.today).line()
