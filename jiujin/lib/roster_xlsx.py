"""Excel 2007+ rosters (.xlsx, .xlsm), after the package has been checked for what a reader would read whole:
sizes, DTDs, and the shared-string table. calamine reads them ~10x faster than openpyxl but holds a sheet whole,
so it is used when `roster_xlsx_scan` finds what it would hold within MAX_CALAMINE_BYTES; openpyxl, streaming
row by row in read-only mode, reads the rest. Both give the same values (calamine's as openpyxl's types)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from python_calamine import CalamineWorkbook

from jiujin.lib.roster_calamine import sheet_rows
from jiujin.lib.roster_source import (
    MAX_SHARED_STRINGS,
    MSG_CORRUPT,
    Closer,
    NumberedRows,
    RosterFormatError,
    Sheets,
    check_zip_package,
    once,
    root_element,
    safe_elements,
)
from jiujin.lib.roster_xlsx_scan import MAX_CALAMINE_BYTES, calamine_cost

MSG_BAD_XLSX = "无法打开Excel文件（文件损坏、已加密或不是 .xlsx 格式）"
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def open_sheets(source: str | Path | IO[bytes]) -> tuple[Sheets, Closer]:
    cost, active = _check_xlsx(source)
    if cost is not None and cost <= MAX_CALAMINE_BYTES and (opened := _calamine_sheets(source, active)):
        return opened
    if isinstance(source, str | Path) and Path(source).suffix.lower() not in (".xlsx", ".xlsm"):
        # openpyxl goes by the name: give it the content of an .xlsx saved as .xls.
        source = io.BytesIO(Path(source).read_bytes())
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise RosterFormatError(MSG_BAD_XLSX) from exc
    except Exception as exc:  # malformed XML, bad attribute values: openpyxl raises anything
        raise RosterFormatError(MSG_CORRUPT) from exc

    def sheets() -> Sheets:
        # Active sheet first; others are tried in case it is an 说明 sheet.
        active = wb.active
        ordered = [active, *(ws for ws in wb.worksheets if ws is not active)]
        for ws in ordered:
            if not isinstance(ws, ReadOnlyWorksheet):
                continue  # chartsheet
            hint = ws.max_row
            # Some generators write a wrong <dimension>; trusting it would
            # silently truncate rows or columns.
            ws.reset_dimensions()
            yield _guarded(enumerate(ws.iter_rows(values_only=True), start=1)), hint

    return sheets(), once(wb.close)


def _calamine_sheets(source: str | Path | IO[bytes], active: int | None) -> tuple[Sheets, Closer] | None:
    """The sheets through calamine, the active one first as openpyxl orders them; None when calamine cannot
    open the package (openpyxl then says what is wrong with it, or reads it)."""
    try:
        if isinstance(source, str | Path):
            workbook = CalamineWorkbook.from_path(str(source))
        else:
            start = source.tell()
            try:
                workbook = CalamineWorkbook.from_filelike(source)
            finally:
                source.seek(start)
    except Exception:  # CalamineError and its kin
        return None
    kinds = [str(m.typ) for m in workbook.sheets_metadata]
    first = [active] if active is not None and active < len(kinds) else []
    order = [i for i in dict.fromkeys([*first, *range(len(kinds))]) if kinds[i].endswith("WorkSheet")]

    def sheets() -> Sheets:
        for index in order:
            try:
                sheet = workbook.get_sheet_by_index(index)
            except Exception as exc:
                raise RosterFormatError(MSG_CORRUPT) from exc
            yield sheet_rows(sheet, MSG_CORRUPT, _as_openpyxl), (sheet.end[0] + 1 if sheet.end else 0)

    return sheets(), once(workbook.close)


def _as_openpyxl(row: list[Any]) -> list[Any]:
    """calamine's values as openpyxl reads them: a blank is None, a whole number an int, a date a datetime."""
    return [(value or None) if value.__class__ is str else _other_as_openpyxl(value) for value in row]


def _other_as_openpyxl(value: Any) -> Any:
    kind = value.__class__
    if kind is float:
        # Below 1e15 a whole number is written as its digits, which openpyxl reads as an int (longer ones
        # are left to openpyxl by the scan).
        return int(value) if value.is_integer() and -1e15 < value < 1e15 else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def _check_xlsx(source: str | Path | IO[bytes]) -> tuple[int | None, int | None]:
    """Refuse hostile or broken packages before a reader reads them (see `check_zip_package`), and a
    shared-string table of unbounded size. Returns what calamine would hold to read the workbook (None: leave
    it to openpyxl, see `calamine_cost`) and the index of the active sheet."""
    start = None if isinstance(source, str | Path) else source.tell()
    try:
        with zipfile.ZipFile(source) as zf:
            names = {i.filename for i in zf.infolist()}
            if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
                raise RosterFormatError(MSG_BAD_XLSX)
            longest = 0
            for info in check_zip_package(zf, big_parts="/worksheets/"):
                if info.filename.lower().endswith("sharedstrings.xml"):
                    longest = max(longest, _check_shared_strings(zf, info))
            cost = calamine_cost(zf, longest)
            if cost is not None and not isinstance(source, str | Path):
                cost += source.seek(0, io.SEEK_END)  # calamine keeps an upload's bytes
            workbook = next(i for i in zf.infolist() if i.filename.endswith("workbook.xml"))
            return cost, _active_sheet(zf, workbook)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise RosterFormatError(MSG_BAD_XLSX) from exc  # not a zip, encrypted, unknown compression
    finally:
        if start is not None and not isinstance(source, str | Path):
            source.seek(start)


def _active_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int | None:
    """The workbook's active sheet (its first view's activeTab), as openpyxl reads it."""
    for element in safe_elements(zf, info):
        if element.tag.endswith("}workbookView"):
            tab = element.get("activeTab", "0")
            return int(tab) if tab.isdigit() else None
        if element.tag.endswith("}sheets"):
            break  # the views come before the sheets
    return 0


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Refuse too many entries; returns the size of the longest, in bytes with its markup (calamine copies
    an entry into every cell that uses it)."""
    msg = f"Excel文件中的文本单元格过多（超过{MAX_SHARED_STRINGS:,}个不同的文本），请拆分后分批导入"
    declared = str(root_element(zf, info).get("uniqueCount") or "")
    if declared.isdigit() and int(declared) > MAX_SHARED_STRINGS:
        raise RosterFormatError(msg)
    # The attributes are optional and may lie; count the <si> tags in the raw bytes (text holds no "<").
    count = longest = offset = 0  # offset: where `data` starts in the part
    previous: int | None = None  # where the last entry seen starts
    tail = b""
    with zf.open(info) as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            matches = list(_SHARED_STRING_TAG.finditer(data))
            starts = [offset + m.start() for m in matches]
            count += len(starts)
            if count > MAX_SHARED_STRINGS:
                raise RosterFormatError(msg)
            if starts:
                longest = max(longest, *(b - a for a, b in pairwise([previous or starts[0], *starts])))
                previous = starts[-1]
            keep = max(len(data) - 64, matches[-1].end() if matches else 0)
            tail, offset = data[keep:], offset + keep
    return max(longest, offset + len(tail) - previous) if previous is not None else 0


def _guarded(rows: NumberedRows) -> NumberedRows:
    """Sheet XML is parsed lazily: a corrupt part surfaces half-way through the rows."""
    try:
        yield from rows
    except RosterFormatError:
        raise
    except Exception as exc:
        raise RosterFormatError(MSG_CORRUPT) from exc
