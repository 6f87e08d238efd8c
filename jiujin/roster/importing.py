"""花名册导入.

The import validates every row first and writes with set-based operations in chunks of ~1,000 rows
inside one transaction; any error anywhere rolls the whole file back, so a roster is all or nothing.
Rows are cleaned by `parsing`; here they are planned against the database and written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, cast

from django.db import transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record_batch
from jiujin.cadres.models import Cadre, CadreStatus, FamilyContact, Tag, WorkUnit
from jiujin.cadres.tags import tag_scope_path
from jiujin.lib.roster import RosterFormatError, RosterRow, RosterTable, open_roster
from jiujin.lib.roster_headers import HeaderColumn
from jiujin.orgs.models import OrgUnit

from .headers import CHRONIC_NOTICE, FIELD_LABELS, column_labels
from .mapping import unit_mapping
from .parsing import ParsedRow, RowError, RowParser, community_lookup

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


@dataclass
class _Plan:
    row: ParsedRow
    cadre: Cadre | None  # existing cadre to update, None to create
    changes: dict[str, list[Any]]  # audit: field -> [before, after]
    new_values: dict[str, Any]  # attname -> value to set on an existing cadre
    tags_changed: bool = False
    add_family: bool = False

    @property
    def action(self) -> str:
        if self.cadre is None:
            return "新增"
        return "更新" if self.changes else "未变"

    @property
    def written(self) -> Cadre:
        """The cadre, once _write has created or updated it."""
        assert self.cadre is not None
        return self.cadre


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class _Importer:
    def __init__(self, *, target: OrgUnit, actor: Actor, dry_run: bool, result: ImportResult) -> None:
        self.target = target
        self.actor = actor
        self.dry_run = dry_run
        self.result = result
        self.seen: dict[str, int] = {}  # id number -> first row number
        self.visible_units: dict[int, bool] = {}
        self.search_keys: dict[str, tuple[str, str]] = {}
        self.audit_ids: list[int] = []
        self.audit_changes: dict[int, dict] = {}
        self.today = timezone.localdate()

    @property
    def writing(self) -> bool:
        return not self.dry_run and not self.result.errors

    def run_chunk(self, parsed: list[ParsedRow]) -> None:
        rows = [r for r in parsed if self._first_occurrence(r)]
        existing = {
            c.id_number: c
            for c in Cadre.objects.filter(id_number__in=[r.id_number for r in rows]).select_related(
                "community"
            )
        }
        tags, family = _tags_and_family([c.pk for c in existing.values()])
        units = self._work_units(rows)
        plans = []
        for row in rows:
            cadre = existing.get(row.id_number)
            extras = (tags.get(cadre.pk, []), family.get(cadre.pk, set())) if cadre else ([], set())
            if (plan := self._plan(row, cadre, units, extras)) is not None:
                plans.append(plan)
        for plan in plans:
            action = plan.action
            self.result.created += action == "新增"
            self.result.updated += action == "更新"
            self.result.unchanged += action == "未变"
            if len(self.result.preview) < PREVIEW_ROWS:
                self.result.preview.append(self._preview(plan))
        if self.writing:
            self._write(plans, units)

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
        self, row: ParsedRow, cadre: Cadre | None, units: dict[str, Any], extras: _Extras
    ) -> _Plan | None:
        values = dict(row.values)
        values["community_id"] = row.community.pk
        unit = units[row.work_unit[0]] if row.work_unit else None
        if unit is not None and unit is not _NEW:
            values["work_unit_id"] = unit.pk
        if cadre is None:
            if "category" not in values:
                self.result.errors.append(RowError(row.row, "category", "新增人员必须填写类别（离休或退休）"))
                return None
            return _Plan(row, None, {}, values)
        if not self.target.contains(cadre.community):
            if cadre.status != CadreStatus.MOVED_OUT:
                self.result.errors.append(RowError(row.row, "id_number", self._registered_elsewhere(cadre)))
                return None
            # Moved out of another community: this roster registers the cadre here again.
            values.update(status=CadreStatus.ACTIVE, status_date=self.today, status_reason="花名册导入迁入")
        return self._compare(row, cadre, values, unit, extras)

    def _compare(
        self, row: ParsedRow, cadre: Cadre, values: dict[str, Any], unit: Any, extras: _Extras
    ) -> _Plan:
        changes: dict[str, list[Any]] = {}
        new_values: dict[str, Any] = {}
        for attname, value in values.items():
            old = getattr(cadre, attname)
            if old != value:
                changes[attname.removesuffix("_id")] = [_jsonable(old), _jsonable(value)]
                new_values[attname] = value
        if unit is _NEW:
            changes["work_unit"] = [cadre.work_unit_id, row.work_unit[0] if row.work_unit else None]
        plan = _Plan(row, cadre, changes, new_values)
        old_tags, family = extras
        if row.tags is not None and sorted(row.tags) != old_tags:
            changes["tags"] = [old_tags, sorted(row.tags)]
            plan.tags_changed = True
        if row.family and (row.family["name"], row.family["relation"], row.family["phone"]) not in family:
            changes["family_contacts"] = [None, f"{row.family['name']}（{row.family['relation']}）"]
            plan.add_family = True
        return plan

    def _registered_elsewhere(self, cadre: Cadre) -> str:
        """Name the other community only to an actor who may see it."""
        unit = cadre.community
        if unit.pk not in self.visible_units:
            user = self.actor.user
            self.visible_units[unit.pk] = (
                user is None or OrgUnit.objects.for_user(user).filter(pk=unit.pk).exists()
            )
        where = f"「{unit.name}」" if self.visible_units[unit.pk] else "其他社区"
        return f"已在{where}登记，请先办理迁出"

    def _preview(self, plan: _Plan) -> PreviewRow:
        values = dict(plan.row.values)
        if plan.row.work_unit:
            values["work_unit"] = plan.row.work_unit[0]
        if plan.row.tags:
            values["tags"] = "、".join(plan.row.tags)
        return PreviewRow(plan.row.row, plan.action, values, plan.row.community.name, list(plan.changes))

    # --- writing ---

    def _write(self, plans: list[_Plan], units: dict[str, Any]) -> None:
        creates = [p for p in plans if p.cadre is None]
        updates = [p for p in plans if p.changes]
        tag_ids = _tag_ids(
            {(p.row.community, n) for p in creates + updates if p.row.tags for n in p.row.tags}
        )
        now = timezone.now()

        new_cadres = []
        for plan in creates:
            cadre = Cadre(**plan.new_values)
            self._search_keys(cadre)
            new_cadres.append(cadre)
        Cadre.objects.bulk_create(new_cadres, batch_size=500)
        for plan, cadre in zip(creates, new_cadres, strict=True):
            plan.cadre = cadre
            plan.tags_changed = bool(plan.row.tags)
            plan.add_family = plan.row.family is not None

        by_fields: dict[frozenset[str], list[Cadre]] = defaultdict(list)
        for plan in updates:
            assert plan.cadre is not None
            cadre = plan.cadre
            for attname, value in plan.new_values.items():
                setattr(cadre, attname, value)
            fields = {Cadre._meta.get_field(a.removesuffix("_id")).name for a in plan.new_values}
            if "name" in fields:
                self._search_keys(cadre)
                fields |= {"name_pinyin", "name_initials"}
            cadre.updated_at = now
            by_fields[frozenset(fields | {"updated_at"})].append(cadre)
            self.audit_changes[cadre.pk] = plan.changes
        for field_set, cadres in by_fields.items():
            Cadre.objects.bulk_update(cadres, sorted(field_set), batch_size=500)

        changed = [p for p in creates + updates if p.tags_changed]
        through = Cadre.tags.through
        replaced = through.objects.filter(cadre_id__in=[p.written.pk for p in updates if p.tags_changed])
        old_tag_ids = set(replaced.values_list("tag_id", flat=True))
        replaced.delete()
        through.objects.bulk_create(
            [
                through(cadre_id=p.written.pk, tag_id=tag_ids[tag_scope_path(p.row.community.path), n])
                for p in changed
                for n in p.row.tags or ()
            ],
            batch_size=1000,
        )
        Tag.objects.filter(pk__in=old_tag_ids, cadres__isnull=True).delete()  # tags no cadre uses any more
        FamilyContact.objects.bulk_create(
            [
                FamilyContact(cadre=p.cadre, **cast(dict[str, Any], p.row.family))
                for p in creates + updates
                if p.add_family
            ],
            batch_size=1000,
        )
        self.audit_ids.extend(p.written.pk for p in creates + updates)

    def _search_keys(self, cadre: Cadre) -> None:
        """refresh_search_keys, once per distinct name: pinyin costs ~0.2 ms and names repeat."""
        if (keys := self.search_keys.get(cadre.name)) is not None:
            cadre.name_pinyin, cadre.name_initials = keys
            return
        cadre.refresh_search_keys()
        self.search_keys[cadre.name] = (cadre.name_pinyin, cadre.name_initials)

    def finish(self, filename: str) -> None:
        if not self.writing or not self.audit_ids:
            return
        detail = f"导入花名册{filename[:80]}：{self.result.summary}"
        audit_record_batch(
            actor=self.actor,
            action=AuditAction.IMPORT,
            cadre_ids=self.audit_ids,
            detail=detail[:200],
            changes_by_id=self.audit_changes,
        )


def _tags_and_family(cadre_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, set[tuple]]]:
    """Tag names and family contacts of existing cadres, as plain tuples: model instances cost too much."""
    tags: dict[int, list[str]] = defaultdict(list)
    family: dict[int, set[tuple]] = defaultdict(set)
    if cadre_ids:
        through = Cadre.tags.through.objects.filter(cadre_id__in=cadre_ids)
        for cadre_id, name in through.values_list("cadre_id", "tag__name"):
            tags[cadre_id].append(name)
        contacts = FamilyContact.objects.filter(cadre_id__in=cadre_ids)
        for cadre_id, *contact in contacts.values_list("cadre_id", "name", "relation", "phone"):
            family[cadre_id].add(tuple(contact))
    return {k: sorted(v) for k, v in tags.items()}, family


def _tag_ids(wanted: set[tuple[OrgUnit, str]]) -> dict[tuple[str, str], int]:
    """(district path, name) -> tag id for the (community, name) pairs: tags are per district."""
    if not wanted:
        return {}
    paths = {tag_scope_path(c.path) for c, _ in wanted}
    units = dict(OrgUnit.objects.filter(path__in=paths).values_list("path", "pk"))
    keys = {(tag_scope_path(c.path), n) for c, n in wanted}
    Tag.objects.bulk_create([Tag(org_unit_id=units[p], name=n) for p, n in keys], ignore_conflicts=True)
    names = {n for _, n in keys}
    rows = Tag.objects.filter(org_unit__path__in=paths, name__in=names)
    found = {(p, n): pk for p, n, pk in rows.values_list("org_unit__path", "name", "pk")}
    return {k: found[k] for k in keys}


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
        for chunk in _chunks(table.rows, CHUNK):
            parsed = []
            for raw in chunk:
                row, errors = parser.parse(raw)
                result.errors.extend(errors)
                if row is not None:
                    parsed.append(row)
            result.rows += len(chunk)
            importer.run_chunk(parsed)
            if progress:
                progress(result.rows, table.total_rows_hint)
        importer.finish(filename or (path.name if path else ""))
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
