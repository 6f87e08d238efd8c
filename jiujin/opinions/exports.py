"""The 意见建议台账 as .xlsx: one row per opinion, streamed with openpyxl's write-only mode, every cell
formula-safe (`lib.text.excel_safe`): contents and replies are free text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import ledger_workbook

from .models import Opinion, RouteTo

# (header, column width)
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("编号", 8),
    ("提出日期", 14),
    ("老干部", 10),
    ("受理社区", 14),
    ("来源", 10),
    ("类别", 10),
    ("意见建议内容", 40),
    ("转办去向", 18),
    ("答复期限", 14),
    ("状态", 8),
    ("升级至", 12),
    ("答复日期", 14),
    ("用时（天）", 8),
    ("办理结果", 10),
    ("答复内容", 40),
    ("无法解决原因", 20),
    ("满意度", 6),
]


def ledger_row(number: int, o: Opinion, today: date) -> list[Any]:
    route = o.get_route_to_display()
    if o.route_to == RouteTo.WORK_UNIT and o.work_unit_id:
        route = f"{route}（{o.work_unit}）"
    return [
        number,
        o.pk,
        format_cn_date(o.raised_on),
        o.cadre.name,
        o.community.name,
        o.get_source_display(),
        o.get_category_display(),
        o.content,
        route,
        format_cn_date(o.due_date),
        o.state_label(today),
        o.escalated_to.name if o.escalated_to_id else "",  # type: ignore[union-attr]
        format_cn_date(o.answered_at.date()) if o.answered_at else "",
        o.answer_days,
        o.get_outcome_display() if o.outcome else "",
        o.reply,
        o.reason,
        o.satisfaction,
    ]


def write_ledger(rows: Iterable[Opinion], *, today: date) -> tuple[bytes, set[int]]:
    """The workbook's bytes and the ids of the cadres it names (for the audit log)."""
    cadre_ids: set[int] = set()

    def cells() -> Iterator[list[Any]]:
        for number, opinion in enumerate(rows, start=1):
            cadre_ids.add(opinion.cadre_id)
            yield ledger_row(number, opinion, today)

    title = f"意见建议台账 {today:%Y-%m-%d}"
    return ledger_workbook(sheet="意见建议台账", columns=COLUMNS, rows=cells(), title=title), cadre_ids


def ledger_filename(today: date) -> str:
    return f"意见建议台账-{today:%Y%m%d}.xlsx"
