"""The learning and activities figures for the 千分 assessment (registered in apps.py):

- 人均参加活动次数: check-ins of the community's active cadres at events starting in [start, end] (whoever
  organised them: a street's lecture attended counts for the attendee's community) / its active cadres.
  Cadres who have left the file count on neither side.
- 健康讲座场次: health lectures (kind health) starting in [start, end], by now, organised by the community
  itself. A street's or district's lecture is not counted for its communities: it is open to all of them
  and would count once per community, and the rubric scores what the community runs; their cadres'
  attendance at it shows in 人均参加活动次数.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from jiujin.cadres.models import Cadre
from jiujin.core.registry import Metric, metric_register

from .selectors import counted_attendances, health_lectures_held


def attendance_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    """Two grouped queries: the check-ins, and the active cadres."""
    checked = (
        counted_attendances(start, end)
        .filter(cadre__community_id__in=community_ids)
        .order_by()
        .values("cadre__community_id")
        .annotate(n=Count("pk"))
    )
    cadres = (
        Cadre.objects.active()
        .filter(community_id__in=community_ids)
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    parts = {r["cadre__community_id"]: r["n"] for r in checked}
    return {r["community_id"]: (parts.get(r["community_id"], 0), r["n"]) for r in cadres}


def health_lectures_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    rows = (
        health_lectures_held(start, end)
        .filter(unit_id__in=community_ids)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
    )
    return {r["unit_id"]: (r["n"], 0) for r in rows}


def register() -> None:
    metric_register(
        Metric(
            "attendance_per_cadre",
            "人均参加活动次数",
            "ratio",
            "次/人",
            order=50,
            by_community=attendance_by_community,
        ),
        Metric(
            "health_lectures",
            "健康讲座场次",
            "count",
            "场",
            order=51,
            by_community=health_lectures_by_community,
        ),
    )
