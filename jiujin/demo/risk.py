"""Demo history for the risk app: the demo city's cadres placed in care levels by the daily computation."""

from __future__ import annotations

from jiujin.orgs.models import OrgUnit
from jiujin.risk.services import daily_job

from .context import Demo


def risk_create(demo: Demo, *, city: OrgUnit) -> str:
    """Place the demo cadres in care levels (the history of the other apps decides); return the job's line.

    Runs last, so the hospital stays, family events, contacts and check-ins written before are all read."""
    return daily_job(demo.today, None)
