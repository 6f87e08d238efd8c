"""Streaming reader for rosters (花名册) as offices send them: .xlsx, .xls, .ods or .csv.

Only locates the header (which column is which field: `roster_headers`) and yields raw cell values keyed
by canonical field; validation and normalisation are the caller's job. .xlsx is read by openpyxl, row by
row; .xls and .ods by calamine (`roster_calamine`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from openpyxl.utils import get_column_letter

from jiujin.lib import roster_calamine, roster_xlsx
from jiujin.lib.roster_headers import (
    HeaderColumn,
    HeaderMap,
    HeaderMapping,
    add_samples,
    find_header,
    is_note,
    is_sub_header,
    likely_header,
    map_columns,
)
from jiujin.lib.roster_source import (
    MAX_BLANK_RUN,
    MAX_CELL_CHARS,
    MAX_DATA_ROWS,
    MSG_TOO_MANY_ROWS,
    Closer,
    NumberedRows,
    RawRow,
    RosterFormatError,
    Sheets,
    once,
    seekable,
)
from jiujin.lib.text import clean_cell

__all__ = ["RosterColumnsError", "RosterFormatError", "RosterRow", "RosterTable", "open_roster"]

HEADER_SCAN_ROWS = 20
_FOOTER_PREFIXES = ("填表人", "审核人", "制表人", "制表", "单位盖章", "填报人")
_TOTAL_PREFIXES = ("合计", "总计", "共计", "小计")
_MSG_NO_HEADER = "未找到表头行：前20行中没有同时包含「姓名」和「身份证号」的行"


@dataclass
class RosterRow:
    row_number: int  # as Excel shows it (CSV: the line the record starts on)
    values: dict[str, object]  # canonical field -> raw cell value (may be None)


@dataclass
class RosterTable:
    header_row: int  # first header row, as Excel numbers it
    columns: dict[int, str]  # 1-based column number -> canonical field
    rows: Iterator[RosterRow]  # single pass, streamed
    total_rows_hint: int | None = None  # for progress bars only
    _closer: Closer = field(default=lambda: None, repr=False)
    labels: dict[int, str] = field(default_factory=dict)  # column -> header text as in the file (for errors)
    header_columns: list[HeaderColumn] = field(default_factory=list)  # every labelled column, with samples

    @property
    def unknown_columns(self) -> list[HeaderColumn]:
        return [c for c in self.header_columns if c.unknown]

    @property
    def unknown_headers(self) -> list[str]:
        return [c.text for c in self.unknown_columns]

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


class RosterColumnsError(RosterFormatError):
    """A row looks like the header but lacks a required column: the columns it has, for the mapping step."""

    def __init__(self, message: str, *, header_row: int, columns: list[HeaderColumn], missing: list[str]):
        super().__init__(message)
        self.header_row = header_row
        self.columns = columns
        self.missing = missing


_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_roster(
    source: str | Path | IO[bytes], *, filename: str | None = None, mapping: HeaderMapping | None = None
) -> RosterTable:
    """Open an .xlsx/.xlsm/.xls/.et/.ods/.csv roster from a path or a binary file object.

    `mapping` (normalised header text -> field, "" = ignore) comes before the built-in header names.
    Raises RosterColumnsError when a header-like row lacks 姓名 or 身份证号, RosterFormatError otherwise.
    """
    name = filename or (str(source) if isinstance(source, str | Path) else getattr(source, "name", ""))
    suffix = Path(name or "").suffix.lower()
    if not isinstance(source, str | Path):
        source = seekable(source)
    if suffix in (".xlsx", ".xlsm", ".xls", ".et"):
        # By content, not name: an .xls renamed .xlsx, or (often) an .xlsx renamed .xls.
        head = _head(source)
        zipped = head.startswith(b"PK") or (not head.startswith(_CFB_MAGIC) and suffix in (".xlsx", ".xlsm"))
        suffix = ".xlsx" if zipped else ".xls"
    if suffix == ".xlsx":
        sheets, closer = roster_xlsx.open_sheets(source)
    elif suffix in (".xls", ".ods"):
        sheets, closer = roster_calamine.open_sheets(source, ods=suffix == ".ods")
    elif suffix == ".csv":
        sheets, closer = _open_csv(source)
    else:
        raise RosterFormatError(
            f"不支持的文件类型「{suffix or name}」，请上传 .xlsx、.xls、.ods 或 .csv 文件"
        )

    candidate: RosterColumnsError | None = None
    try:
        for rows, hint in sheets:
            table = _build_table(rows, hint, closer, mapping or {})
            if isinstance(table, RosterTable):
                return table
            candidate = candidate or table
            getattr(rows, "close", lambda: None)()
    except BaseException:
        closer()
        raise
    closer()
    raise candidate or RosterFormatError(_MSG_NO_HEADER)


def _head(source: str | Path | IO[bytes]) -> bytes:
    if isinstance(source, str | Path):
        with open(source, "rb") as f:
            return f.read(8)
    start = source.tell()
    head = source.read(8)
    source.seek(start)
    return head


# --- .csv ------------------------------------------------------------------------


def _open_csv(source: str | Path | IO[bytes]) -> tuple[Sheets, Closer]:
    owned = isinstance(source, str | Path)
    if isinstance(source, str | Path):
        binary: IO[bytes] = open(source, "rb")  # noqa: SIM115 -- closed by the table
    else:
        binary = source
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
    return iter([(_csv_rows(reader), line_count)]), once(closer)


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


# --- header detection --------------------------------------------------------


def _build_table(
    rows: NumberedRows, hint: int | None, closer: Closer, mapping: HeaderMapping
) -> RosterTable | RosterColumnsError | None:
    """The sheet's table; else what the mapping step needs of a header-like row; else None."""
    # Buffer one row past the scan window: it may be a sub-header.
    buffer = list(islice(rows, HEADER_SCAN_ROWS + 1))
    found = find_header(buffer[:HEADER_SCAN_ROWS], mapping)
    if found is None:
        return _columns_error(buffer, mapping)
    pos, key_columns = found
    header_row, header = buffer[pos]

    sub = buffer[pos + 1][1] if pos + 1 < len(buffer) else None
    if sub is not None and not is_sub_header(header, sub, key_columns):
        sub = None
    header_map = map_columns(header, sub, mapping)
    data_start = pos + (2 if sub is not None else 1)
    _add_samples(header_map, buffer[data_start:])
    data = _data_rows(chain(buffer[data_start:], rows), header_map.columns, closer)
    return RosterTable(
        header_row,
        header_map.columns,
        data,
        hint,
        closer,
        header_map.labels,
        header_map.header_columns,
    )


