"""The 台账 bundle: every registered ledger of a unit over a period in one .xlsx workbook, behind a cover with
the title, who made it and when, and the contents with each sheet's row count — what an inspection asks for.

The sheets come from the registry (`core.registry.ledger_sheets`); this module names no app. Rows stream
through openpyxl's write-only mode into a temporary file, so memory stays flat however many rows there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import IO, Any

from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record_batch
from jiujin.core.registry import LedgerSheet, ledger_parts, ledger_sheets
from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import BundleSheet, ledger_bundle
from jiujin.orgs.models import OrgUnit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SheetCount:
    code: str
    title: str
    count: int


def bundle_title(unit: OrgUnit, start: date, end: date) -> str:
    return f"{unit.name} 社区老干部工作台账 {format_cn_date(start)}至{format_cn_date(end)}"


def bundle_filename(unit: OrgUnit, start: date, end: date) -> str:
    return f"台账汇总_{unit.name}_{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


def ledger_counts(user: User, unit: OrgUnit, start: date, end: date) -> list[SheetCount]:
    """How many rows each sheet will hold (one count query per sheet and part), for the page."""
    return [
        SheetCount(
            sheet.code,
            sheet.title,
            sheet.count(user, unit, start, end)
            + sum(part.count(user, unit, start, end) for part in ledger_parts(sheet.code)),
        )
        for sheet in ledger_sheets()
    ]


def _by_header(headers: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
    for row in rows:
        yield [row.get(header) for header in headers]


def _sheet_rows(
    sheet: LedgerSheet, user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]
) -> Iterator[list[Any]]:
    """The sheet's own rows, then its parts' (other apps'), numbered down the "序号" column."""
    headers = [header for header, _width in sheet.columns]
    numbered = headers[0] == "序号"
    parts = [_by_header(headers, p.rows(user, unit, start, end, cadre_ids)) for p in ledger_parts(sheet.code)]
    for number, row in enumerate(chain(sheet.rows(user, unit, start, end, cadre_ids), *parts), start=1):
        cells = list(row)
        if numbered:
            cells[0] = number
        yield cells


def ledgers_export(
    *, actor: Actor, unit: OrgUnit, start: date, end: date, out: IO[bytes]
) -> list[tuple[str, int]]:
    """Write the bundle of `unit` (already checked against the actor's scope) to `out`, audit it as an export
    of personal data (one row per cadre named on any sheet), and return the contents (sheet, row count)."""
    user = actor.user
    now = timezone.localtime()
    where = f"（{user.org_unit.name}）" if user.org_unit_id else ""
    lines = [
        f"统计期间：{format_cn_date(start)}至{format_cn_date(end)}",
        f"生成时间：{now:%Y-%m-%d %H:%M}",
        f"生成人：{user.display_name}{where}",
    ]
    sheets = ledger_sheets()
    named: set[int] = set()  # ids named on personal sheets only
    contents = ledger_bundle(
        title=bundle_title(unit, start, end),
        lines=lines,
        sheets=(
            BundleSheet(
                s.title, s.columns, _sheet_rows(s, user, unit, start, end, named if s.personal else set())
            )
            for s in sheets
        ),
        out=out,
    )
    if named:
        total = sum(count for _name, count in contents)
        audit_record_batch(
            actor=actor,
            action=AuditAction.EXPORT,
            cadre_ids=sorted(named),
            detail=f"导出台账汇总 {unit.name} {start:%Y-%m-%d}至{end:%Y-%m-%d}，{total} 条，涉及 {len(named)} 人",
        )
    return contents
