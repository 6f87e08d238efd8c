"""The visits app's summary figures (section 走访慰问, registered in apps.py; kept by the dashboards app).

The task figures count the five must-visits by due date with the assessment's rules (selectors.
must_visits_owed, on_time_q; tasks.selectors.overdue_q), each in one GROUP BY over all communities; the
record figures count every visit record (of any task, as the 走访台账 lists them) by the day of the visit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.cadres.summary import Row, grouped_rows
from jiujin.core.registry import SummaryFigure, summary_figure_register
from jiujin.tasks.models import TaskStatus, VisitForm, VisitRecord, VisitTask, scope_field
from jiujin.tasks.selectors import overdue_q

from .selectors import must_visits_owed, on_time_q
from .task_kinds import KINDS

SECTION = "走访慰问"
Cadres = Callable[[list[int], date, date, str], QuerySet[Cadre]]

# Which of the owed tasks each task figure counts.
TASK_FIGURES: dict[str, Callable[[date], Q]] = {
    "visits_due": lambda today: Q(),
    "visits_done": lambda today: Q(status=TaskStatus.DONE),
    "visits_on_time": lambda today: on_time_q(),
    "visits_overdue": overdue_q,
}


def _tasks(code: str, start: date, end: date) -> QuerySet[VisitTask]:
    today = timezone.localdate()
    return must_visits_owed(start, end, today=today).filter(TASK_FIGURES[code](today))


def _task_rows(code: str, by_kind: bool) -> Callable[[date, date], Iterator[Row]]:
    def rows(start: date, end: date) -> Iterator[Row]:
        keys = {"key": F("kind")} if by_kind else {}
        grouped = (
            _tasks(code, start, end)
            .values(unit=F(f"{scope_field()}_id"), day=F("due_date"), **keys)
            .annotate(n=Count("due_date"))  # a column of the community index: counted from it alone
        )
        return grouped_rows(grouped, community="unit")

    return rows


def _task_cadres(code: str) -> Cadres:
    def cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
        tasks = _tasks(code, start, end).filter(**{f"{scope_field()}__in": community_ids})
        return Cadre.objects.filter(pk__in=(tasks.filter(kind=key) if key else tasks).values("cadre_id"))

    return cadres


def _kinds() -> dict[str, str]:
    return {kind.code: kind.label for kind in KINDS}


def _task_figure(code: str, label: str, order: int, of: str = "", by_kind: bool = False) -> SummaryFigure:
    return SummaryFigure(
        code,
        label,
        SECTION,
        order,
        _task_rows(code, by_kind),
        unit_label="次",
        breakdown=_kinds if by_kind else None,
        of=of,
        cadres=_task_cadres(code),
    )


# ---------------------------------------------------------------- visit records


def records(start: date, end: date) -> QuerySet[VisitRecord]:
    return VisitRecord.objects.filter(visited_on__range=(start, end)).order_by()


def _record_group(qs: QuerySet[VisitRecord], **keys: F) -> QuerySet[VisitRecord, Any]:
    return qs.values(unit=F(f"task__{scope_field()}_id"), day=F("visited_on"), **keys)


def _record_rows(start: date, end: date) -> Iterator[Row]:
    grouped = _record_group(records(start, end), key=F("form")).annotate(n=Count("pk"))
    return grouped_rows(grouped, community="unit")


def _gift_rows(start: date, end: date) -> Iterator[Row]:
    grouped = _record_group(records(start, end).exclude(gifts="")).annotate(n=Count("pk"))
    return grouped_rows(grouped, community="unit")


def _money_rows(start: date, end: date) -> Iterator[Row]:
    """Whole 元 per community and day, rounded half up from the exact sum of the day's money."""
    grouped = _record_group(records(start, end).filter(money__gt=0)).annotate(total=Sum("money"))
    sums: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for row in grouped:
        sums[(row["unit"], row["day"])] += Decimal(row["total"])
    for (unit, day), total in sums.items():
        yield unit, day, "", int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _record_cadres(narrow: Callable[[QuerySet[VisitRecord]], QuerySet[VisitRecord]]) -> Cadres:
    def cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
        qs = narrow(records(start, end)).filter(**{f"task__{scope_field()}__in": community_ids})
        return Cadre.objects.filter(pk__in=(qs.filter(form=key) if key else qs).values("task__cadre_id"))

    return cadres


FIGURES = [
    _task_figure("visits_due", "应访", 20, by_kind=True),
    _task_figure("visits_done", "已访", 21, of="visits_due", by_kind=True),
    _task_figure("visits_on_time", "按时走访", 22, of="visits_done"),
    _task_figure("visits_overdue", "逾期未访", 23, of="visits_due"),
    SummaryFigure(
        "visit_records",
        "走访记录",
        SECTION,
        24,
        _record_rows,
        unit_label="次",
        breakdown=lambda: dict(VisitForm.choices),
        cadres=_record_cadres(lambda qs: qs),
    ),
    SummaryFigure(
        "gifts_money",
        "慰问金（元）",
        SECTION,
        25,
        _money_rows,
        unit_label="元",
        cadres=_record_cadres(lambda qs: qs.filter(money__gt=0)),
    ),
    SummaryFigure(
        "gifts",
        "慰问品（次）",
        SECTION,
        26,
        _gift_rows,
        unit_label="次",
        cadres=_record_cadres(lambda qs: qs.exclude(gifts="")),
    ),
]


def register() -> None:
    summary_figure_register(*FIGURES)
