"""Reading the summary tables: a unit's figures over a period, from a handful of rows whatever its size.

`unit_figures(unit_ids, start, end)` -> {unit id: Figures}: flows summed over the period (the month rows of
its whole months, the day rows of the days around them), stocks from the last snapshot on or before its end.
`figure_value` turns a figure's count into what is shown (a share of another figure for a rate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import OuterRef, Q, Subquery, Sum

from jiujin.core.registry import SummaryFigure, summary_figure

from .models import Span, Summary, SummaryRun
from .services import month_end, month_start


@dataclass
class Figures:
    """One unit's counts over a period: `values[code]`, `values["code:key"]` for a breakdown's entries;
    `snapshot`: the day the stock figures stood (None: never computed up to the period's end)."""

    values: dict[str, int] = field(default_factory=dict)
    snapshot: date | None = None

    def get(self, code: str) -> int:
        return self.values.get(code, 0)

    def breakdown(self, figure: SummaryFigure) -> list[tuple[str, str, int]]:
        """(key, label, count) of the figure's breakdown in its declared order, zeros included."""
        labels = figure.breakdown() if figure.breakdown else {}
        return [(key, label, self.values.get(f"{figure.code}:{key}", 0)) for key, label in labels.items()]


def _period_q(start: date, end: date) -> Q:
    """The rows whose sum is the period: whole months from the month rows, the other days from day rows."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end if end == month_end(end) else month_start(end) - timedelta(days=1)
    if first > last:  # no whole month inside
        return Q(span=Span.DAY, day__range=(start, end))
    q = Q(span=Span.MONTH, day__range=(first, month_start(last)))
    if start < first:
        q |= Q(span=Span.DAY, day__range=(start, first - timedelta(days=1)))
    if end > last:
        q |= Q(span=Span.DAY, day__range=(last + timedelta(days=1), end))
    return q


def unit_figures(unit_ids: list[int], start: date, end: date) -> dict[int, Figures]:
    """Every unit's figures over [start, end]: two queries, whatever the units' sizes and the period."""
    result: dict[int, Figures] = defaultdict(Figures)
    flows = (
        Summary.objects.filter(_period_q(start, end), unit_id__in=unit_ids)
        .values("unit_id", "code")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for row in flows:
        result[row["unit_id"]].values[row["code"]] = row["total"]
    latest = (
        Summary.objects.filter(unit_id=OuterRef("unit_id"), span=Span.SNAPSHOT, day__lte=end)
        .order_by("-day")
        .values("day")[:1]
    )
    stocks = Summary.objects.filter(
        unit_id__in=unit_ids, span=Span.SNAPSHOT, day=Subquery(latest)
    ).values_list("unit_id", "day", "code", "value")
    for unit_id, day, code, value in stocks:
        figures = result[unit_id]
        figures.values[code] = value
        figures.snapshot = day
    return {unit_id: result[unit_id] for unit_id in unit_ids}


def figure_value(code: str, figures: Figures) -> float | None:
    """What a figure (or "code:key", a breakdown's entry) shows for these counts: the count, or for a share
    (`of`) the count / the other figure (× 100 for a rate), None when the other figure is 0 (no share, which is
    not 0 %)."""
    base, _, key = code.partition(":")
    figure = summary_figure(base)
    count = figures.get(code)
    if figure is None or not figure.of:
        return count
    # A breakdown's entry is a share of the same entry of the other figure (高风险 contacted of 高风险).
    whole = figures.get(f"{figure.of}:{key}" if key else figure.of)
    if not whole:
        return None
    return count / whole * (1 if figure.ratio else 100)


def last_year(start: date, end: date) -> tuple[date, date]:
    """The same period a year earlier (29 February becomes the 28th)."""

    def back(day: date) -> date:
        return (
            day.replace(year=day.year - 1, day=28)
            if (day.month, day.day) == (2, 29)
            else day.replace(year=day.year - 1)
        )

    return back(start), back(end)


def freshness() -> SummaryRun | None:
    """The latest recomputation (the pages say how fresh the figures are)."""
    return SummaryRun.objects.order_by("-finished_at").first()
