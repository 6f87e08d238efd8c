"""Excel 2007+ rosters (.xlsx, .xlsm), read row by row by openpyxl in read-only mode, after the package has
been checked for what openpyxl would read whole: sizes, DTDs, and the shared-string table."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import IO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

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
)

MSG_BAD_XLSX = "无法打开Excel文件（文件损坏、已加密或不是 .xlsx 格式）"
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def open_sheets(source: str | Path | IO[bytes]) -> tuple[Sheets, Closer]:
    _check_xlsx(source)
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


def _check_xlsx(source: str | Path | IO[bytes]) -> None:
    """Refuse hostile or broken packages before openpyxl reads them (see `check_zip_package`), and a
    shared-string table of unbounded size."""
    start = None if isinstance(source, str | Path) else source.tell()
    try:
        with zipfile.ZipFile(source) as zf:
            names = {i.filename for i in zf.infolist()}
            if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
                raise RosterFormatError(MSG_BAD_XLSX)
            for info in check_zip_package(zf, big_parts="/worksheets/"):
                if info.filename.lower().endswith("sharedstrings.xml"):
                    _check_shared_strings(zf, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise RosterFormatError(MSG_BAD_XLSX) from exc  # not a zip, encrypted, unknown compression
    finally:
        if start is not None and not isinstance(source, str | Path):
            source.seek(start)


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    msg = f"Excel文件中的文本单元格过多（超过{MAX_SHARED_STRINGS:,}个不同的文本），请拆分后分批导入"
    declared = str(root_element(zf, info).get("uniqueCount") or "")
    if declared.isdigit() and int(declared) > MAX_SHARED_STRINGS:
        raise RosterFormatError(msg)
    # The attributes are optional and may lie; count the <si> tags in the raw bytes (text holds no "<").
    count, tail = 0, b""
    with zf.open(info) as f:
        while chunk := f.read(1 << 20):
            data = tail + chunk
            matches = list(_SHARED_STRING_TAG.finditer(data))
            count += len(matches)
            if count > MAX_SHARED_STRINGS:
                raise RosterFormatError(msg)
            keep = max(len(data) - 64, matches[-1].end() if matches else 0)
            tail = data[keep:]


def _guarded(rows: NumberedRows) -> NumberedRows:
    """Sheet XML is parsed lazily: a corrupt part surfaces half-way through the rows."""
    try:
        yield from rows
    except RosterFormatError:
        raise
    except Exception as exc:
        raise RosterFormatError(MSG_CORRUPT) from exc
