"""Reading a summary figure the way the dashboards do, for the apps' test_summary.py: its rows, its totals per
community, the cadres behind it, and the stored figures after a refresh at every level of the tree."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from jiujin.core.registry import SummaryFigure, summary_figure
from jiujin.dashboards.selectors import Figures, unit_figures
from jiujin.dashboards.services import summaries_refresh


def figure(code: str) -> SummaryFigure:
    found = summary_figure(code)
    assert found is not None, code
    return found


def rows_of(code: str, start: date, end: date) -> dict[tuple[int, date, str], int]:
    """{(community, day, key): value} of the figure's rows, zeros left out (as the engine stores them)."""
    out: dict[tuple[int, date, str], int] = defaultdict(int)
    for community, day, key, value in figure(code).rows(start, end):
        out[(community, day, key)] += value
    return {k: v for k, v in out.items() if v}


def totals(code: str, start: date, end: date, key: str = "") -> dict[int, int]:
    """{community: the figure's (or its breakdown key's) sum over the days}."""
    out: dict[int, int] = defaultdict(int)
    for (community, _day, k), value in rows_of(code, start, end).items():
        if k == key:
            out[community] += value
    return dict(out)


def behind(code: str, community_ids: list[int], start: date, end: date, key: str = "") -> set[Any]:
    """The names of the cadres behind the number."""
    cadres = figure(code).cadres
    assert cadres is not None, code
    return set(cadres(community_ids, start, end, key).values_list("name", flat=True))


def levels(tree: Any) -> list[int]:
    return [tree.community_a.pk, tree.community_b.pk, tree.street.pk, tree.district.pk, tree.city.pk]


def stored(tree: Any, today: date, start: date, end: date) -> dict[int, Figures]:
    """Refresh the summary tables as the loop does, then read the units of community A's chain."""
    summaries_refresh(today=today)
    return unit_figures(levels(tree), start, end)


def query_count(code: str, start: date, end: date) -> int:
    """How many queries the figure's rows() issues (the performance budget: a few grouped queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        list(figure(code).rows(start, end))
    return len(ctx.captured_queries)
