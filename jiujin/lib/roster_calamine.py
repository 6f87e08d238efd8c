"""Old Excel (.xls, WPS .et) and OpenDocument (.ods) rosters, read through calamine.

calamine reads a sheet whole, into a dense grid spanning its used range: a 6 KB .xls with one cell in A1 and
one in IV65536 costs a gigabyte. So before calamine sees a file, its size is capped and the used range of
every sheet is measured from the file's own records — the BIFF cell records of an .xls (inside its OLE
compound file), the rows and repeat counts of an .ods's content.xml — and refused beyond MAX_SHEET_CELLS.
The rows then go through the same header detection and row limits as any roster.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse
from python_calamine import CalamineWorkbook, PasswordError

from jiujin.lib.roster_source import (
    MAX_FILE_BYTES,
    MAX_SHEET_CELLS,
    MSG_DTD,
    MSG_ENCRYPTED,
    MSG_FILE_TOO_BIG,
    MSG_TOO_MANY_CELLS,
    Closer,
    NumberedRows,
    RosterFormatError,
    Sheets,
    check_zip_package,
    once,
)

MSG_BAD_XLS = "无法打开 .xls 文件（文件损坏或不是Excel格式），请在Excel或WPS中打开并另存为 .xlsx 后重新上传"
MSG_BAD_ODS = "无法打开 .ods 文件（文件损坏或不是OpenDocument表格），请另存为 .xlsx 后重新上传"
MSG_HTML_XLS = (
    "这个 .xls 文件其实是网页（HTML）或XML格式（业务系统导出的表格常常如此），"
    "请在Excel或WPS中打开，另存为 .xlsx 后重新上传"
)


def open_sheets(source: str | Path | IO[bytes], *, ods: bool) -> tuple[Sheets, Closer]:
    data = _read_capped(source)
    if ods:
        _check_ods(data)
    else:
        _check_xls(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError as exc:
        raise RosterFormatError(MSG_ENCRYPTED) from exc
    except Exception as exc:  # CalamineError and its kin; a broken file may raise anything
        raise RosterFormatError(MSG_BAD_ODS if ods else MSG_BAD_XLS) from exc
    del data

    def sheets() -> Sheets:
        listed = [(i, m) for i, m in enumerate(workbook.sheets_metadata) if "WorkSheet" in str(m.typ)]
        # Visible sheets first; a hidden one may still hold the roster.
        listed.sort(key=lambda item: "Visible" not in str(item[1].visible))
        for index, _meta in listed:
            try:
                sheet = workbook.get_sheet_by_index(index)
            except Exception as exc:
                raise RosterFormatError(MSG_BAD_ODS if ods else MSG_BAD_XLS) from exc
            hint = sheet.end[0] + 1 if sheet.end else 0
            yield sheet_rows(sheet, MSG_BAD_ODS if ods else MSG_BAD_XLS), hint

    return sheets(), once(workbook.close)


def sheet_rows(sheet: Any, bad: str, convert: Callable[[list[Any]], list[Any]] | None = None) -> NumberedRows:
    """Numbered as Excel shows them. calamine yields rows from the first but columns only from the used
    range's first: pad them back so column letters stay right. Empty cells are None, as from openpyxl;
    `convert`, if given, turns a row's values (and must turn "" into None)."""
    pad = [None] * (sheet.start[1] if sheet.start else 0)
    try:
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [None if v == "" else v for v in row] if convert is None else convert(row)
            yield number, pad + cells if pad else cells
    except RosterFormatError:
        raise
    except Exception as exc:
        raise RosterFormatError(bad) from exc


def _read_capped(source: str | Path | IO[bytes]) -> bytes:
    if isinstance(source, str | Path):
        if Path(source).stat().st_size > MAX_FILE_BYTES:
            raise RosterFormatError(MSG_FILE_TOO_BIG)
        return Path(source).read_bytes()
    data = source.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise RosterFormatError(MSG_FILE_TOO_BIG)
    return data


