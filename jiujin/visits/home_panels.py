"""What the five-must-visits app puts on a supervisor's home: per unit, this month's visits done and
overdue, counting only the tasks owed by today (a task due later this month is not yet owed; one done
early counts as done) — the same figures as the visit statistics page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from .selectors import visit_figures_by_community


def done_by_community(user: Any, communities: QuerySet[Any], today: date) -> dict[int, tuple[int, int]]:
    figures = visit_figures_by_community(user, communities, today=today)
    return {pk: (f.done, f.due) for pk, f in figures.items()}


def overdue_by_community(user: Any, communities: QuerySet[Any], today: date) -> dict[int, tuple[int, int]]:
    figures = visit_figures_by_community(user, communities, today=today)
    return {pk: (f.overdue, f.due) for pk, f in figures.items()}


def register() -> None:
    from jiujin.core.registry import UnitFigure, unit_figure_register

    unit_figure_register(
        UnitFigure("visits-done", "本月走访完成", order=30, by_community=done_by_community, percent=True),
        UnitFigure("visits-overdue", "本月逾期", order=40, by_community=overdue_by_community, alarm=True),
    )
