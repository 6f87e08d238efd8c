from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import Field
from django.http import Http404

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record

from .models import Cadre, CadreStatus, Tag

# Fields whose before/after goes into the audit log (M2M tags are logged by name).
AUDITED_FIELDS = [
    f.name
    for f in Cadre._meta.concrete_fields
    if f.name not in {"id", "name_pinyin", "name_initials", "created_at", "updated_at"}
]


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
    values = {}
    for name in AUDITED_FIELDS:
        value = getattr(cadre, cast(Field, Cadre._meta.get_field(name)).attname)  # audited: concrete columns
        values[name] = value.isoformat() if isinstance(value, date) else value
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


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _set_tags(cadre: Cadre, names: list[str]) -> None:
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    cadre.tags.set(Tag.objects.filter(name__in=names))


@transaction.atomic
def cadre_create(*, actor: Actor, cadre: Cadre, tag_names: list[str] | None = None) -> Cadre:
    cadre.refresh_search_keys()
    cadre.save()
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
        from jiujin.visits.services import visit_tasks_cancel_scheduled  # visits builds on cadres

        visit_tasks_cancel_scheduled(cadre=cadre, reason=CLOSED_FILE_REASONS[status])
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
