from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.query import prefetch_related_objects

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_labels_register, audit_record
from jiujin.audit.services import diff as diff  # re-exported: callers diff cadre snapshots through here
from jiujin.audit.services import snapshot as audit_snapshot

from .hooks import file_closed
from .models import Cadre, CadreStatus, FamilyContact, Tag, WorkUnit
from .tags import tag_names_check, tag_scope_unit

if TYPE_CHECKING:
    from jiujin.accounts.models import User
    from jiujin.orgs.models import OrgUnit

# Fields whose before/after goes into the audit log (M2M tags are logged by name).
AUDITED_FIELDS = [
    f.name
    for f in Cadre._meta.concrete_fields
    if f.name not in {"id", "name_pinyin", "name_initials", "created_at", "updated_at"}
]
# The snapshot's keys that are not columns, as the audit page labels them.
audit_labels_register("cadres.cadre", {"tags": "爱好特长", "family": "家属联系人"})


ID_NUMBER_TAKEN = "该身份证号已登记"

# Why scheduled visits stop when a file is closed.
CLOSED_FILE_REASONS: dict[str, str] = {
    CadreStatus.DECEASED: "老干部已去世",
    CadreStatus.MOVED_OUT: "老干部已迁出",
}


class CadreData(TypedDict, total=False):
    """A cadre's editable values once cleaned (`CadreForm.cadre_data`): the columns under their field names,
    the former employer by name (`work_unit_name`, blank for none) and the hobbies by name (`tags`).

    On update a key left out keeps its value; `tags` left out keeps the tags (moving with a cadre who moves
    to another district's list). Status is not here: it changes through `cadre_change_status`."""

    name: str
    id_number: str
    gender: str
    birth_date: date
    ethnicity: str
    is_party_member: bool
    party_branch: str
    category: str
    rank: str
    retirement_date: date | None
    community: OrgUnit
    responsible_worker: User | None
    address: str
    phone_mobile: str
    phone_landline: str
    living_arrangement: str
    health_status: str
    preferred_hospital: str
    specialties: str
    habits: str
    birthday_calendar: str
    lunar_month: int | None
    lunar_day: int | None
    lunar_leap: bool
    work_unit_name: str
    tags: list[str]


DATA_KEYS = frozenset(CadreData.__annotations__)
DATA_COLUMNS = [k for k in CadreData.__annotations__ if k not in {"work_unit_name", "tags"}]
FAMILY_FIELDS = ["name", "relation", "phone", "lives_with"]


@dataclass(frozen=True)
class FamilyContactValues:
    """One family contact line as the form (or another caller) gives it once cleaned: `id` names one of the
    cadre's contacts to edit (None: a new one), `delete` drops that contact."""

    name: str = ""
    relation: str = ""
    phone: str = ""
    lives_with: bool = False
    id: int | None = None
    delete: bool = False


def snapshot(cadre: Cadre) -> dict[str, Any]:
    """The cadre's audited columns (the shared audit snapshot: {} while unsaved), tags and family lines."""
    values = audit_snapshot(cadre, AUDITED_FIELDS)
    values["tags"] = sorted(t.name for t in cadre.tags.all()) if cadre.pk else []
    values["family"] = (
        [
            f"{f.name}（{f.relation}）{f.phone}{' 同住' if f.lives_with else ''}"
            for f in cadre.family_contacts.all()
        ]
        if cadre.pk
        else []
    )
    return values


def _set_tags(cadre: Cadre, names: list[str]) -> None:
    """Give the cadre exactly these tags, in its district's tag list; delete the tags left unused.

    Capped (cadres.tags.MAX_TAGS): the form, the API and the import check first, this is the backstop."""
    try:
        tag_names_check(names)
    except ValidationError as exc:
        raise ValidationError({"tags_text": exc.messages}) from None
    unit = tag_scope_unit(cadre.community)
    old_ids = set(cadre.tags.values_list("pk", flat=True))
    if names:
        Tag.objects.bulk_create([Tag(org_unit=unit, name=n) for n in names], ignore_conflicts=True)
    new_ids = set(Tag.objects.filter(org_unit=unit, name__in=names).values_list("pk", flat=True))
    cadre.tags.set(new_ids)
    if gone := old_ids - new_ids:
        Tag.objects.filter(pk__in=gone, cadres__isnull=True).delete()


def _apply(cadre: Cadre, data: CadreData) -> None:
    """Write the given values into the (unsaved) instance; the former employer is found or added by name."""
    values: Mapping[str, Any] = data
    if unknown := set(values) - DATA_KEYS:
        raise TypeError(f"not a cadre's editable values: {sorted(unknown)}")
    for name in DATA_COLUMNS:
        if name in values:
            setattr(cadre, name, values[name])
    if "work_unit_name" in values:
        unit_name = (values["work_unit_name"] or "").strip()
        cadre.work_unit = WorkUnit.objects.get_or_create(name=unit_name)[0] if unit_name else None
    cadre.refresh_search_keys()


