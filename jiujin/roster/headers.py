"""The header text of each mapped column, as written in the file, for error messages ("第17行 身份证号码：…").

`RosterTable` maps columns to canonical fields but does not (yet) keep the file's own header text, so
it is read back here -- only when there are errors to report, so a clean import pays nothing.
Once `RosterTable.labels` exists, it is used instead and this re-read becomes dead code.
"""

from __future__ import annotations

import codecs
import csv
import io
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from jiujin.lib.roster import HEADER_ALIASES, RosterTable
from jiujin.lib.text import clean_cell, clean_text

# Fallback labels when the file's own text is unavailable.
FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "身份证号",
    "birth_date": "出生年月",
    "ethnicity": "民族",
    "party": "政治面貌",
    "party_branch": "所在党支部",
    "category": "类别",
    "rank": "职级",
    "work_unit": "原工作单位",
    "work_unit_contact": "原单位联系人",
    "work_unit_phone": "原单位电话",
    "retirement_date": "离退休时间",
    "address": "家庭住址",
    "phone": "联系电话",
    "landline": "座机",
    "living_arrangement": "居住状况",
    "health_status": "健康状况",
    "chronic_conditions": "慢性病",
    "preferred_hospital": "就诊医院",
    "hobbies": "爱好特长",
    "habits": "生活习惯",
    "family_name": "紧急联系人",
    "family_relation": "与本人关系",
    "family_phone": "紧急联系电话",
    "family_lives_with": "是否同住",
    "community": "社区",
}

Row = tuple[Any, ...]


def column_labels(table: RosterTable, source: str | Path | None) -> dict[str, str]:
    """Canonical field -> header text in the file (falling back to FIELD_LABELS)."""
    by_column: dict[int, str] = dict(getattr(table, "labels", None) or {})
    if not by_column and source is not None:
        try:
            by_column = _read_labels(Path(source), table)
        except Exception:  # labels are cosmetic: never let them hide the real errors
            by_column = {}
    labels = dict(FIELD_LABELS)
    for col, field in table.columns.items():
        if by_column.get(col):
            labels[field] = by_column[col]
    return labels


def _read_labels(path: Path, table: RosterTable) -> dict[int, str]:
    rows = _csv_rows(path, table.header_row + 1) if path.suffix.lower() == ".csv" else _xlsx_rows(path, table)
    header, sub = [*rows, (), ()][:2]
    key_cols = [c for c, f in table.columns.items() if f in ("name", "id_number")]
    # The row under the header is a sub-header only when the name and ID cells are empty (merged).
    sub_is_header = all(not clean_cell(_at(sub, c)) for c in key_cols)
    labels = {}
    for col in table.columns:
        text = clean_text(_at(sub, col)) if sub_is_header else ""
        labels[col] = text or clean_text(_at(header, col))
    return labels


def _xlsx_rows(path: Path, table: RosterTable) -> list[Row]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        id_col = next(c for c, f in table.columns.items() if f == "id_number")
        for ws in [wb.active, *wb.worksheets]:
            if not hasattr(ws, "iter_rows"):
                continue
            rows = list(
                ws.iter_rows(min_row=table.header_row, max_row=table.header_row + 1, values_only=True)
            )
            if rows and HEADER_ALIASES.get(clean_cell(_at(rows[0], id_col))) == "id_number":
                return rows
        return []
    finally:
        wb.close()


def _csv_rows(path: Path, count: int) -> list[Row]:
    with path.open("rb") as f:
        raw = f.read(1 << 16)
    try:
        # Incremental: a multi-byte character cut off at the end of the sample is not an error.
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(raw)
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    head = text.splitlines()[:count]
    delimiter = "\t" if sum(s.count("\t") for s in head) > sum(s.count(",") for s in head) else ","
    rows = [tuple(r) for r in islice(csv.reader(io.StringIO(text), delimiter=delimiter), count)]
    return rows[count - 2 :]


def _at(row: Row, col: int) -> Any:
    return row[col - 1] if 0 < col <= len(row) else None
