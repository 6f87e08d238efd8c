"""The visits app's figures for the 千分 assessment (registered in apps.py): 应访走访完成率 and 走访按时率.

Both count the must-visit tasks of this app's kinds (task_kinds.KINDS; the tasks other apps put on the agenda
are not must-visits) due in [start, end], not cancelled, and owed as the stats page owes them
(selectors.owed_tasks): due by today, or done ahead of time. "On time" reads the task's completion time
(done_at, when the completing record was entered) in local time against the due date: a visit recorded
after its due date is not on time, whatever date it was entered with.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from jiujin.core.registry import Metric, metric_register
from jiujin.tasks.models import TaskStatus, scope_field

from .selectors import must_visits_owed, on_time_q


def _counts(community_ids: list[int], start: date, end: date) -> list[Any]:
    """Per community: `due` owed tasks, `done` of them, `on_time` of those; one grouped query."""
    rows = (
        must_visits_owed(start, end, today=timezone.localdate())
        .filter(**{f"{scope_field()}__in": community_ids})
        .values(unit=F(f"{scope_field()}_id"))
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=Q(status=TaskStatus.DONE)),
            on_time=Count("pk", filter=on_time_q()),
        )
    )
    return list(rows)


def visits_done_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    return {r["unit"]: (r["done"], r["due"]) for r in _counts(community_ids, start, end)}


def visits_on_time_by_community(
    community_ids: list[int], start: date, end: date
) -> dict[int, tuple[float, float]]:
    return {r["unit"]: (r["on_time"], r["done"]) for r in _counts(community_ids, start, end)}


def register() -> None:
    metric_register(
        Metric("visits_done", "应访走访完成率", "rate", "%", order=20, by_community=visits_done_by_community),
        Metric(
            "visits_on_time", "走访按时率", "rate", "%", order=21, by_community=visits_on_time_by_community
        ),
    )
