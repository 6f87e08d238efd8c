"""What the dashboard pages and the API show, built from the summary tables (selectors.unit_figures).

A dashboard reads one `unit_figures` call for the unit, its children and its siblings, and one for the same
period last year; every number is a figure of the registry (core.registry.SummaryFigure) in its order.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from jiujin.accounts.models import User
from jiujin.core.registry import SummaryFigure, summary_figures
from jiujin.orgs.models import OrgUnit

from .selectors import Figures, figure_value, last_year, unit_figures

DEFAULT_CHART = "visits_done"
# The API's headline figures, by the codes the registry gives them (0 until an app registers one).
HEADLINE = (
    "cadres",
    "visits_due",
    "visits_done",
    "visits_overdue",
    "requests",
    "requests_on_time",
    "at_risk",
    "at_risk_contacted_on_time",
)


# ---------------------------------------------------------------- one number


@dataclass(frozen=True)
class Shown:
    """A figure's number for one unit and period: the count, and what is shown (a share's %, a ratio)."""

    figure: SummaryFigure
    count: int
    value: float | None  # figure_value: the count, the share in %, the ratio; None: no whole to share
    known: bool  # False: a stock never computed up to the period's end
    whole: int = 0  # a share's whole (the `of` figure's count)

    @property
    def text(self) -> str:
        return format_like(self.figure, self.value if self.known else None)

    @property
    def label(self) -> str:
        return shown_label(self.figure)

    @property
    def unit_label(self) -> str:
        return "" if self.figure.of or not self.known else shown_unit(self.figure)

    @property
    def number(self) -> float | None:
        """The value as shown, as a number (for the chart)."""
        if not self.known or self.value is None:
            return None
        scale = SCALED[self.figure.unit_label][0] if self.figure.unit_label in SCALED else 1
        return round(self.value / scale, 2 if self.figure.ratio else 1)

    @property
    def sort_value(self) -> float | None:
        return self.value if self.known else None


def shown(figure: SummaryFigure, figures: Figures) -> Shown:
    known = not figure.stock or figures.snapshot is not None
    whole = figures.get(figure.of) if figure.of else 0
    return Shown(figure, figures.get(figure.code), figure_value(figure.code, figures), known, whole)


# Counts kept in a small unit are shown in the everyday one: 分 as 元, minutes as hours.
SCALED = {"分": (100, "元", 2), "分钟": (60, "小时", 1)}


def shown_unit(figure: SummaryFigure) -> str:
    return SCALED[figure.unit_label][1] if figure.unit_label in SCALED else figure.unit_label


def shown_label(figure: SummaryFigure) -> str:
    """The figure's name, its unit in brackets changed with the unit shown (志愿服务（分钟） → （小时）)."""
    if figure.unit_label not in SCALED:
        return figure.label
    return figure.label.replace(f"（{figure.unit_label}）", f"（{shown_unit(figure)}）")


def count_text(figure: SummaryFigure, count: float) -> str:
    """A count of the figure (or a median of counts) in the unit shown."""
    if figure.unit_label in SCALED:
        scale, _, digits = SCALED[figure.unit_label]
        return f"{count / scale:,.{digits}f}"
    return f"{round(count):,}"


def _entry_text(figure: SummaryFigure, figures: Figures, key: str, count: int) -> str:
    """A breakdown entry: its count, or for a share its % and count of the same entry of the whole."""
    if not figure.of:
        return count_text(figure, count)
    whole = figures.get(f"{figure.of}:{key}")
    return f"{format_like(figure, figure_value(f'{figure.code}:{key}', figures))}（{count:,}/{whole:,}）"


def format_like(figure: SummaryFigure, value: float | None) -> str:
    """A value of the figure's kind (a count, a median of counts or of shares) as the figure shows it."""
    if value is None:
        return "—"
    if figure.of and figure.ratio:
        return f"{value:.2f}"
    if figure.of:
        return f"{value:.1f}%"
    return count_text(figure, value)


# ---------------------------------------------------------------- links


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: str  # a PeriodForm preset, or "custom"

    def params(self) -> dict[str, str]:
        """The query string that names this period again (a preset keeps its chip highlighted)."""
        if self.preset != "custom":
            return {"preset": self.preset}
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def dashboard_url(unit: OrgUnit, period: Period, **extra: str) -> str:
    return f"{reverse('dashboards:index')}?{urlencode({'unit': unit.code, **period.params(), **extra})}"


