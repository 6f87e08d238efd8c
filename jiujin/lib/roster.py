"""Streaming reader for rosters (花名册) as offices send them: .xlsx or .csv.

Only locates the header (which column is which field: `roster_headers`) and yields raw cell values keyed
by canonical field; validation and normalisation are the caller's job.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from jiujin.lib.roster_headers import (
    REQUIRED_FIELDS,
    RawRow,
    _at,
    _find_header,
    _is_blank,
    _is_sub_header,
    _map_columns,
)
from jiujin.lib.text import clean_cell

HEADER_SCAN_ROWS = 20
_NOTE_PREFIXES = ("说明", "注", "填表说明")
_FOOTER_PREFIXES = ("填表人", "审核人", "制表人", "制表", "单位盖章", "填报人")
_TOTAL_PREFIXES = ("合计", "总计", "共计", "小计")
_MSG_NO_HEADER = "未找到表头行：前20行中没有同时包含「姓名」和「身份证号」的行"
_MSG_BAD_XLSX = "无法打开Excel文件（文件损坏、已加密或不是 .xlsx 格式）"
_MSG_CORRUPT = "Excel文件内容已损坏，无法读取，请在Excel中打开并另存为 .xlsx 后重新上传"

# Limits on what one upload may cost, checked before openpyxl reads the workbook. A 0.8 MB file can hold
# millions of empty shared strings or rows; nothing in a real roster comes close to these.
MAX_DATA_ROWS = 200_000
MAX_BLANK_RUN = 10_000  # this many blank rows in a row end the data (formatted but empty rows)
MAX_CELL_CHARS = 10_000
MAX_SHARED_STRINGS = 1_000_000  # 200,000 rows × 5 distinct text columns
# openpyxl's write-only mode (and WPS) write inline strings: 200,000 rows are ~220 MB of sheet XML,
# streamed. Every other part (shared strings, styles) is read into memory whole.
MAX_UNPACKED_BYTES = 400 << 20
MAX_PART_BYTES = 100 << 20
MAX_ZIP_MEMBERS = 10_000
_MSG_TOO_BIG = "Excel文件解压后过大（超过400 MB），请删除多余的工作表、图片或格式后重新上传，或拆分后分批导入"
_MSG_TOO_MANY_ROWS = f"文件超过{MAX_DATA_ROWS:,}行数据，请拆分后分批导入"
_SHARED_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")

NumberedRows = Iterator[tuple[int, RawRow]]
Closer = Callable[[], None]
Sheets = Iterator[tuple[NumberedRows, int | None]]  # (rows, total_rows_hint) per sheet


class RosterFormatError(ValueError):
    """The file cannot be read as a roster; str() is a Chinese message."""


@dataclass
class RosterRow:
    row_number: int  # as Excel shows it (CSV: the line the record starts on)
    values: dict[str, object]  # canonical field -> raw cell value (may be None)


@dataclass
class RosterTable:
    header_row: int  # first header row, as Excel numbers it
    columns: dict[int, str]  # 1-based column number -> canonical field
    unknown_headers: list[str]
    rows: Iterator[RosterRow]  # single pass, streamed
    total_rows_hint: int | None = None  # for progress bars only
    _closer: Closer = field(default=lambda: None, repr=False)
    labels: dict[int, str] = field(default_factory=dict)  # column -> header text as in the file (for errors)

    def close(self) -> None:
        """Release the file early if the rows are not read to the end."""
        close_rows = getattr(self.rows, "close", None)
        if close_rows is not None:
            close_rows()
        self._closer()

    def __enter__(self) -> RosterTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_roster(source: str | Path | IO[bytes], *, filename: str | None = None) -> RosterTable:
    """Open an .xlsx/.xlsm/.csv roster from a path or a binary file object."""
    name = filename or (str(source) if isinstance(source, str | Path) else getattr(source, "name", ""))
    suffix = Path(name or "").suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        sheets, closer = _open_xlsx(source)
    elif suffix == ".csv":
        sheets, closer = _open_csv(source)
    elif suffix in (".xls", ".et"):
        raise RosterFormatError("暂不支持旧版 .xls 文件，请在Excel中另存为 .xlsx 后重新上传")
    else:
        raise RosterFormatError(f"不支持的文件类型「{suffix or name}」，请上传 .xlsx 或 .csv 文件")

    try:
        for rows, hint in sheets:
            table = _build_table(rows, hint, closer)
            if table is not None:
                return table
            getattr(rows, "close", lambda: None)()
    except BaseException:
        closer()
        raise
    closer()
    raise RosterFormatError(_MSG_NO_HEADER)


# --- sources -----------------------------------------------------------------


def _open_xlsx(source: str | Path | IO[bytes]) -> tuple[Sheets, Closer]:
    if not isinstance(source, str | Path):
        source = _seekable(source)
    _check_xlsx(source)
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise RosterFormatError(_MSG_BAD_XLSX) from exc
    except Exception as exc:  # malformed XML, bad attribute values: openpyxl raises anything
        raise RosterFormatError(_MSG_CORRUPT) from exc

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
            yield _guarded(_numbered(ws.iter_rows(values_only=True))), hint

    return sheets(), _once(wb.close)


def _check_xlsx(source: str | Path | IO[bytes]) -> None:
    """Refuse hostile or broken packages before openpyxl reads them: sizes from the zip directory, no DTD
    (XXE, billion laughs) in any XML part, and a bounded number of shared strings."""
    start = None if isinstance(source, str | Path) else source.tell()
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or not any(n.endswith("workbook.xml") for n in names):
                raise RosterFormatError(_MSG_BAD_XLSX)
            if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise RosterFormatError(_MSG_TOO_BIG)
            for info in infos:
                lower = info.filename.lower()
                if not lower.endswith((".xml", ".rels", ".vml")):
                    continue
                if info.file_size > MAX_PART_BYTES and "/worksheets/" not in lower:
                    raise RosterFormatError(_MSG_TOO_BIG)
                root = _root_element(zf, info)
                if lower.endswith("sharedstrings.xml"):
                    _check_shared_strings(zf, info, root)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise RosterFormatError(_MSG_BAD_XLSX) from exc  # not a zip, encrypted, unknown compression
    finally:
        if start is not None and not isinstance(source, str | Path):
            source.seek(start)


def _root_element(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """Parse an XML part only up to its root tag: a DTD, if any, comes before it and is refused."""
    try:
        with zf.open(info) as f:
            for _event, element in safe_iterparse(f, events=("start",), forbid_dtd=True):
                return element
    except DefusedXmlException as exc:
        raise RosterFormatError("Excel文件含有不允许的XML声明（DTD/实体），已拒绝读取") from exc
    except SyntaxError as exc:  # ElementTree.ParseError
        raise RosterFormatError(_MSG_CORRUPT) from exc
    raise RosterFormatError(_MSG_CORRUPT)


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, root: Any) -> None:
    msg = f"Excel文件中的文本单元格过多（超过{MAX_SHARED_STRINGS:,}个不同的文本），请拆分后分批导入"
    declared = str(root.get("uniqueCount") or "")
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
        raise RosterFormatError(_MSG_CORRUPT) from exc


def _open_csv(source: str | Path | IO[bytes]) -> tuple[Sheets, Closer]:
    owned = isinstance(source, str | Path)
    if isinstance(source, str | Path):
        binary: IO[bytes] = open(source, "rb")  # noqa: SIM115 -- closed by the table
    else:
        binary = _seekable(source)
    encoding, line_count = _sniff_encoding(binary)
    # gb18030 decodes almost anything; replace the rare broken byte rather
    # than failing half-way through a stream.
    text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")

    def closer() -> None:
        if owned:
            text.close()
        else:
            text.detach()  # leave the caller's upload open

    head = list(islice(text, HEADER_SCAN_ROWS))
    delimiter = "\t" if sum(s.count("\t") for s in head) > sum(s.count(",") for s in head) else ","
    reader = csv.reader(chain(head, text), delimiter=delimiter)
    return iter([(_csv_rows(reader), line_count)]), _once(closer)


def _sniff_encoding(binary: IO[bytes]) -> tuple[str, int]:
    """utf-8(-sig) if the whole file decodes, else gb18030; also count lines."""
    start = binary.tell()
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8, lines = True, 0
    while chunk := binary.read(1 << 20):
        lines += chunk.count(b"\n")
        if is_utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_utf8 = False
    if is_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    binary.seek(start)
    return ("utf-8-sig" if is_utf8 else "gb18030"), lines


def _csv_rows(reader: Any) -> NumberedRows:
    """Number records by the line they start on (quoted cells may span lines)."""
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            yield start, record
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise RosterFormatError(
                f"第{last_line + 1}行：单元格内容超过{MAX_CELL_CHARS}个字符，请检查文件内容"
            ) from exc
        raise RosterFormatError(f"第{last_line + 1}行：CSV格式有误，无法读取") from exc


def _numbered(rows: Iterable[RawRow]) -> NumberedRows:
    # Read-only openpyxl yields every row from 1, padding missing ones.
    yield from enumerate(rows, start=1)


def _seekable(stream: IO[bytes]) -> IO[bytes]:
    """zip and encoding sniffing need seek(); spool non-seekable uploads."""
    if stream.seekable():
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115
    shutil.copyfileobj(stream, spool)
    spool.seek(0)
    return spool


def _once(func: Callable[[], object]) -> Closer:
    done = False

    def call() -> None:
        nonlocal done
        if not done:
            done = True
            func()

    return call


# --- header detection --------------------------------------------------------


def _build_table(rows: NumberedRows, hint: int | None, closer: Closer) -> RosterTable | None:
    # Buffer one row past the scan window: it may be a sub-header.
    buffer = list(islice(rows, HEADER_SCAN_ROWS + 1))
    found = _find_header(buffer[:HEADER_SCAN_ROWS])
    if found is None:
        return None
    pos, key_columns = found
    header_row, header = buffer[pos]

    sub = buffer[pos + 1][1] if pos + 1 < len(buffer) else None
    if sub is not None and not _is_sub_header(header, sub, key_columns):
        sub = None
    columns, unknown, labels = _map_columns(header, sub)
    missing = [label for f, label in REQUIRED_FIELDS.items() if f not in columns.values()]
    if missing:
        raise RosterFormatError(f"缺少必填列：{'、'.join(missing)}")

    data_start = pos + (2 if sub is not None else 1)
    data = _data_rows(chain(buffer[data_start:], rows), columns, closer)
    return RosterTable(header_row, columns, unknown, data, hint, closer, labels)


# --- data rows ---------------------------------------------------------------


def _data_rows(
    rows: Iterable[tuple[int, RawRow]], columns: dict[int, str], closer: Closer
) -> Iterator[RosterRow]:
    try:
        at_top = True
        read = blank_run = yielded = 0
        for row_number, cells in rows:
            read += 1
            if read > MAX_DATA_ROWS + MAX_BLANK_RUN:
                raise RosterFormatError(_MSG_TOO_MANY_ROWS)
            filled = [v for v in cells if not _is_blank(v)]
            if not filled:
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    return  # a sheet formatted down to row 1,048,576: the data has ended
                continue
            blank_run = 0
            _check_lengths(row_number, cells)
            first = clean_cell(filled[0])
            if at_top and first.startswith(_NOTE_PREFIXES):
                continue
            at_top = False
            if _is_footer(first) or _is_total(filled) or _is_seq_only(filled):
                continue
            values = {name: _at(cells, col - 1) for col, name in columns.items()}
            if all(_is_blank(v) for v in values.values()):
                continue  # stray text outside the known columns
            yielded += 1
            if yielded > MAX_DATA_ROWS:
                raise RosterFormatError(_MSG_TOO_MANY_ROWS)
            yield RosterRow(row_number, values)
    finally:
        closer()


def _check_lengths(row_number: int, cells: RawRow) -> None:
    for idx, value in enumerate(cells, start=1):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise RosterFormatError(
                f"第{row_number}行 {get_column_letter(idx)}列：内容超过{MAX_CELL_CHARS}个字符，请检查文件内容"
            )


def _is_footer(first: str) -> bool:
    return first.startswith(_FOOTER_PREFIXES)


def _is_total(filled: list[Any]) -> bool:
    return any(clean_cell(v).startswith(_TOTAL_PREFIXES) for v in filled[:3])


def _is_seq_only(filled: list[Any]) -> bool:
    """Pre-numbered empty template rows carry only the 序号."""
    return len(filled) == 1 and clean_cell(filled[0]).isdigit() and not isinstance(filled[0], bool)
