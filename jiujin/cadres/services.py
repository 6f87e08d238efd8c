from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_labels_register, audit_record
from jiujin.audit.services import diff as diff  # re-exported: callers diff cadre snapshots through here
from jiujin.audit.services import snapshot as audit_snapshot

from .hooks import file_closed
from .models import Cadre, CadreStatus, Tag
from .tags import tag_names_check, tag_scope_unit

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


def get_cadre_for_user(user: User, pk: Any) -> Cadre:
    """Fetch and authorize in one call: out of scope is indistinguishable from missing (404)."""
    try:
        return (
            Cadre.objects.for_user(user)
            .select_related("community__parent", "work_unit", "responsible_worker")
            .get(pk=pk)
        )
    except (Cadre.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该老干部") from exc


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


@transaction.atomic
def cadre_create(*, actor: Actor, cadre: Cadre, tag_names: list[str] | None = None) -> Cadre:
    cadre.refresh_search_keys()
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives the clash
            cadre.save()
    except IntegrityError:
        # Two saves of one ID number at once: both passed the form's check, the unique index stops one.
        if Cadre.objects.filter(id_number=cadre.id_number).exists():
            cadre.pk = None
            raise ValidationError({"id_number": ID_NUMBER_TAKEN}) from None
        raise
    if tag_names:
        _set_tags(cadre, tag_names)
    audit_record(actor=actor, action=AuditAction.CREATE, cadre=cadre, changes=diff({}, snapshot(cadre)))
    return cadre


@transaction.atomic
def cadre_update(
    *, actor: Actor, cadre: Cadre, before: dict[str, Any], tag_names: list[str] | None = None
) -> dict[str, list[Any]]:
    """Save an edited cadre. `before` is `snapshot(cadre)` taken before the edit was applied (family contacts
    saved by the caller in the same transaction, before this call, are part of the diff).

    Only changed columns are written; the audit row keeps before/after of each.
    """
    cadre.refresh_search_keys()
    if tag_names is None and before.get("community") not in (None, cadre.community_id):
        tag_names = list(before.get("tags", []))  # moved: its tags move to the new district's list
    if tag_names is not None:
        _set_tags(cadre, tag_names)
    # Re-read tags and family contacts: the caller may have just saved them.
    getattr(cadre, "_prefetched_objects_cache", {}).clear()
    changes = diff(before, snapshot(cadre))
    columns = [Cadre._meta.get_field(k).name for k in changes if k not in {"tags", "family"}]
    if columns:
        cadre.save(update_fields=[*columns, "name_pinyin", "name_initials", "updated_at"])
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, cadre=cadre, changes=changes)
    return changes


@transaction.atomic
def cadre_change_status(*, actor: Actor, cadre: Cadre, status: str, on: date, reason: str) -> Cadre:
    before: dict[str, Any] = {
        "status": cadre.status,
        "status_date": cadre.status_date,
        "status_reason": cadre.status_reason,
    }
    cadre.status, cadre.status_date, cadre.status_reason = status, on, reason
    cadre.save(update_fields=["status", "status_date", "status_reason", "updated_at"])
    if status in CLOSED_FILE_REASONS:
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
