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
from jiujin.tasks.models import TaskStatus, VisitTask, scope_field

from .task_kinds import KINDS


def _counts(community_ids: list[int], start: date, end: date) -> list[Any]:
    """Per community: `due` owed tasks, `done` of them, `on_time` of those; one grouped query."""
    today = timezone.localdate()
    done = Q(status=TaskStatus.DONE)
    rows = (
        VisitTask.objects.filter(**{f"{scope_field()}__in": community_ids})
        .filter(kind__in=[kind.code for kind in KINDS], due_date__range=(start, end))
        .exclude(status=TaskStatus.CANCELLED)
        .filter(Q(due_date__lte=today) | done)
        .order_by()
        .values(unit=F(f"{scope_field()}_id"))
        .annotate(
            due=Count("pk"),
            done=Count("pk", filter=done),
            on_time=Count("pk", filter=done & Q(done_at__date__lte=F("due_date"))),
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