def _check_cells(cells: int, sheet: str) -> None:
    """`sheet`: how the message names it, "「名称」" or "第2张"."""
    if cells > MAX_SHEET_CELLS:
        raise RosterFormatError(MSG_TOO_MANY_CELLS.format(sheet=sheet))


# --- .ods ----------------------------------------------------------------------

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def _check_ods(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "content.xml" not in names:
                raise RosterFormatError(MSG_BAD_ODS)
            manifest = zf.getinfo("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else None
            # An encrypted part is binary: say "password" before the XML checks say "corrupt".
            if manifest and manifest.file_size < 1 << 20 and b"encryption-data" in zf.read(manifest):
                raise RosterFormatError(MSG_ENCRYPTED)
            check_zip_package(zf, big_parts="content.xml")
            with zf.open("content.xml") as content:
                _check_ods_extent(content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise RosterFormatError(MSG_BAD_ODS) from exc


def _check_ods_extent(content: IO[bytes]) -> None:
    """The cells calamine will hold: per table, rows up to the last with content (repeats counted) times
    the widest row up to its last cell with content; summed, since calamine reads every table at once."""
    total = rows = last_row = width = 0
    col = row_width = 0
    name = ""
    stack: list[Any] = []
    try:
        for event, element in safe_iterparse(content, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if event == "start":
                stack.append(element)
                if tag == f"{_TABLE}table":
                    rows = last_row = width = 0
                    name = f"「{element.get(f'{_TABLE}name', '')}」"
                elif tag == f"{_TABLE}table-row":
                    col = row_width = 0
                continue
            stack.pop()
            if tag in _CELLS and len(stack) >= 1 and stack[-1].tag == f"{_TABLE}table-row":
                repeat = _repeat(element, "number-columns-repeated")
                if element.get(f"{_OFFICE}value-type") or len(element) or (element.text or "").strip():
                    row_width = col + repeat
                col += repeat
            elif tag == f"{_TABLE}table-row":
                repeat = _repeat(element, "number-rows-repeated")
                rows += repeat
                if row_width:
                    width, last_row = max(width, row_width), rows
                _check_cells(total + last_row * width, name)
                element.clear()
                if stack:
                    stack[-1].remove(element)  # keep memory flat over a million rows
            elif tag == f"{_TABLE}table":
                total += last_row * width
                _check_cells(total, name)
                element.clear()
    except DefusedXmlException as exc:
        raise RosterFormatError(MSG_DTD) from exc
    except SyntaxError as exc:  # ElementTree.ParseError
        raise RosterFormatError(MSG_BAD_ODS) from exc


def _repeat(element: Any, name: str) -> int:
    value = element.get(f"{_TABLE}{name}") or "1"
    return int(value) if value.isdigit() else 1


# --- .xls: the OLE compound file and its BIFF records --------------------------

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN, _LAST_REGULAR = 0xFFFFFFFE, 0xFFFFFFFA
_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_FILEPASS = 0x002F
# Cell records that put a value in the grid (BLANK/MULBLANK, formatting only, do not widen calamine's range).
_CELL = {0x0006, 0x0406, 0x0203, 0x0205, 0x0204, 0x00FD, 0x027E, 0x00D6, 0x0002, 0x0003, 0x0004, 0x0005}
_MULRK = 0x00BD


def _check_xls(data: bytes) -> None:
    if not data.startswith(_CFB_MAGIC):
        raise RosterFormatError(
            MSG_HTML_XLS if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" else MSG_BAD_XLS
        )
    try:
        stream = _workbook_stream(data)
    except (struct.error, IndexError, KeyError) as exc:
        raise RosterFormatError(MSG_BAD_XLS) from exc
    _check_biff_extent(stream)


def _workbook_stream(data: bytes) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of an OLE compound file (MS-CFB)."""
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    mini = 1 << struct.unpack_from("<H", data, 32)[0]
    n_fat, first_dir, _signature, cutoff, first_minifat, _n_minifat, first_difat, n_difat = (
        struct.unpack_from("<8I", data, 44)
    )
    if sector not in (512, 4096) or mini != 64:
        raise RosterFormatError(MSG_BAD_XLS)
    max_sectors = len(data) // sector

    def read(sid: int) -> bytes:
        start = (sid + 1) * sector
        if sid > _LAST_REGULAR or start >= len(data):
            raise RosterFormatError(MSG_BAD_XLS)
        return data[start : start + sector]

    fat_ids = [i for i in struct.unpack_from("<109I", data, 76) if i <= _LAST_REGULAR]
    difat = first_difat
    for _ in range(min(n_difat, max_sectors)):
        if difat > _LAST_REGULAR:
            break
        more = struct.unpack(f"<{sector // 4}I", read(difat))
        fat_ids += [i for i in more[:-1] if i <= _LAST_REGULAR]
        difat = more[-1]
    fat_bytes = b"".join(read(i) for i in fat_ids[: min(n_fat, max_sectors)])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes)

    def chain(first: int, table: tuple[int, ...], limit: int) -> list[int]:
        ids: list[int] = []
        sid = first
        while sid <= _LAST_REGULAR:
            if len(ids) >= limit or sid >= len(table):
                raise RosterFormatError(MSG_BAD_XLS)  # a loop or a chain off the table
            ids.append(sid)
            sid = table[sid]
        return ids

    directory = b"".join(read(i) for i in chain(first_dir, fat, max_sectors))
    entries: dict[str, tuple[int, int]] = {}
    for offset in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, offset + 64)[0]
        name = directory[offset : offset + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        kind = directory[offset + 66]
        start, size = struct.unpack_from("<IQ", directory, offset + 116)
        if sector == 512:
            size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
        entries[name.lower() if kind != 5 else "\0root"] = (start, size)
    if "encryptedpackage" in entries or "encryptioninfo" in entries:
        raise RosterFormatError(MSG_ENCRYPTED)  # a password-protected .xlsx is a compound file too
    found = entries.get("workbook") or entries.get("book")
    if found is None or "\0root" not in entries:
        raise RosterFormatError(MSG_BAD_XLS)
    start, size = found
    if size > len(data):
        raise RosterFormatError(MSG_BAD_XLS)
    if size >= cutoff:
        stream = b"".join(read(i) for i in chain(start, fat, max_sectors))
    else:  # small streams live in the mini stream, chained by the mini FAT
        root_start, _root_size = entries["\0root"]
        ministream = b"".join(read(i) for i in chain(root_start, fat, max_sectors))
        minifat_bytes = b"".join(read(i) for i in chain(first_minifat, fat, max_sectors))
        minifat = struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes)
        ids = chain(start, minifat, len(ministream) // mini + 1)
        stream = b"".join(ministream[i * mini : (i + 1) * mini] for i in ids)
    return stream[:size]


def _check_biff_extent(stream: bytes) -> None:
    """Per substream (sheet), the used range of its cell records; a FILEPASS record means a password."""
    pos, end = 0, len(stream)
    sheet = 0
    bounds: list[int] = []  # min row, max row, min col, max col
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if kind == _FILEPASS:
            raise RosterFormatError(MSG_ENCRYPTED)
        if kind in _BOF:
            _check_bounds(bounds, sheet)
            sheet, bounds = sheet + 1, []
            continue
        if kind in _CELL and length >= 4:
            row, first = struct.unpack_from("<HH", stream, body)
            last = first
        elif kind == _MULRK and length >= 6 and pos <= end:
            row, first = struct.unpack_from("<HH", stream, body)
            last = struct.unpack_from("<H", stream, pos - 2)[0]
        else:
            continue
        if bounds:
            bounds = [min(bounds[0], row), max(bounds[1], row), min(bounds[2], first), max(bounds[3], last)]
        else:
            bounds = [row, row, first, last]
    _check_bounds(bounds, sheet)


def _check_bounds(bounds: list[int], sheet: int) -> None:
    if bounds:
        rows, cols = bounds[1] - bounds[0] + 1, bounds[3] - bounds[2] + 1
        _check_cells(rows * max(cols, 1), f"第{max(sheet - 1, 1)}张")  # substream 1 is the workbook's own
