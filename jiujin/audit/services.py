from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts and from where: built once per request (see `actor_from_request`) or command."""

    user: Any
    ip: str | None = None
    via: str = "web"


def actor_from_request(request: Any, *, via: str = "web") -> Actor:
    return Actor(user=request.user, ip=request.META.get("REMOTE_ADDR"), via=via)


def audit_record(
    *, actor: Actor, action: str, cadre: Any = None, detail: str = "", changes: dict | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(
        user=actor.user,
        action=action,
        cadre=cadre,
        detail=detail,
        changes=changes or {},
        ip=actor.ip,
        via=actor.via,
    )


@transaction.atomic
def audit_record_batch(
    *, actor: Actor, action: str, cadre_ids: Iterable[int], detail: str, changes_by_id: dict[int, dict] | None = None
) -> str:
    """One row per cadre so "who saw this cadre" stays one indexed query; rows share a batch id."""
    batch = uuid.uuid4().hex
    changes_by_id = changes_by_id or {}
    rows = (
        AuditEvent(
            user=actor.user,
            action=action,
            cadre_id=cid,
            detail=detail,
            changes=changes_by_id.get(cid, {}),
            batch=batch,
            ip=actor.ip,
            via=actor.via,
        )
        for cid in cadre_ids
    )
    _bulk_create(rows)
    return batch


def _bulk_create(rows: Iterable[AuditEvent], size: int = 2000) -> None:
    chunk: list[AuditEvent] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            AuditEvent.objects.bulk_create(chunk)
            chunk.clear()
    if chunk:
        AuditEvent.objects.bulk_create(chunk)
