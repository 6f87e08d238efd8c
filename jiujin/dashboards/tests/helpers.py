"""A small registry of figures over the cast's tree, in place of the apps' (which other work fills): cadres by
category from the cadre rows themselves, visits and requests from a dict of raw rows, each with the cadres
behind it, so the pages' numbers and lists can be checked against `unit_figures` and `figure.cadres`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count

from jiujin.cadres.models import Cadre, CadreStatus, Category
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core import registry
from jiujin.core.registry import SummaryFigure
from jiujin.dashboards.services import summaries_refresh

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=TZ)
TODAY = NOW.date()
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}
MARCH = date(2026, 3, 1)
LAST_MARCH = date(2025, 3, 1)


def _cadre_rows(start: date, end: date) -> list[tuple[int, date, str, int]]:
    rows = (
        Cadre.objects.filter(status=CadreStatus.ACTIVE)
        .values("community_id", "category")
        .annotate(n=Count("pk"))
    )
    out: list[tuple[int, date, str, int]] = []
    for row in rows:
        out += [
            (row["community_id"], end, "", row["n"]),
            (row["community_id"], end, row["category"], row["n"]),
        ]
    return out


def _cadres_of(community_ids: list[int], start: date, end: date, key: str) -> Any:
    qs = Cadre.objects.filter(community_id__in=community_ids, status=CadreStatus.ACTIVE)
    return qs.filter(category=key) if key else qs


class Raw:
    """Raw rows per figure code: (cadre, day) pairs; a figure counts them per community and day."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple[Cadre, date]]] = {}

    def add(self, code: str, cadre: Cadre, day: date, times: int = 1) -> None:
        self.rows.setdefault(code, []).extend([(cadre, day)] * times)

    def figure_rows(self, code: str) -> Any:
        def rows(start: date, end: date) -> list[tuple[int, date, str, int]]:
            return [(c.community_id, day, "", 1) for c, day in self.rows.get(code, []) if start <= day <= end]

        return rows

    def cadres(self, code: str) -> Any:
        def cadres(community_ids: list[int], start: date, end: date, key: str) -> Any:
            ids = {c.pk for c, day in self.rows.get(code, []) if start <= day <= end}
            return Cadre.objects.filter(pk__in=ids, community_id__in=community_ids)

        return cadres


def install_figures(monkeypatch: Any) -> Raw:
    """Put the test registry in place of the apps' figures; returns the raw rows to fill."""
    raw = Raw()

    def flow(code: str, label: str, section: str, order: int, **kw: Any) -> SummaryFigure:
        return SummaryFigure(
            code, label, section, order, raw.figure_rows(code), cadres=raw.cadres(code), **kw
        )

    figures = [
        SummaryFigure(
            "cadres", "老干部", "基本情况", 10, _cadre_rows, stock=True, cadres=_cadres_of,
            breakdown=lambda: dict(Category.choices),
        ),
        flow("visits_due", "应访", "走访慰问", 20),
        flow("visits_done", "已访", "走访慰问", 21, of="visits_due"),
        flow("visits_overdue", "逾期未访", "走访慰问", 23, of="visits_due"),
        flow("requests", "服务工单", "服务工单", 30),
        flow("requests_rated", "已评价", "服务工单", 33),
        SummaryFigure(
            "requests_points", "满意度", "服务工单", 34, raw.figure_rows("requests_points"),
            of="requests_rated", ratio=True,
        ),
        SummaryFigure("gifts_money", "慰问金", "走访慰问", 26, raw.figure_rows("gifts_money"), unit_label="元"),
    ]  # fmt: skip
    monkeypatch.setattr(registry, "_summary_figures", {f.code: f for f in figures})
    return raw


def fill(raw: Raw, tree: Any, cadre_a: Cadre) -> dict[str, Cadre]:
    """Cadres in A (3, one 离休), B (1) and Z (2); visits and requests this March and last March; refreshed."""
    a2 = CadreFactory(name="王志平", community=tree.community_a, category=Category.LIXIU)
    a3 = CadreFactory(name="刘建成", community=tree.community_a)
    b1 = CadreFactory(name="陈国安", community=tree.community_b)
    z1 = CadreFactory(name="赵明德", community=tree.community_z)
    z2 = CadreFactory(name="孙华成", community=tree.community_z)
    for cadre, due, done in ((cadre_a, 2, 1), (a2, 1, 1), (a3, 1, 1), (b1, 2, 1), (z1, 3, 3)):
        raw.add("visits_due", cadre, MARCH, due)
        raw.add("visits_done", cadre, MARCH, done)
    raw.add("visits_overdue", cadre_a, MARCH)
    raw.add("visits_overdue", b1, MARCH)
    raw.add("visits_due", cadre_a, LAST_MARCH, 2)
    raw.add("visits_done", cadre_a, LAST_MARCH)
    raw.add("requests", a2, MARCH, 2)
    raw.add("requests_rated", a2, MARCH, 2)
    raw.add("requests_points", a2, MARCH, 9)
    raw.add("gifts_money", a3, MARCH, 500)
    summaries_refresh(today=TODAY)
    return {"a2": a2, "a3": a3, "b1": b1, "z1": z1, "z2": z2}