def list_url(unit: OrgUnit, figure: SummaryFigure, period: Period, key: str = "") -> str:
    """The cadres behind a number; '' when the figure counts no cadres."""
    if figure.cadres is None:
        return ""
    query = {"unit": unit.code, "figure": figure.code, "key": key}
    query.update({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return f"{reverse('dashboards:list')}?{urlencode(query)}"


# ---------------------------------------------------------------- the page


@dataclass
class Item:
    """A figure on the unit's page: now, last year, among its siblings, and its breakdown."""

    now: Shown
    last: Shown
    list_url: str
    rank: int | None = None
    ranked: int = 0
    median: str = ""
    breakdown: list[tuple[str, str, str]] = field(default_factory=list)  # (label, count shown, list url)

    @property
    def figure(self) -> SummaryFigure:
        return self.now.figure


@dataclass
class Section:
    title: str
    items: list[Item]


@dataclass
class ChildRow:
    unit: OrgUnit
    shown: Shown
    url: str  # the child's dashboard
    list_url: str


@dataclass
class Chart:
    figure: SummaryFigure
    rows: list[ChildRow]

    @property
    def label(self) -> str:
        return shown_label(self.figure)

    def data(self) -> dict[str, Any]:
        """What dashboards.js draws (through json_script): one bar per child, a click opens its dashboard."""
        return {
            "title": shown_label(self.figure),
            "percent": bool(self.figure.of and not self.figure.ratio),
            "labels": [r.unit.name for r in self.rows],
            "values": [r.shown.number for r in self.rows],
            "urls": [r.url for r in self.rows],
        }


@dataclass
class Dashboard:
    unit: OrgUnit
    period: Period
    last_start: date
    last_end: date
    sections: list[Section]
    chart: Chart | None
    choices: list[tuple[str, str]]  # the figures a chart can show: (code, "section · label")
    siblings: int


def chart_choices() -> list[SummaryFigure]:
    return [f for f in summary_figures() if not (f.of and f.ratio)]


def chosen_figure(code: str) -> SummaryFigure | None:
    choices = {f.code: f for f in chart_choices()}
    return choices.get(code) or choices.get(DEFAULT_CHART) or next(iter(choices.values()), None)


def dashboard(unit: OrgUnit, period: Period, chart_code: str = "") -> Dashboard:
    """The unit's page: two reads of the summary tables (this period, last year) and one of the tree."""
    near = list(
        OrgUnit.objects.filter(Q(parent=unit) | Q(parent_id=unit.parent_id))
        .exclude(pk=unit.pk)
        .order_by("code")
    )
    children = [u for u in near if u.parent_id == unit.pk]
    siblings = [u for u in near if u.parent_id != unit.pk]
    ids = [unit.pk, *(u.pk for u in near)]
    now = unit_figures(ids, period.start, period.end)
    last_start, last_end = last_year(period.start, period.end)
    last = unit_figures([unit.pk], last_start, last_end)[unit.pk]
    mine = now[unit.pk]
    sections: list[Section] = []
    for figure in summary_figures():
        now_shown = shown(figure, mine)
        item = Item(now_shown, shown(figure, last), list_url(unit, figure, period) if now_shown.count else "")
        _rank(item, [shown(figure, now[s.pk]) for s in siblings])
        if figure.breakdown:
            # A zero links nowhere: its list is empty.
            item.breakdown = [
                (
                    label,
                    _entry_text(figure, mine, key, count),
                    list_url(unit, figure, period, key) if count else "",
                )
                for key, label, count in mine.breakdown(figure)
            ]
        if not sections or sections[-1].title != figure.section:
            sections.append(Section(figure.section, []))
        sections[-1].items.append(item)
    chosen = chosen_figure(chart_code)
    chart = None
    if chosen is not None and children:
        chart = Chart(
            chosen,
            [
                ChildRow(child, shown(chosen, now[child.pk]), dashboard_url(child, period, chart=chosen.code),
                         list_url(child, chosen, period) if now[child.pk].get(chosen.code) else "")
                for child in children
            ],
        )  # fmt: skip
    choices = [(f.code, f"{f.section} · {shown_label(f)}") for f in chart_choices()]
    return Dashboard(unit, period, last_start, last_end, sections, chart, choices, len(siblings))


def _rank(item: Item, siblings: list[Shown]) -> None:
    """The unit's place among its siblings (1 = the highest value) and the siblings' median."""
    values = [s.sort_value for s in siblings if s.sort_value is not None]
    if not values:
        return
    item.median = format_like(item.figure, statistics.median(values))
    mine = item.now.sort_value
    if mine is not None:
        item.rank = 1 + sum(1 for v in values if v > mine)
        item.ranked = len(values) + 1


def crumbs(user: User, unit: OrgUnit) -> list[OrgUnit]:
    """市 › 区 › 街道 › 社区 down to the unit, from the highest one the user may open."""
    return list(OrgUnit.objects.for_user(user).filter(path__in=unit.chain_paths()).order_by("path"))


# ---------------------------------------------------------------- the API


def api_row(unit: OrgUnit, figures: Figures) -> dict[str, Any]:
    """One unit's answer: the headline counts, satisfaction, and every figure's count (breakdowns as
    "code:key")."""
    row: dict[str, Any] = {"unit": {"code": unit.code, "name": unit.name, "level": unit.level}}
    row.update({code: figures.get(code) for code in HEADLINE})
    rated = figures.get("requests_rated")
    row["satisfaction"] = round(figures.get("requests_points") / rated, 2) if rated else None
    row["snapshot"] = figures.snapshot
    values: dict[str, int] = {}
    for figure in summary_figures():
        values[figure.code] = figures.get(figure.code)
        if figure.breakdown:
            values.update({f"{figure.code}:{key}": count for key, _, count in figures.breakdown(figure)})
    row["figures"] = values
    return row


def api_dashboard(unit: OrgUnit, start: date, end: date) -> dict[str, Any]:
    children = list(OrgUnit.objects.filter(parent=unit).order_by("code"))
    figures = unit_figures([unit.pk, *(c.pk for c in children)], start, end)
    return {
        **api_row(unit, figures[unit.pk]),
        "from": start,
        "to": end,
        "children": [api_row(child, figures[child.pk]) for child in children],
    }
