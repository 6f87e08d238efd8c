"""A unit's own names for roster columns: chosen in the import's mapping step, remembered, and applied to the
unit's later rosters before the built-in header names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.masking import shown_id, shown_phone
from jiujin.lib.roster import RosterColumnsError, open_roster
from jiujin.lib.roster_fields import FIELD_BY_NAME, HEADER_KEY_MAX
from jiujin.lib.roster_headers import HeaderColumn
from jiujin.orgs.models import OrgUnit

from .headers import FIELD_LABELS
from .models import RosterHeaderMapping

_ID = re.compile(r"\d{15}|\d{17}[\dXx]")
_DATE = re.compile(r"\d{4}[-./年]\d{1,2}")
_PHONE_CHARS = re.compile(r"[\d\s()+\-]+")


def unit_mapping(unit: OrgUnit) -> dict[str, str]:
    """The unit's remembered mapping: normalised header -> field ("" = ignore the column)."""
    return dict(RosterHeaderMapping.objects.filter(unit=unit).values_list("header", "field"))


def mapping_changes(columns: list[HeaderColumn], chosen: Mapping[int, str]) -> dict[str, str | None]:
    """What to remember of the choices in a mapping step (column -> field, "" = ignore): a changed or
    unrecognised column's choice; None (forget) where the choice is what the built-in names say."""
    changes: dict[str, str | None] = {}
    for column in columns:
        choice = chosen.get(column.col, "")
        if choice == (column.field or "") and not column.unknown:
            continue
        changes[column.key] = None if choice and choice == column.builtin else choice
    return changes


@transaction.atomic
def roster_mapping_save(*, unit: OrgUnit, mapping: Mapping[str, str | None], actor: Actor) -> int:
    """Remember the unit's header mapping: normalised header -> field, "" to ignore the column, None to forget
    (the built-in names apply again). Returns how many headers changed; the change is audit-logged."""
    for header, field in mapping.items():
        if not header or len(header) > HEADER_KEY_MAX:
            raise ValidationError(f"表头「{header[:20]}」无效")
        if field and field not in FIELD_BY_NAME:
            raise ValidationError(f"没有字段「{field}」")
    rows = RosterHeaderMapping.objects.select_for_update().filter(unit=unit, header__in=list(mapping))
    existing = {row.header: row for row in rows}
    changes: dict[str, list[str | None]] = {}
    for header, field in mapping.items():
        row = existing.get(header)
        before = None if row is None else row.field
        if field == before:
            continue
        if field is None:
            assert row is not None
            row.delete()
        elif row is None:
            RosterHeaderMapping.objects.create(unit=unit, header=header, field=field, updated_by=actor.user)
        else:
            row.field, row.updated_by = field, actor.user
            row.save(update_fields=["field", "updated_by", "updated_at"])
        changes[header] = [_shown(before), _shown(field)]
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            subject_type="orgs.orgunit",
            subject_id=unit.pk,
            detail=f"修改「{unit.name}」的花名册表头对应（{len(changes)}项）"[:200],
            changes=changes,
        )
    return len(changes)


def _shown(field: str | None) -> str | None:
    if field is None:
        return None
    return FIELD_LABELS.get(field, field) if field else "忽略此列"


def shown_sample(text: str, *, full: bool) -> str:
    """A sample cell of the mapping step, with ID and phone numbers masked as the preview masks them."""
    compact = "".join(text.split())
    if _ID.fullmatch(compact):
        return shown_id(compact, full=full)
    digits = sum(c.isdigit() for c in compact)
    if digits >= 7 and _PHONE_CHARS.fullmatch(compact) and not _DATE.match(compact):
        return shown_phone(compact, full=full)
    return text


def upload_columns(path: Path, *, filename: str, unit: OrgUnit) -> list[HeaderColumn]:
    """The header columns of an uploaded roster as the unit's mapping reads them, with samples."""
    try:
        with open_roster(path, filename=filename, mapping=unit_mapping(unit)) as table:
            return table.header_columns
    except RosterColumnsError as exc:
        return exc.columns
