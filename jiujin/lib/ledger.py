"""A 台账 (work ledger) as an .xlsx: one sheet, a bold header row frozen on top, set column widths, and every
cell through the formula-safe `excel_safe`. Every app's ledger export writes its rows through this one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .text import excel_safe

# A sheet's name holds at most 31 characters in Excel.
SHEET_NAME_MAX = 31


def ledger_workbook(
    *, sheet: str, columns: Sequence[tuple[str, float]], rows: Iterable[Sequence[Any]], title: str
) -> bytes:
    """The workbook's bytes. `rows` may be a generator: rows are written as they come (write-only mode)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:SHEET_NAME_MAX])
    ws.freeze_panes = "A2"
    for index, (_header, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    bold, centre = Font(bold=True), Alignment(horizontal="center")
    header = []
    for name, _width in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.alignment = bold, centre
        header.append(cell)
    ws.append(header)
    for row in rows:
        # Free text (names, notes, replies) is never a formula, nor a control character that breaks the file.
        ws.append([excel_safe(ws, value) for value in row])
    wb.properties.title = title
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
