"""Writing the audit log, and the one before/after snapshot every app's services record with.

This app imports no other app of the project: an event names its subject generically ("health.condition",
"12"), and labels come from the subject's model at display time (`field_label`), so it can sit below them all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction

from .models import AuditAction, AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: built once per request (see `actor_from_request`) or command."""

    user: Any
    ip: str | None = None
    via: str = "web"


def actor_from_request(request: Any, *, via: str = "web") -> Actor:
    return Actor(user=request.user, ip=request.META.get("REMOTE_ADDR"), via=via)


CADRE_SUBJECT = "cadres.cadre"
# Columns no before/after needs: keys and bookkeeping.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "name_pinyin", "name_initials"})
# Labels of keys that are not model fields (M2M names, family lines, summaries), per subject type.
_EXTRA_LABELS: dict[str, dict[str, str]] = {}


def audit_labels_register(subject_type: str, labels: Mapping[str, str]) -> None:
    """Name the non-field keys a subject's snapshot holds, e.g. ("cadres.cadre", {"tags": "爱好特长"})."""
    _EXTRA_LABELS.setdefault(subject_type.lower(), {}).update(labels)


def subject_type_of(instance_or_model: Any) -> str:
    """The "app_label.model" of a model or instance, e.g. "health.condition"."""
    return str(instance_or_model._meta.label_lower)


def subject_model(subject_type: str) -> type[models.Model] | None:
    """The model a subject type names, or None (a removed model, an empty type)."""
    try:
        return apps.get_model(subject_type) if subject_type else None
    except (LookupError, ValueError):
        return None


def _model_field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)  # type: ignore[return-value]
    except FieldDoesNotExist:
        return None


def field_label(subject_type: str, name: str) -> str:
    """A snapshot key as the subject's form calls it: its registered label, else the field's verbose_name."""
    extra = _EXTRA_LABELS.get(subject_type.lower(), {})
    if name in extra:
        return extra[name]
    field = _model_field(subject_model(subject_type), name)
    return str(getattr(field, "verbose_name", "") or name) if field is not None else name


def subject_field(subject_type: str, name: str) -> models.Field | None:
    """The model field a snapshot key stands for (for choices and foreign keys at display time)."""
    return _model_field(subject_model(subject_type), name)


def subject_label(subject_type: str, subject_id: Any = "") -> str:
    """The subject as people read it, "健康档案·慢性病 #12": app and model verbose names, and the row."""
    model = subject_model(subject_type)
    if model is None:
        name = subject_type or ""
    else:
        app = str(model._meta.app_config.verbose_name)
        kind = str(model._meta.verbose_name)
        name = kind if app == kind else f"{app}·{kind}"
    return f"{name} #{subject_id}" if name and subject_id not in (None, "") else name


def _json_ready(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def snapshot(
    instance: models.Model, fields: Iterable[str] | None = None, *, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """The audited columns of a saved row, JSON-ready ({} for an unsaved one): dates as ISO text, decimals
    as text, foreign keys as their id under the field's name. `fields` default: every concrete column but
    the bookkeeping ones; `exclude` drops more."""
    if instance.pk is None:
        return {}
    skip = set(exclude)
    if fields is None:
        chosen = [f for f in instance._meta.concrete_fields if f.name not in BOOKKEEPING | skip]
    else:
        chosen = [instance._meta.get_field(n) for n in fields if n not in skip]  # type: ignore[misc]
    return {f.name: _json_ready(getattr(instance, f.attname)) for f in chosen}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{key: [before, after]} of the keys of `after` whose value changed (all of them for a new row)."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _subject(subject: Any, cadre: Any, subject_type: str, subject_id: Any) -> tuple[str, str]:
    if subject is not None:
        return subject_type_of(subject), str(subject.pk or "")
    if subject_type:
        return subject_type.lower(), "" if subject_id is None else str(subject_id)
    if cadre is not None:
        return CADRE_SUBJECT, str(cadre.pk)
    return "", ""


def audit_record(
    *,
    actor: Actor,
    action: str,
    cadre: Any = None,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: Any = None,
    detail: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """One event. Its subject is `subject` (a row), else `subject_type`/`subject_id`, else the cadre.

    `cadre` (any row with a `pk`, normally a cadre) is the person the record belongs to; only its id is kept."""
    stype, sid = _subject(subject, cadre, subject_type, subject_id)
    return AuditEvent.objects.create(
        user=actor.user,
        action=action,
        cadre_id=None if cadre is None else cadre.pk,
        subject_type=stype,
        subject_id=sid,
        detail=detail,
        changes=changes or {},
        ip=actor.ip,
        via=actor.via,
    )


@transaction.atomic
def audit_record_batch(
    *,
    actor: Actor,
    action: str,
    cadre_ids: Iterable[int],
    detail: str,
    changes_by_id: dict[int, dict] | None = None,
    subject: models.Model | None = None,
) -> str:
    """One row per cadre so "who saw this cadre" stays one indexed query; rows share a batch id.

    Each row's subject is the cadre, or `subject` when the rows are about one record (a campaign)."""
    batch = uuid.uuid4().hex
    changes_by_id = changes_by_id or {}
    shared = audit_batch_columns(actor=actor, action=action, detail=detail, batch=batch)
    if subject is not None:
        shared["subject_type"] = subject_type_of(subject)
    rows = (
        AuditEvent(
            **shared,
            cadre_id=cid,
            subject_id=str(subject.pk) if subject is not None else str(cid),
            changes=changes_by_id.get(cid, {}),
        )
        for cid in cadre_ids
    )
    _bulk_create(rows)
    return batch


def audit_batch_columns(*, actor: Actor, action: str, detail: str, batch: str) -> dict[str, Any]:
    """The columns (by attname) all rows of a batch about cadres share, as `audit_record_batch` writes them;
    for a writer inserting very many rows itself, each row adding `at`, `cadre_id`, `subject_id` (the cadre's
    id as text) and `changes`."""
    return {
        "user_id": getattr(actor.user, "pk", None),
        "action": action,
        "subject_type": CADRE_SUBJECT,
        "detail": detail,
        "batch": batch,
        "ip": actor.ip,
        "via": actor.via,
    }


def _bulk_create(rows: Iterable[AuditEvent], size: int = 2000) -> None:
    chunk: list[AuditEvent] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            AuditEvent.objects.bulk_create(chunk)
            chunk.clear()
    if chunk:
        AuditEvent.objects.bulk_create(chunk)


def audit_record_denied(*, request: Any, detail: str) -> AuditEvent:
    """A refused attempt to reach an object or page: who, from where, what was asked for."""
    via = "api" if request.path.startswith("/api/") else "web"
    return audit_record(actor=actor_from_request(request, via=via), action=AuditAction.DENIED, detail=detail)
