"""The 发挥作用台账 as .xlsx: one row per logged contribution, streamed with openpyxl's write-only mode."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import ledger_workbook
from jiujin.orgs.models import OrgUnit

from .models import Contribution

# (header, column width)
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("日期", 16),
    ("老干部", 10),
    ("所在社区", 14),
    ("类别", 12),
    ("队伍", 18),
    ("服务时长（小时）", 10),
    ("捐款金额（元）", 12),
    ("收据号", 14),
    ("说明", 40),
    ("登记人", 10),
]


def ledger_row(number: int, row: Contribution) -> list[Any]:
    return [
        number,
        format_cn_date(row.date),
        row.cadre.name,
        row.org_unit.name,
        row.get_kind_display(),
        row.outing.team.name if row.outing_id else "",  # type: ignore[union-attr]
        float(row.hours) if row.hours is not None else None,
        float(row.amount) if row.amount is not None else None,
        row.receipt_no,
        row.note,
        row.created_by.display_name if row.created_by_id else "",  # type: ignore[union-attr]
    ]


def write_ledger(rows: Iterable[Contribution], *, title: str) -> tuple[bytes, set[int]]:
    """The workbook's bytes and the ids of the cadres it names (for the audit log)."""
    cadre_ids: set[int] = set()

    def cells() -> Iterator[list[Any]]:
        for number, row in enumerate(rows, start=1):
            cadre_ids.add(row.cadre_id)
            yield ledger_row(number, row)

    return ledger_workbook(sheet="发挥作用台账", columns=COLUMNS, rows=cells(), title=title), cadre_ids


def ledger_filename(unit: OrgUnit, start: date, end: date) -> str:
    return f"发挥作用台账_{unit.name}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
