"""The header of a roster (花名册): which row it is, two-row headers under merged group labels, and which
column holds which canonical field. Pure functions of the raw header cells.

A unit may remember its own names for columns (a mapping: normalised header text -> field, "" = ignore);
they come first, then the built-in aliases of `roster_fields`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from jiujin.lib.roster_fields import (
    HEADER_ALIASES,
    REQUIRED_FIELDS,
    builtin_field,
    header_key,
    sub_header_field,
)
from jiujin.lib.roster_source import RawRow
from jiujin.lib.text import clean_cell

__all__ = ["HEADER_ALIASES", "REQUIRED_FIELDS", "HeaderColumn", "HeaderMap", "RawRow"]

HeaderMapping = Mapping[str, str]  # normalised header text -> field ("" = ignore the column)
SAMPLES = 3

# A notes row, in any bracket or none: "（说明：…）", "(注：…)", "【填表说明】…", "[说明]…", "说明：…",
# "注：1. …", "备注：…" (cells are half-width and without spaces here). 注 and 备注 only when bracketed or
# followed by a colon or a number: a data row never starts so.
_NOTE = re.compile(
    r"^[(\[【〔<《{]?(?:(?:填表|填报|填写)?说明|注意事项|(?:注意|备注|注)(?:[)\]】〕>》}:]|\d|$))"
)


def is_note(text: str) -> bool:
    """Whether a row's first filled cell (cleaned) starts a notes row."""
    return _NOTE.match(text) is not None


@dataclass
class HeaderColumn:
    """One column of the file's header, as the mapping step shows it."""

    col: int  # 1-based
    text: str  # as in the file; "group/sub" under a merged group label
    key: str  # normalised: what a mapping remembers
    builtin: str | None  # what the built-in aliases say
    field: str | None  # what is used: the unit's mapping first (None: not imported)
    ignored: bool = False  # the unit's mapping says to ignore it
    samples: list[str] = dataclasses.field(default_factory=list)

    @property
    def letter(self) -> str:
        return get_column_letter(self.col)

    @property
    def unknown(self) -> bool:
        return self.field is None and not self.ignored


@dataclass
class HeaderMap:
    columns: dict[int, str]  # 1-based column number -> canonical field
    header_columns: list[HeaderColumn]
    labels: dict[int, str]  # column -> header text as in the file (for errors)

    @property
    def missing(self) -> list[str]:
        return [label for f, label in REQUIRED_FIELDS.items() if f not in self.columns.values()]


def find_header(rows: list[tuple[int, RawRow]], mapping: HeaderMapping) -> tuple[int, list[int]] | None:
    """Position of the first row naming both 姓名 and 身份证号, with their columns."""
    for pos, (_, cells) in enumerate(rows):
        found: dict[str, int] = {}
        for idx, value in enumerate(cells):
            name = _field(value, mapping)
            if name in REQUIRED_FIELDS:
                found.setdefault(name, idx)
        if len(found) == len(REQUIRED_FIELDS):
            return pos, list(found.values())
    return None


def likely_header(rows: list[tuple[int, RawRow]], mapping: HeaderMapping) -> int | None:
    """Without a full header, the row that looks most like one: the most recognised columns (at least two,
    among three or more labels), so the mapping step can ask which column is the missing one."""
    best, best_score = None, 1
    for pos, (_, cells) in enumerate(rows):
        texts = [v for v in cells if isinstance(v, str) and clean_cell(v)]
        score = len({f for f in (_field(v, mapping) for v in texts) if f})
        if len(texts) >= 3 and score > best_score:
            best, best_score = pos, score
    return best


def _field(value: object, mapping: HeaderMapping) -> str | None:
    key = header_key(value)
    if not key:
        return None
    if key in mapping:
        return mapping[key] or None
    return builtin_field(value)


def group_labels(header: RawRow, width: int) -> list[str]:
    """Per column, the header text covering it: merged cells are None except
    the top-left, so an empty cell continues the label to its left."""
    labels, current = [], ""
    for idx in range(width):
        current = clean_cell(at(header, idx)) or current
        labels.append(current)
    return labels


def is_sub_header(header: RawRow, sub: RawRow, key_columns: list[int]) -> bool:
    # A data row always has a name and ID; under vertically merged 姓名 and
    # 身份证号 cells a sub-header row has neither.
    if any(not is_blank(at(sub, idx)) for idx in key_columns):
        return False
    filled = [v for v in sub if not is_blank(v)]
    if filled and is_note(clean_cell(filled[0])):
        return False  # "【备注】…" under the header is a notes row, not a sub-header
    groups = group_labels(header, len(sub))
    return any(
        sub_header_field(clean_cell(value), groups[idx]) is not None
        for idx, value in enumerate(sub)
        if not is_blank(value)
    )


def map_columns(header: RawRow, sub: RawRow | None, mapping: HeaderMapping) -> HeaderMap:
    width = max(len(header), len(sub or ()))
    groups = group_labels(header, width)
    columns: dict[int, str] = {}
    texts: dict[int, str] = {}
    found_columns: list[HeaderColumn] = []
    for idx in range(width):
        head_text = clean_cell(at(header, idx))
        sub_text = clean_cell(at(sub, idx)) if sub is not None else ""
        if sub_text:  # the sub-header wins over its group label
            builtin = sub_header_field(sub_text, groups[idx])
            label = f"{groups[idx]}/{sub_text}" if groups[idx] else sub_text
        elif head_text:
            builtin, label = builtin_field(head_text), head_text
        else:
            continue
        column = HeaderColumn(idx + 1, label, header_key(label), builtin, builtin)
        if column.key in mapping:
            column.field = mapping[column.key] or None
            column.ignored = column.field is None
        found_columns.append(column)
        if column.field is not None:
            texts[idx + 1] = sub_text or head_text
            _assign(columns, texts, idx + 1, column.field)
    for column in found_columns:
        if column.field is not None:  # a second phone became the landline; other repeats are unknown
            column.field = columns.get(column.col)
    labels = {col: texts[col] for col in columns}
    return HeaderMap(columns, found_columns, labels)


def _assign(columns: dict[int, str], texts: dict[int, str], col: int, name: str) -> None:
    """Map a column; a second phone column becomes the landline; any other second one stays unknown."""
    taken = {f: c for c, f in columns.items()}
    if name not in taken:
        columns[col] = name
    elif name == "phone" and "landline" not in taken:
        # Keep whichever says 手机 as the mobile; the other is the landline.
        if "手机" in texts[col] and "手机" not in texts[taken["phone"]]:
            columns[taken["phone"]], columns[col] = "landline", "phone"
        else:
            columns[col] = "landline"


def add_samples(header_map: HeaderMap, rows: list[RawRow]) -> None:
    """Up to SAMPLES distinct non-blank values per column from the first data rows, for the mapping step."""
    for column in header_map.header_columns:
        for cells in rows:
            value = at(cells, column.col - 1)
            if is_blank(value) or len(column.samples) >= SAMPLES:
                continue
            if (text := _sample(value)) not in column.samples:
                column.samples.append(text)


def _sample(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()[:10]
    text = str(value).strip()
    return text if len(text) <= 30 else text[:29] + "…"


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_cell(value))


def at(row: RawRow | None, idx: int) -> Any:
    if row is None or idx >= len(row):
        return None
    return row[idx]