def _columns_error(buffer: list[tuple[int, RawRow]], mapping: HeaderMapping) -> RosterColumnsError | None:
    pos = likely_header(buffer[:HEADER_SCAN_ROWS], mapping)
    if pos is None:
        return None
    header_row, header = buffer[pos]
    header_map = map_columns(header, None, mapping)
    _add_samples(header_map, buffer[pos + 1 :])
    missing = header_map.missing
    message = f"{_MSG_NO_HEADER}。第{header_row}行像是表头，但缺少必填列：{'、'.join(missing)}"
    return RosterColumnsError(
        message, header_row=header_row, columns=header_map.header_columns, missing=missing
    )


def _add_samples(header_map: HeaderMap, rows: list[tuple[int, RawRow]]) -> None:
    add_samples(header_map, [cells for _, cells in rows if _is_record(cells)])


# --- data rows ---------------------------------------------------------------


def _data_rows(
    rows: Iterable[tuple[int, RawRow]], columns: dict[int, str], closer: Closer
) -> Iterator[RosterRow]:
    names = list(columns.values())
    indexes = [col - 1 for col in columns]
    pick = itemgetter(*indexes)  # the mapped cells in one call (a row is ~30 cells, 100,000 times)
    width = max(indexes) + 1
    try:
        read = blank_run = yielded = 0
        for row_number, cells in rows:
            read += 1
            if read > MAX_DATA_ROWS + MAX_BLANK_RUN:
                raise RosterFormatError(MSG_TOO_MANY_ROWS)
            filled = _filled(cells)
            if not filled:
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    return  # a sheet formatted down to row 1,048,576: the data has ended
                continue
            blank_run = 0
            _check_lengths(row_number, cells)
            if not _is_record(cells, filled):
                continue
            if len(cells) < width:
                cells = [*cells, *[None] * (width - len(cells))]
            picked = pick(cells) if len(indexes) > 1 else (pick(cells),)
            if not _filled(picked):
                continue  # stray text outside the known columns
            yielded += 1
            if yielded > MAX_DATA_ROWS:
                raise RosterFormatError(MSG_TOO_MANY_ROWS)
            yield RosterRow(row_number, dict(zip(names, picked, strict=True)))
    finally:
        closer()


def _filled(cells: RawRow) -> list[tuple[object, str]]:
    """The first three cells that are not blank (`is_blank`), each with its text as `clean_cell` gives it."""
    found: list[tuple[object, str]] = []
    for value in cells:
        if value is not None:
            text = clean_cell(value)
            if text or not isinstance(value, str):
                found.append((value, text))
                if len(found) == 3:
                    break
    return found


def _is_record(cells: RawRow, filled: list[tuple[object, str]] | None = None) -> bool:
    """Not blank, and not a notes, totals, signature or pre-numbered empty row."""
    filled = _filled(cells) if filled is None else filled
    if not filled:
        return False
    value, first = filled[0]
    if is_note(first) or first.startswith(_FOOTER_PREFIXES):
        return False
    if any(text.startswith(_TOTAL_PREFIXES) for _, text in filled):
        return False
    # Pre-numbered empty template rows carry only the 序号.
    return not (len(filled) == 1 and first.isdigit() and not isinstance(value, bool))


def _check_lengths(row_number: int, cells: RawRow) -> None:
    if max(map(len, [v for v in cells if isinstance(v, str)]), default=0) <= MAX_CELL_CHARS:
        return  # one pass in C for the common row
    for idx, value in enumerate(cells, start=1):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise RosterFormatError(
                f"第{row_number}行 {get_column_letter(idx)}列：内容超过{MAX_CELL_CHARS}个字符，请检查文件内容"
            )
