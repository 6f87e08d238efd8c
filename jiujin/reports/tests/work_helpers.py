"""Figures for the work report's tests: the real codes (issue 14's spec) registered over a dict of raw rows, so
the report is tested before and whatever the apps' own figures count."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from docx import Document

from jiujin.core import registry
from jiujin.core.registry import SummaryFigure
from jiujin.dashboards.services import summaries_refresh

from .helpers import TODAY

Row = tuple[int, date, str, int]


def register_figures(monkeypatch: Any) -> dict[str, list[Row]]:
    """A few figures of every kind (stock, flow, breakdown, share, ratio) under their real codes; the returned
    dict holds each one's rows (community id, day, key, value) for the test to fill."""
    raw: dict[str, list[Row]] = {}

    def figure(code: str, label: str, section: str, order: int, **kw: Any) -> SummaryFigure:
        raw[code] = []
        return SummaryFigure(
            code, label, section, order, lambda s, e, c=code: [r for r in raw[c] if s <= r[1] <= e], **kw
        )

    figures = [
        figure("cadres", "老干部", "基本情况", 10, stock=True, unit_label="人"),
        figure("cadres_category", "按类别", "基本情况", 11, stock=True, unit_label="人",
               breakdown=lambda: {"lixiu": "离休", "tuixiu": "退休"}),
        figure("visits_due", "应访", "走访慰问", 20, unit_label="人次",
               breakdown=lambda: {"holiday": "节日慰问", "birthday": "生日"}),
        figure("visits_done", "已访", "走访慰问", 21, unit_label="人次", of="visits_due"),
        figure("visits_overdue", "逾期未访", "走访慰问", 23, unit_label="人次", of="visits_due"),
        figure("requests", "服务工单", "服务工单", 30, unit_label="件"),
        figure("requests_counted", "计入按时率的工单", "服务工单", 31, unit_label="件"),
        figure("requests_on_time", "按时办结", "服务工单", 32, unit_label="件", of="requests_counted"),
        figure("requests_rated", "已评价", "服务工单", 33, unit_label="件"),
        figure("requests_points", "评价分", "服务工单", 34, of="requests_rated", ratio=True),
        figure("health_lectures", "健康讲座", "健康讲座和义诊", 50, unit_label="次"),
        figure("at_risk", "高风险和重点", "双高期关爱", 100, stock=True, unit_label="人"),
        figure("at_risk_contacted_on_time", "按时联系", "双高期关爱", 101, stock=True, unit_label="人",
               of="at_risk"),
    ]  # fmt: skip
    monkeypatch.setattr(registry, "_summary_figures", {f.code: f for f in figures})
    return raw


def fill_figures(raw: dict[str, list[Row]], tree: Any) -> None:
    """Community A: 12 cadres (1 离休), 10 visits due of which 8 done and 2 overdue, 4 requests (3 counted,
    all on time, rated 9 points over 2), no lecture, 3 at risk of whom 2 contacted; community B: 5 cadres."""
    a, b = tree.community_a.pk, tree.community_b.pk
    raw["cadres"] += [(a, TODAY, "", 12), (b, TODAY, "", 5)]
    raw["cadres_category"] += [(a, TODAY, "", 12), (a, TODAY, "lixiu", 1), (a, TODAY, "tuixiu", 11)]
    raw["visits_due"] += [(a, date(2026, 2, 1), "", 6), (a, date(2026, 2, 1), "holiday", 6),
                          (a, date(2026, 9, 1), "", 4), (a, date(2026, 9, 1), "birthday", 4),
                          (b, date(2026, 9, 1), "", 3), (a, date(2025, 9, 1), "", 50)]  # fmt: skip
    raw["visits_done"] += [
        (a, date(2026, 2, 1), "", 6),
        (a, date(2026, 9, 1), "", 2),
        (b, date(2026, 9, 1), "", 3),
    ]
    raw["visits_overdue"] += [(a, date(2026, 9, 1), "", 2)]
    raw["requests"] += [(a, date(2026, 5, 1), "", 4)]
    raw["requests_counted"] += [(a, date(2026, 5, 1), "", 3)]
    raw["requests_on_time"] += [(a, date(2026, 5, 1), "", 3)]
    raw["requests_rated"] += [(a, date(2026, 5, 1), "", 2)]
    raw["requests_points"] += [(a, date(2026, 5, 1), "", 9)]
    raw["at_risk"] += [(a, TODAY, "", 3)]
    raw["at_risk_contacted_on_time"] += [(a, TODAY, "", 2)]
    summaries_refresh(today=TODAY)


def docx_text(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    """A .docx read back with python-docx: its paragraphs' text and its tables' cells."""
    doc = Document(BytesIO(data))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables]
    return [p.text for p in doc.paragraphs], tables


def make_docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
