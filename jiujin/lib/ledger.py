"""A 台账 (work ledger) as an .xlsx: a bold header row frozen on top, set column widths, and every cell through
the formula-safe `excel_safe`. Every app's ledger export writes its rows through this module: one sheet
(`ledger_workbook`) or a bundle of sheets behind a cover listing them (`ledger_bundle`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .text import excel_safe

# A sheet's name holds at most 31 characters in Excel.
SHEET_NAME_MAX = 31
Columns = Sequence[tuple[str, float]]


def _header(ws: Any, names: Iterable[str], font: Font | None = None) -> list[Cell]:
    cells = []
    for name in names:
        safe = excel_safe(ws, name)  # a unit's name in the cover's title is typed by someone
        cell = safe if isinstance(safe, Cell) else WriteOnlyCell(ws, value=safe)
        cell.font, cell.alignment = font or Font(bold=True), Alignment(horizontal="center")
        cells.append(cell)
    return cells


def _widths(ws: Any, widths: Iterable[float]) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_sheet(wb: Workbook, *, sheet: str, columns: Columns, rows: Iterable[Sequence[Any]]) -> int:
    """Add one ledger sheet to a write-only workbook; return its number of data rows.

    `rows` may be a generator: rows are written as they come."""
    ws = wb.create_sheet(sheet[:SHEET_NAME_MAX])
    ws.freeze_panes = "A2"
    _widths(ws, (width for _name, width in columns))
    ws.append(_header(ws, (name for name, _width in columns)))
    count = 0
    for row in rows:
        # Free text (names, notes, replies) is never a formula, nor a control character that breaks the file.
        ws.append([excel_safe(ws, value) for value in row])
        count += 1
    return count


def ledger_workbook(
    *, sheet: str, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[Any]], title: str
) -> bytes:
    """The workbook's bytes. `rows` may be a generator: rows are written as they come (write-only mode)."""
    wb = Workbook(write_only=True)
    write_sheet(wb, sheet=sheet, columns=columns, rows=rows)
    wb.properties.title = title
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class BundleSheet:
    name: str
    columns: Columns
    rows: Iterable[Sequence[Any]]


COVER_SHEET = "封面和目录"
CONTENTS_HEADER = ("序号", "台账", "条数")


def ledger_bundle(
    *, title: str, lines: Sequence[str], sheets: Iterable[BundleSheet], out: IO[bytes]
) -> list[tuple[str, int]]:
    """Write a cover (title, `lines`, then the table of contents: each sheet's name and row count) and one
    ledger sheet per `sheets` to `out`; return the contents. The cover is the first sheet but is filled last,
    so its counts are those of the rows actually written."""
    wb = Workbook(write_only=True)
    cover = wb.create_sheet(COVER_SHEET)
    _widths(cover, (8, 24, 10))
    contents = [(s.name, write_sheet(wb, sheet=s.name, columns=s.columns, rows=s.rows)) for s in sheets]
    cover.append(_header(cover, [title], Font(bold=True, size=16)))
    for line in lines:
        cover.append([excel_safe(cover, line)])
    cover.append([])
    cover.append(_header(cover, CONTENTS_HEADER))
    for number, (name, count) in enumerate(contents, start=1):
        cover.append([number, excel_safe(cover, name), count])
    wb.properties.title = title
    wb.save(out)
    return contents
