"""Roster columns as people see them: the header text of each mapped column as written in the file, for error
messages ("第17行 身份证号码：…"), and the fields with their Chinese names and accepted headers."""

from __future__ import annotations

from dataclasses import dataclass

from jiujin.lib.roster import RosterTable
from jiujin.lib.roster_fields import FIELDS
from jiujin.lib.roster_headers import HeaderColumn

# Fallback labels when the file's own text is unavailable.
FIELD_LABELS: dict[str, str] = {f.name: f.label for f in FIELDS}
CHRONIC_NOTICE = "「{column}」列未导入：慢性病记在健康档案中，请在老干部详情页的「健康档案」中登记"


def field_label(name: str) -> str:
    """The field's name in a select: its preferred header, and why it is not imported when it is not."""
    field = next(f for f in FIELDS if f.name == name)
    return field.label if field.imported else f"{field.label}（不导入）"


FIELD_CHOICES: list[tuple[str, str]] = [(f.name, field_label(f.name)) for f in FIELDS]


@dataclass(frozen=True)
class AcceptedHeader:
    label: str
    aliases: tuple[str, ...]
    imported: bool


def accepted_headers() -> list[AcceptedHeader]:
    """Each field's preferred header and the other headers read as it, for the import page."""
    return [AcceptedHeader(f.label, f.aliases, f.imported) for f in FIELDS]


def column_labels(table: RosterTable) -> dict[str, str]:
    """Canonical field -> header text in the file (falling back to FIELD_LABELS)."""
    labels = dict(FIELD_LABELS)
    for col, field in table.columns.items():
        if table.labels.get(col):
            labels[field] = table.labels[col]
    return labels


def ignored_columns_message(columns: list[HeaderColumn]) -> str:
    """ "未识别的列（已忽略）：第H列「籍贯」、第K列「备注2」" ("" when there are none)."""
    if not columns:
        return ""
    return "未识别的列（已忽略）：" + "、".join(f"第{c.letter}列「{c.text}」" for c in columns)