def _apply_family(cadre: Cadre, family: Sequence[FamilyContactValues]) -> None:
    """Add, edit and delete the cadre's family contacts as the lines say; lines naming no change write nothing."""
    ids = {line.id for line in family if line.id is not None}
    existing = {c.pk: c for c in cadre.family_contacts.all()} if ids else {}
    if stray := ids - set(existing):
        raise ValidationError(f"家属联系人不属于该老干部：{sorted(stray)}")
    if gone := [line.id for line in family if line.id is not None and line.delete]:
        FamilyContact.objects.filter(cadre=cadre, pk__in=gone).delete()
    for line in family:
        if line.id is None or line.delete:
            continue
        contact = existing[line.id]
        changed = [f for f in FAMILY_FIELDS if getattr(contact, f) != getattr(line, f)]
        for name in changed:
            setattr(contact, name, getattr(line, name))
        if changed:
            contact.save(update_fields=changed)
    for line in family:
        if line.id is None and not line.delete:
            FamilyContact.objects.create(cadre=cadre, **{f: getattr(line, f) for f in FAMILY_FIELDS})


@transaction.atomic
def cadre_create(*, actor: Actor, data: CadreData, family: Sequence[FamilyContactValues] = ()) -> Cadre:
    """Register a cadre with its tags and family contacts, and write the audit row of its values.

    A duplicate ID number saved by someone else meanwhile is the field error the form gives, not a 500."""
    cadre = Cadre()
    _apply(cadre, data)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives the clash
            cadre.save()
    except IntegrityError:
        # Two saves of one ID number at once: both passed the form's check, the unique index stops one.
        if Cadre.objects.filter(id_number=cadre.id_number).exists():
            raise ValidationError({"id_number": ID_NUMBER_TAKEN}) from None
        raise
    if tag_names := data.get("tags"):
        _set_tags(cadre, tag_names)
    audit_record(actor=actor, action=AuditAction.CREATE, cadre=cadre, changes=diff({}, snapshot(cadre)))
    # After the audit row, as the pages always did: the create row lists the columns and tags.
    _apply_family(cadre, family)
    return cadre


@transaction.atomic
def cadre_update(
    *, actor: Actor, cadre: Cadre, data: CadreData, family: Sequence[FamilyContactValues] = ()
) -> dict[str, list[Any]]:
    """Apply edited values (and family contact lines) to the cadre as stored, and return the changes.

    `cadre` must hold the stored values (a form validates into its own copy: see CadreForm): its snapshot
    is the audit row's "before". Only changed columns are written; the audit row keeps before/after of each,
    of the tags and of the family contacts.
    """
    prefetch_related_objects([cadre], "tags", "family_contacts")
    before = snapshot(cadre)
    _apply(cadre, data)
    _apply_family(cadre, family)
    tag_names = data.get("tags")
    if tag_names is None and before.get("community") not in (None, cadre.community_id):
        tag_names = list(before.get("tags", []))  # moved: its tags move to the new district's list
    if tag_names is not None:
        _set_tags(cadre, tag_names)
    # Re-read tags and family contacts: just written.
    getattr(cadre, "_prefetched_objects_cache", {}).clear()
    changes = diff(before, snapshot(cadre))
    columns = [Cadre._meta.get_field(k).name for k in changes if k not in {"tags", "family"}]
    if columns:
        cadre.save(update_fields=[*columns, "name_pinyin", "name_initials", "updated_at"])
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, cadre=cadre, changes=changes)
    return changes


STATUS_UNCHANGED = "状态没有变化"


@transaction.atomic
def cadre_change_status(*, actor: Actor, cadre: Cadre, status: str, on: date, reason: str) -> Cadre:
    """The one way a cadre's status changes (the status page, 登记事件 去世, the API).

    When the file closes (在册 → 去世/迁出) the file-closed hooks run, once: what the feature apps do then
    (cancel scheduled visits, end pairings, the 吊唁 visit after a death) does not depend on the page used.
    A file already closed (迁出 → 去世) runs them no more. The row is locked and re-read, so two changes at
    once cannot both see the file open."""
    stored = Cadre.objects.select_for_update().only("status", "status_date", "status_reason").get(pk=cadre.pk)
    before: dict[str, Any] = {
        "status": stored.status,
        "status_date": stored.status_date,
        "status_reason": stored.status_reason,
    }
    if status == stored.status:
        raise ValidationError({"status": STATUS_UNCHANGED})
    cadre.status, cadre.status_date, cadre.status_reason = status, on, reason
    cadre.save(update_fields=["status", "status_date", "status_reason", "updated_at"])
    if status in CLOSED_FILE_REASONS and before["status"] not in CLOSED_FILE_REASONS:
        file_closed(actor=actor, cadre=cadre, on=on, reason=CLOSED_FILE_REASONS[status])
    audit_record(
        actor=actor,
        action=AuditAction.STATUS,
        cadre=cadre,
        detail=f"{CadreStatus(before['status']).label} → {CadreStatus(status).label}：{reason}",
        changes={
            "status": [before["status"], status],
            "status_date": [
                before["status_date"].isoformat() if before["status_date"] else None,
                on.isoformat(),
            ],
            "status_reason": [before["status_reason"], reason],
        },
    )
    return cadre


def cadre_record_view(*, actor: Actor, cadre: Cadre, detail: str) -> None:
    audit_record(actor=actor, action=AuditAction.VIEW, cadre=cadre, detail=detail)
