"""The header of a roster (花名册): the names offices give each column, two-row headers under merged group
labels, and which column holds which canonical field. Pure functions of the raw header cells."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from jiujin.lib.text import clean_cell

REQUIRED_FIELDS: dict[str, str] = {"name": "姓名", "id_number": "身份证号"}

_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "gender": ("性别",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "birth_date": ("出生年月", "出生日期", "出生年月日"),
    "ethnicity": ("民族",),
    "party": ("政治面貌", "是否党员", "党员"),
    "party_branch": ("所在党支部", "党支部"),
    "category": ("类别", "离退休类别", "离退休"),
    "rank": ("职级", "级别", "待遇级别"),
    "work_unit": ("原工作单位", "原单位", "工作单位"),
    "work_unit_contact": ("原单位联系人",),
    "work_unit_phone": ("原单位电话", "原单位联系电话"),
    "retirement_date": ("离退休时间", "退休时间", "离休时间", "离退休日期"),
    "address": ("家庭住址", "住址", "现住址", "居住地址"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式"),
    "landline": ("座机", "固定电话", "家庭电话"),
    "living_arrangement": ("居住状况", "居住情况", "居住方式"),
    "health_status": ("健康状况", "身体状况"),
    "chronic_conditions": ("慢性病", "慢性病史", "主要疾病"),
    "preferred_hospital": ("就诊医院", "定点医院", "常去医院"),
    "hobbies": ("爱好", "兴趣爱好", "爱好特长", "特长"),
    "habits": ("生活习惯", "生活习惯和规律", "作息规律"),
    "family_name": ("紧急联系人", "家属姓名", "子女姓名"),
    "family_relation": ("关系", "与本人关系"),
    "family_phone": ("紧急联系电话", "家属电话", "子女电话"),
    "family_lives_with": ("是否同住",),
    "community": ("社区", "所在社区", "社区代码"),
    "note": ("备注",),
    "seq": ("序号",),
}

# Cleaned header text -> canonical field.
HEADER_ALIASES: dict[str, str] = {
    alias: name for name, aliases in _FIELD_ALIASES.items() for alias in aliases
}

# Under a merged group label, generic sub-headers such as 姓名/电话 belong to
# the group ("紧急联系人" over "姓名 | 电话"), not to the cadre.
_GROUP_CONTEXTS: tuple[tuple[tuple[str, ...], dict[str, str]], ...] = (
    (
        ("原单位", "原工作单位", "工作单位"),
        {
            "名称": "work_unit",
            "单位名称": "work_unit",
            "单位": "work_unit",
            "联系人": "work_unit_contact",
            "电话": "work_unit_phone",
            "联系电话": "work_unit_phone",
        },
    ),
    (
        ("紧急联系人", "家属", "子女", "监护人", "联系人"),
        {
            "姓名": "family_name",
            "关系": "family_relation",
            "与本人关系": "family_relation",
            "电话": "family_phone",
            "联系电话": "family_phone",
            "手机": "family_phone",
            "手机号": "family_phone",
            "手机号码": "family_phone",
            "是否同住": "family_lives_with",
        },
    ),
)

# "*姓名", "身份证号(18位)", "联系电话:" -- decoration around a known header.
_HEADER_DECORATION = re.compile(r"^[*※★]+|\([^()]*\)$|\[[^\[\]]*\]$|:$")

RawRow = Sequence[Any]


def _find_header(rows: list[tuple[int, RawRow]]) -> tuple[int, list[int]] | None:
    """Position of the first row naming both 姓名 and 身份证号, with their columns."""
    for pos, (_, cells) in enumerate(rows):
        found = {f: i for i, f in enumerate(map(_canonical_header, cells)) if f in REQUIRED_FIELDS}
        if len(found) == len(REQUIRED_FIELDS):
            return pos, list(found.values())
    return None


def _canonical_header(value: object) -> str | None:
    text = clean_cell(value)
    if not text:
        return None
    return HEADER_ALIASES.get(text) or HEADER_ALIASES.get(_strip_decoration(text))


def _strip_decoration(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _HEADER_DECORATION.sub("", text)
    return text


def _group_labels(header: RawRow, width: int) -> list[str]:
    """Per column, the header text covering it: merged cells are None except
    the top-left, so an empty cell continues the label to its left."""
    labels, current = [], ""
    for idx in range(width):
        current = clean_cell(_at(header, idx)) or current
        labels.append(current)
    return labels


def _sub_header_field(text: str, group: str) -> str | None:
    bare = _strip_decoration(text)
    for keywords, mapping in _GROUP_CONTEXTS:
        if bare in mapping and any(k in group for k in keywords):
            return mapping[bare]
    return _canonical_header(text)


def _is_sub_header(header: RawRow, sub: RawRow, key_columns: list[int]) -> bool:
    # A data row always has a name and ID; under vertically merged 姓名 and
    # 身份证号 cells a sub-header row has neither.
    if any(not _is_blank(_at(sub, idx)) for idx in key_columns):
        return False
    groups = _group_labels(header, len(sub))
    return any(
        _sub_header_field(clean_cell(value), groups[idx]) is not None
        for idx, value in enumerate(sub)
        if not _is_blank(value)
    )


def _map_columns(header: RawRow, sub: RawRow | None) -> tuple[dict[int, str], list[str], dict[int, str]]:
    width = max(len(header), len(sub or ()))
    groups = _group_labels(header, width)
    columns: dict[int, str] = {}
    texts: dict[int, str] = {}
    unknown: list[str] = []
    for idx in range(width):
        head_text = clean_cell(_at(header, idx))
        sub_text = clean_cell(_at(sub, idx)) if sub is not None else ""
        if sub_text:  # the sub-header wins over its group label
            found = _sub_header_field(sub_text, groups[idx])
            label = f"{groups[idx]}/{sub_text}" if groups[idx] else sub_text
        elif head_text:
            found, label = _canonical_header(head_text), head_text
        else:
            continue
        if found is None:
            unknown.append(label)
            continue
        texts[idx + 1] = sub_text or head_text
        _assign(columns, texts, idx + 1, found, unknown)
    return columns, unknown, {col: texts[col] for col in columns}


def _assign(columns: dict[int, str], texts: dict[int, str], col: int, name: str, unknown: list[str]) -> None:
    """Map a column; a second phone column becomes the landline."""
    taken = {f: c for c, f in columns.items()}
    if name not in taken:
        columns[col] = name
    elif name == "phone" and "landline" not in taken:
        # Keep whichever says 手机 as the mobile; the other is the landline.
        if "手机" in texts[col] and "手机" not in texts[taken["phone"]]:
            columns[taken["phone"]], columns[col] = "landline", "phone"
        else:
            columns[col] = "landline"
    else:
        unknown.append(texts[col])


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not clean_cell(value))


def _at(row: RawRow | None, idx: int) -> Any:
    if row is None or idx >= len(row):
        return None
    return row[idx]
