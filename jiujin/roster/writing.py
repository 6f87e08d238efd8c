"""花名册导入, writing: the planned rows of each chunk into the cadre tables, raw (`bulk`), and one audit row
per cadre created or updated.

A chunk's rows are written by a second thread on the import's own connection (same transaction) while the
import reads and checks the next chunk: the database's work (index upkeep is most of it) then overlaps the
parsing instead of following it. The import waits for it before it uses the connection again (`wait`).
The audit rows name the import's summary, known only once the whole file is read, so they wait in a temporary
file until then: memory stays flat however long the roster.
"""

from __future__ import annotations

import json
import tempfile
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connections
from django.db.models import Field
from django.utils import timezone

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor, audit_batch_columns
from jiujin.cadres.models import Cadre, FamilyContact, Tag
from jiujin.cadres.tags import tag_scope_path
from jiujin.lib.pinyin import name_pinyin
from jiujin.orgs.models import OrgUnit

from . import bulk
from .parsing import ParsedRow

# Every column of a new cadre but its id; those the row does not give take the field's default.
_NEW_COLUMNS = [f.attname for f in Cadre._meta.concrete_fields if not f.primary_key]
_FAMILY_COLUMNS = ["cadre_id", "name", "relation", "phone", "lives_with"]


def _default(f: Field) -> Any:
    value = f.get_default()
    return str(value) if isinstance(value, str) else value  # TextChoices members as their plain value


_DEFAULTS = [_default(f) for f in Cadre._meta.concrete_fields if not f.primary_key]
_AT = {name: at for at, name in enumerate(_NEW_COLUMNS)}


@dataclass
class Plan:
    """What one row does: create a cadre, or update one (`cadre_id`) by `new_values`, audited as `changes`."""

    row: ParsedRow
    cadre_id: int | None  # existing cadre to update, None to create (set once created)
    changes: dict[str, list[Any]]  # audit: field -> [before, after]
    new_values: dict[str, Any]  # attname -> value to store
    tags_changed: bool = False
    add_family: bool = False

    @property
    def action(self) -> str:
        if self.cadre_id is None:
            return "新增"
        return "更新" if self.changes else "未变"


class Writer:
    """Writes the plans of one chunk after another, and the audit rows at the end; `close` it always."""

    def __init__(self) -> None:
        self.db = connections["default"]  # this thread's connection, lent to the writing thread
        self.db.inc_thread_sharing()
        self.tag_ids: dict[tuple[str, str], int] = {}  # (district path, name) -> tag id
        self.orphans: set[int] = set()  # tags whose cadres may all have dropped them
        self.audit = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 -- closed by close
        self.audited = 0
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None

    def write(self, plans: list[Plan]) -> None:
        """Start writing a chunk; what needs the ORM is done here, the rows in the writing thread."""
        self.wait()
        creates = [p for p in plans if p.cadre_id is None]
        updates = [p for p in plans if p.changes]
        self._tags_for({(p.row.community, n) for p in creates + updates if p.row.tags for n in p.row.tags})
        replaced = Cadre.tags.through.objects.filter(
            cadre_id__in=[p.cadre_id for p in updates if p.tags_changed]
        )
        if old_tag_ids := set(replaced.values_list("tag_id", flat=True)):
            replaced.delete()
            self.orphans |= old_tag_ids
        if creates or updates:
            self.thread = threading.Thread(target=self._write_rows, args=(creates, updates), daemon=True)
            self.thread.start()

    def wait(self) -> None:
        """Let the writing thread finish; the connection is this thread's again."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.failure is not None:
            failure, self.failure = self.failure, None
            raise failure
        if self.orphans:  # delete the tags no cadre uses any more, now that the new links are written
            Tag.objects.filter(pk__in=self.orphans, cadres__isnull=True).delete()
            self.orphans = set()

    def _write_rows(self, creates: list[Plan], updates: list[Plan]) -> None:
        try:
            self._rows(creates, updates, timezone.now())
        except BaseException as exc:  # raised in the importing thread by wait()
            self.failure = exc

    def _rows(self, creates: list[Plan], updates: list[Plan], now: datetime) -> None:
        rows = [self._new_row(p.new_values, now) for p in creates]
        ids = bulk.insert_returning_ids(self.db, Cadre, _NEW_COLUMNS, rows, key="id_number")
        for plan, cadre_id in zip(creates, ids, strict=True):
            plan.cadre_id = cadre_id
            plan.tags_changed = bool(plan.row.tags)
            plan.add_family = plan.row.family is not None

        by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for plan in updates:
            values = dict(plan.new_values, updated_at=now)
            if "name" in values:
                values["name_pinyin"], values["name_initials"] = name_pinyin(values["name"])
            columns = tuple(sorted(values))
            by_columns[columns].append((*(values[c] for c in columns), plan.cadre_id))
        for columns, changed in by_columns.items():
            bulk.update(self.db, Cadre, columns, changed)

        written = creates + updates
        tags = [
            (p.cadre_id, self.tag_ids[tag_scope_path(p.row.community.path), name])
            for p in written
            if p.tags_changed
            for name in p.row.tags or ()
        ]
        bulk.insert(self.db, Cadre.tags.through, ["cadre_id", "tag_id"], tags)
        families = [(p.cadre_id, p.row.family) for p in written if p.add_family and p.row.family]
        bulk.insert(
            self.db,
            FamilyContact,
            _FAMILY_COLUMNS,
            [(i, *(f[c] for c in _FAMILY_COLUMNS[1:])) for i, f in families],
        )
        for plan in written:
            self.audit.write(f"{plan.cadre_id}\t{json.dumps(plan.changes)}\n")
        self.audited += len(written)

    @staticmethod
    def _new_row(values: dict[str, Any], now: datetime) -> list[Any]:
        row = list(_DEFAULTS)
        for attname, value in values.items():
            row[_AT[attname]] = value
        # As Cadre.refresh_search_keys sets them.
        row[_AT["name_pinyin"]], row[_AT["name_initials"]] = name_pinyin(values["name"])
        row[_AT["created_at"]] = row[_AT["updated_at"]] = now
        return row

    def _tags_for(self, wanted: set[tuple[OrgUnit, str]]) -> None:
        """Find or create the tags (per district) of the (community, name) pairs not seen yet."""
        keys = {(tag_scope_path(c.path), n) for c, n in wanted} - self.tag_ids.keys()
        if not keys:
            return
        paths = {p for p, _ in keys}
        units = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "pk"))
        Tag.objects.bulk_create([Tag(org_unit_id=units[p], name=n) for p, n in keys], ignore_conflicts=True)
        rows = Tag.objects.filter(org_unit__path__in=paths, name__in={n for _, n in keys})
        found = {(p, n): pk for p, n, pk in rows.values_list("org_unit__path", "name", "pk")}
        self.tag_ids.update((k, found[k]) for k in keys)

    def finish(self, *, actor: Actor, detail: str) -> None:
        """One audit row per cadre written, in one batch."""
        self.wait()
        shared = audit_batch_columns(
            actor=actor, action=AuditAction.IMPORT, detail=detail, batch=uuid.uuid4().hex
        )
        now = timezone.now()
        self.audit.seek(0)
        rows = (
            (now, *shared.values(), int(cadre_id), cadre_id, changes)
            for cadre_id, changes in (line.rstrip("\n").split("\t", 1) for line in self.audit)
        )
        bulk.insert(self.db, AuditEvent, ["at", *shared, "cadre_id", "subject_id", "changes"], rows)

    def close(self) -> None:
        """Always, also when the import fails: the writing thread is done with the connection."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        self.db.dec_thread_sharing()
        self.audit.close()
