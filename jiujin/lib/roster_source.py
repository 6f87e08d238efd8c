"""What every roster reader shares: the error, the row types, the limits on what one file may cost, and the
checks of zip packages (.xlsx and .ods are both zip files of XML parts)."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse

RawRow = Sequence[Any]
NumberedRows = Iterator[tuple[int, RawRow]]
Closer = Callable[[], None]
Sheets = Iterator[tuple[NumberedRows, int | None]]  # (rows, total_rows_hint) per sheet


class RosterFormatError(ValueError):
    """The file cannot be read as a roster; str() is a Chinese message."""


# Limits on what one upload may cost, checked before a library reads the workbook. A 0.8 MB file can hold
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
# .xls and .ods are read whole by calamine, into a dense grid of its used range (~60-120 bytes a cell):
# the file's size and that range are checked before it reads anything. 3,000,000 cells are 65,536 rows
# (all an .xls can hold) × 45 columns.
MAX_FILE_BYTES = 50 << 20
MAX_SHEET_CELLS = 3_000_000

MSG_CORRUPT = "Excel文件内容已损坏，无法读取，请在Excel中打开并另存为 .xlsx 后重新上传"
MSG_TOO_BIG = "Excel文件解压后过大（超过400 MB），请删除多余的工作表、图片或格式后重新上传，或拆分后分批导入"
MSG_TOO_MANY_ROWS = f"文件超过{MAX_DATA_ROWS:,}行数据，请拆分后分批导入"
MSG_FILE_TOO_BIG = f"文件超过{MAX_FILE_BYTES >> 20} MB，请拆分后分批导入"
MSG_TOO_MANY_CELLS = (
    f"工作表{{sheet}}的范围过大（超过{MAX_SHEET_CELLS:,}个单元格），"
    "请删除表格下方和右侧多余的内容，或另存为 .xlsx 后重新上传"
)
MSG_ENCRYPTED = "文件设置了打开密码，请在Excel或WPS中取消密码后另存，再重新上传"
MSG_DTD = "Excel文件含有不允许的XML声明（DTD/实体），已拒绝读取"


def once(func: Callable[[], object]) -> Closer:
    done = False

    def call() -> None:
        nonlocal done
        if not done:
            done = True
            func()

    return call


def seekable(stream: IO[bytes]) -> IO[bytes]:
    """zip and encoding sniffing need seek(); spool non-seekable uploads."""
    if stream.seekable():
        return stream
    spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115
    shutil.copyfileobj(stream, spool)
    spool.seek(0)
    return spool


def check_zip_package(zf: zipfile.ZipFile, *, big_parts: str) -> list[zipfile.ZipInfo]:
    """Sizes from the zip directory and no DTD (XXE, billion laughs) in any XML part; the XML parts whose
    name contains `big_parts` (the sheets) may exceed MAX_PART_BYTES. Returns the members."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise RosterFormatError(MSG_TOO_BIG)
    for info in infos:
        lower = info.filename.lower()
        if not lower.endswith((".xml", ".rels", ".vml")):
            continue
        if info.file_size > MAX_PART_BYTES and big_parts not in lower:
            raise RosterFormatError(MSG_TOO_BIG)
        root_element(zf, info)
    return infos


def root_element(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Any:
    """Parse an XML part only up to its root tag: a DTD, if any, comes before it and is refused."""
    for element in safe_elements(zf, info):
        return element
    raise RosterFormatError(MSG_CORRUPT)


def safe_elements(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[Any]:
    """An XML part's elements as their start tags are read (attributes, no children yet); no DTD."""
    try:
        with zf.open(info) as f:
            for _event, element in safe_iterparse(f, events=("start",), forbid_dtd=True):
                yield element
    except DefusedXmlException as exc:
        raise RosterFormatError(MSG_DTD) from exc
    except SyntaxError as exc:  # ElementTree.ParseError
        raise RosterFormatError(MSG_CORRUPT) from exc
