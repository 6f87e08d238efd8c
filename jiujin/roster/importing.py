"""花名册导入.

The import validates every row first and writes with set-based operations in chunks of ~1,000 rows
inside one transaction; any error anywhere rolls the whole file back, so a roster is all or nothing.
Rows are cleaned by `parsing`; here they are planned against the database, and `writing` writes them.
Nothing is kept per row beyond the ID numbers seen (for duplicates): memory stays flat.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiujin.audit.services import BOOKKEEPING, Actor
from jiujin.cadres.models import Cadre, CadreStatus, FamilyContact, Tag, WorkUnit
from jiujin.lib.roster import RosterFormatError, RosterRow, RosterTable, open_roster
from jiujin.lib.roster_headers import HeaderColumn
from jiujin.orgs.models import OrgUnit

from .bulk import among
from .headers import CHRONIC_NOTICE, FIELD_LABELS, column_labels
from .mapping import unit_mapping
from .parsing import ParsedRow, RowError, RowParser, community_lookup
from .writing import Plan, Writer

CHUNK = 1000
PREVIEW_ROWS = 50
Progress = Callable[[int, int | None], None]  # (rows read so far, total rows hint)


# --- results -------------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    row: int
    action: str  # 新增 / 更新 / 未变
    values: dict[str, Any]  # Cadre field -> value as it will be stored
    community: str
    changed: list[str]


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    columns: list[HeaderColumn] = field(default_factory=list)  # every labelled column of the file
    notices: list[str] = field(default_factory=list)  # recognised columns the import does not store
    missing: list[str] = field(default_factory=list)  # labels of required columns the file lacks

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unknown_columns(self) -> list[HeaderColumn]:
        return [c for c in self.columns if c.unknown]

    @property
    def unknown_headers(self) -> list[str]:
        return [c.text for c in self.unknown_columns]

    @property
    def needs_mapping(self) -> bool:
        """Whether the worker should say what some columns hold: unrecognised ones, or a missing one."""
        return bool(self.unknown_columns or self.missing)

    @property
    def summary(self) -> str:
        return f"新增 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人"


# --- planning against the database ---------------------------------------------------------------


_NEW = object()  # a work unit not yet in the database
_Extras = tuple[list[str], set[tuple]]  # an existing cadre's sorted tag names and family contacts
# An existing cadre's columns: any a row may set, and its community and status.
_READ = ["id", *(f.attname for f in Cadre._meta.concrete_fields if f.name not in BOOKKEEPING)]


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class _Importer:
    def __init__(self, *, target: OrgUnit, actor: Actor, dry_run: bool, result: ImportResult) -> None:
        self.target = target
        self.actor = actor
        self.dry_run = dry_run
        self.result = result
        self.seen: dict[str, int] = {}  # id number -> first row number
        self.units: dict[int, OrgUnit] = {}  # the communities of existing cadres
        self.tag_names: dict[int, str] = {}
        self.visible_units: dict[int, bool] = {}
        self.writer = Writer()
        self.today = timezone.localdate()

    @property
    def writing(self) -> bool:
        return not self.dry_run and not self.result.errors

    def run_chunk(self, parsed: list[ParsedRow]) -> None:
        rows = [r for r in parsed if self._first_occurrence(r)]
        self.writer.wait()  # the previous chunk's rows are written: the connection is free
        numbers = [r.id_number for r in rows]
        existing = {
            c["id_number"]: c
            for c in Cadre.objects.filter(among("id_number", numbers)).order_by().values(*_READ)
        }
        tags, family = self._tags_and_family([c["id"] for c in existing.values()])
        units = self._work_units(rows)
        plans = []
        for row in rows:
            old = existing.get(row.id_number)
            extras = (tags.get(old["id"], []), family.get(old["id"], set())) if old else ([], set())
            if (plan := self._plan(row, old, units, extras)) is not None:
                plans.append(plan)
        for plan in plans:
            action = plan.action
            self.result.created += action == "新增"
            self.result.updated += action == "更新"
            self.result.unchanged += action == "未变"
            if len(self.result.preview) < PREVIEW_ROWS:
                self.result.preview.append(self._preview(plan))
        if self.writing:
            self.writer.write(plans)

    def _tags_and_family(self, cadre_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, set[tuple]]]:
        """Tag names and family contacts of existing cadres, as plain tuples: model instances cost too much."""
        tags: dict[int, list[str]] = defaultdict(list)
        family: dict[int, set[tuple]] = defaultdict(set)
        if cadre_ids:
            through = Cadre.tags.through.objects.filter(among("cadre_id", cadre_ids))
            links = list(through.values_list("cadre_id", "tag_id"))
            if unknown := {tag_id for _, tag_id in links} - self.tag_names.keys():  # a district has few tags
                self.tag_names.update(Tag.objects.filter(pk__in=unknown).values_list("pk", "name"))
            for cadre_id, tag_id in links:
                tags[cadre_id].append(self.tag_names[tag_id])
            contacts = FamilyContact.objects.filter(among("cadre_id", cadre_ids)).order_by()
            for cadre_id, *contact in contacts.values_list("cadre_id", "name", "relation", "phone"):
                family[cadre_id].add(tuple(contact))
        return {k: sorted(v) for k, v in tags.items()}, family

    def _first_occurrence(self, row: ParsedRow) -> bool:
        first = self.seen.setdefault(row.id_number, row.row)
        if first != row.row:
            self.result.errors.append(RowError(row.row, "id_number", f"与第{first}行重复"))
            return False
        return True

    def _work_units(self, rows: list[ParsedRow]) -> dict[str, Any]:
        """Work unit name -> WorkUnit (created when writing, _NEW in a dry run); contacts filled in."""
        wanted = {r.work_unit[0]: r.work_unit for r in rows if r.work_unit}
        units: dict[str, Any] = {u.name: u for u in WorkUnit.objects.filter(name__in=wanted)}
        missing = [
            WorkUnit(name=n, contact_person=c, contact_phone=p)
            for n, (_, c, p) in wanted.items()
            if n not in units
        ]
        if not self.writing:
            return {**{u.name: _NEW for u in missing}, **units}
        if missing:
            WorkUnit.objects.bulk_create(missing, ignore_conflicts=True)
            units.update({u.name: u for u in WorkUnit.objects.filter(name__in=[u.name for u in missing])})
        stale = []
        for name, (_, contact, phone) in wanted.items():
            unit = units[name]
            if (contact and contact != unit.contact_person) or (phone and phone != unit.contact_phone):
                unit.contact_person, unit.contact_phone = (
                    contact or unit.contact_person,
                    phone or unit.contact_phone,
                )
                stale.append(unit)
        if stale:
            WorkUnit.objects.bulk_update(stale, ["contact_person", "contact_phone"])
        return units

    def _plan(
        self, row: ParsedRow, old: dict[str, Any] | None, units: dict[str, Any], extras: _Extras
    ) -> Plan | None:
        values = dict(row.values)
        values["community_id"] = row.community.pk
        unit = units[row.work_unit[0]] if row.work_unit else None
        if unit is not None and unit is not _NEW:
            values["work_unit_id"] = unit.pk
        if old is None:
            if "category" not in values:
                self.result.errors.append(RowError(row.row, "category", "新增人员必须填写类别（离休或退休）"))
                return None
            return Plan(row, None, {}, values)
        community = self._unit(old["community_id"])
        if not self.target.contains(community):
            if old["status"] != CadreStatus.MOVED_OUT:
                self.result.errors.append(
                    RowError(row.row, "id_number", self._registered_elsewhere(community))
                )
                return None
            # Moved out of another community: this roster registers the cadre here again.
            values.update(status=CadreStatus.ACTIVE, status_date=self.today, status_reason="花名册导入迁入")
        return self._compare(row, old, values, unit, extras)

    def _compare(
        self, row: ParsedRow, old: dict[str, Any], values: dict[str, Any], unit: Any, extras: _Extras
    ) -> Plan:
        changes: dict[str, list[Any]] = {}
        new_values: dict[str, Any] = {}
        for attname, value in values.items():
            before = old[attname]
            if before != value:
                changes[attname.removesuffix("_id")] = [_jsonable(before), _jsonable(value)]
                new_values[attname] = value
        if unit is _NEW:
            changes["work_unit"] = [old["work_unit_id"], row.work_unit[0] if row.work_unit else None]
        plan = Plan(row, old["id"], changes, new_values)
        old_tags, family = extras
        if row.tags is not None and sorted(row.tags) != old_tags:
            changes["tags"] = [old_tags, sorted(row.tags)]
            plan.tags_changed = True
        if row.family and (row.family["name"], row.family["relation"], row.family["phone"]) not in family:
            changes["family_contacts"] = [None, f"{row.family['name']}（{row.family['relation']}）"]
            plan.add_family = True
        return plan

    def _unit(self, pk: int) -> OrgUnit:
        if pk not in self.units:
            self.units[pk] = OrgUnit.objects.get(pk=pk)
        return self.units[pk]

    def _registered_elsewhere(self, unit: OrgUnit) -> str:
        """Name the other community only to an actor who may see it."""
        if unit.pk not in self.visible_units:
            user = self.actor.user
            self.visible_units[unit.pk] = (
                user is None or OrgUnit.objects.for_user(user).filter(pk=unit.pk).exists()
            )
        where = f"「{unit.name}」" if self.visible_units[unit.pk] else "其他社区"
        return f"已在{where}登记，请先办理迁出"

    def _preview(self, plan: Plan) -> PreviewRow:
        values = dict(plan.row.values)
        if plan.row.work_unit:
            values["work_unit"] = plan.row.work_unit[0]
        if plan.row.tags:
            values["tags"] = "、".join(plan.row.tags)
        return PreviewRow(plan.row.row, plan.action, values, plan.row.community.name, list(plan.changes))

    def finish(self, filename: str) -> None:
        self.writer.wait()
        if self.writing and self.writer.audited:
            detail = f"导入花名册{filename[:80]}：{self.result.summary}"
            self.writer.finish(actor=self.actor, detail=detail[:200])


def _chunks(rows: Iterable[RosterRow], size: int) -> Iterator[list[RosterRow]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


@transaction.atomic
def cadre_import_roster(
    *,
    source: str | Path | RosterTable,
    community: OrgUnit,
    actor: Actor,
    dry_run: bool,
    filename: str | None = None,
    progress: Progress | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import a roster into `community` (or a street, when the file names each row's 社区).

    Rows whose ID number is already registered in scope update that cadre (blank cells never clear
    stored values); others are created. Any error anywhere means nothing is written. Columns are read
    with `mapping` (header -> field), by default the unit's remembered one, before the built-in names.
    Raises RosterFormatError (RosterColumnsError when the header lacks a required column) when the file
    cannot be read as a roster at all.
    """
    path = None if isinstance(source, RosterTable) else Path(source)
    if mapping is None:
        mapping = unit_mapping(community)
    table = (
        source if isinstance(source, RosterTable) else open_roster(path, filename=filename, mapping=mapping)  # type: ignore[arg-type]
    )
    with table:
        has_column = "community" in table.columns.values()
        if not community.is_community and not has_column:
            raise RosterFormatError(f"导入到「{community.name}」时，花名册需要有「社区」或「社区代码」列")
        result = ImportResult(dry_run=dry_run, columns=list(table.header_columns))
        result.notices = [
            CHRONIC_NOTICE.format(column=table.labels.get(col, FIELD_LABELS[name]))
            for col, name in table.columns.items()
            if name == "chronic_conditions"
        ]
        parser = RowParser(community, community_lookup(community) if has_column else None)
        importer = _Importer(target=community, actor=actor, dry_run=dry_run, result=result)
        try:
            for chunk in _chunks(table.rows, CHUNK):
                parsed = []
                for raw in chunk:
                    row, errors = parser.parse(raw)
                    result.errors.extend(errors)
                    if row is not None:
                        parsed.append(row)
                result.rows += len(chunk)
                if progress:  # before the chunk is written: `progress` may use the database
                    progress(result.rows, table.total_rows_hint)
                importer.run_chunk(parsed)
            importer.finish(filename or (path.name if path else ""))
        finally:
            importer.writer.close()
    if "category" not in table.columns.values() and any(e.field == "category" for e in result.errors):
        result.missing.append(FIELD_LABELS["category"])
    if result.errors:
        labels = column_labels(table)
        for error in result.errors:
            error.column = labels.get(error.field, error.field)
        result.errors.sort(key=lambda e: e.row)
    if result.errors or dry_run:
        transaction.set_rollback(True)
    return result
