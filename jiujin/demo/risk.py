"""Demo history for the risk app: the demo city's cadres placed in care levels by the daily computation."""

from __future__ import annotations

from django.db import connection

from jiujin.orgs.models import OrgUnit
from jiujin.risk.services import daily_job

from .context import Demo


def risk_create(demo: Demo, *, city: OrgUnit) -> str:
    """Place the demo cadres in care levels (the history of the other apps decides); return the job's line.

    Runs last, so the hospital stays, family events, contacts and check-ins written before are all read. On
    PostgreSQL the tables just filled are analysed first: with the statistics of empty tables the planner
    runs the computation's correlated lookups as scans, minutes for a few hundred cadres."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return daily_job(demo.today, None)
