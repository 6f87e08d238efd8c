"""The visit ledger (走访台账) as .xlsx: one row per visit record, streamed with openpyxl's write-only mode."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import ledger_workbook
from jiujin.tasks.models import VisitRecord

# (header, column width)
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6),
    ("走访日期", 16),
    ("老干部", 10),
    ("所在社区", 14),
    ("事项", 18),
    ("形式", 6),
    ("结果", 14),
    ("走访人", 14),
    ("慰问品", 18),
    ("慰问金", 10),
    ("了解情况", 36),
    ("提出需求", 36),
]
CHUNK = 2000


def ledger_row(number: int, record: VisitRecord) -> list[Any]:
    task = record.task
    return [
        number,
        # Text, not a date cell: offices print the ledger and expect 2026年9月25日 whatever the locale.
        format_cn_date(record.visited_on),
        task.cadre.name,
        task.cadre.community.name,
        task.title,
        record.get_form_display(),
        record.get_outcome_display(),
        record.visitors,
        record.gifts,
        float(record.money) if record.money is not None else None,
        record.findings,
        record.needs,
    ]


def write_ledger(records: Iterable[VisitRecord], *, title: str) -> tuple[bytes, set[int]]:
    """The workbook's bytes and the ids of the cadres it names (for the audit log)."""
    cadre_ids: set[int] = set()

    def rows() -> Iterator[list[Any]]:
        for number, record in enumerate(records, start=1):
            cadre_ids.add(record.task.cadre_id)
            yield ledger_row(number, record)

    return ledger_workbook(sheet="走访台账", columns=COLUMNS, rows=rows(), title=title), cadre_ids


def ledger_filename(start: date, end: date) -> str:
    return f"走访台账_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
