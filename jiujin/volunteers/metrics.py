"""The 一助一 figure for the 千分 assessment (registered in apps.py): 独居空巢老干部一助一结对覆盖率 — the
active cadres living alone or in an empty nest with a pairing current at `end` (started by then, not ended
by then) / those cadres. The living arrangement and the file's status are read as they are now.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from jiujin.core.registry import Metric, metric_register

from .selectors import paired_on, pairing_targets


def coverage_by_community(community_ids: list[int], start: date, end: date) -> dict[int, tuple[float, float]]:
    """One grouped query; the pairing is probed per cadre through its cadre index."""
    rows = (
        pairing_targets()
        .filter(community_id__in=community_ids)
        .order_by()
        .annotate(paired=paired_on(end))
        .values("community_id")
        .annotate(total=Count("pk"), paired_n=Count("pk", filter=Q(paired=True)))
    )
    return {r["community_id"]: (r["paired_n"], r["total"]) for r in rows}


def register() -> None:
    metric_register(
        Metric(
            "pairing_coverage",
            "独居空巢老干部一助一结对覆盖率",
            "rate",
            "%",
            order=60,
            by_community=coverage_by_community,
        )
    )
