"""花名册导入 and 台账导出.

The import validates every row first and writes with set-based operations in chunks of ~1,000 rows
inside one transaction; any error anywhere rolls the whole file back, so a roster is all or nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from phonenumbers import PhoneMetadata

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record_batch
from jiujin.cadres.models import (
    Cadre,
    CadreQuerySet,
    CadreStatus,
    Category,
    FamilyContact,
    Gender,
    HealthStatus,
    LivingArrangement,
    Rank,
    Tag,
    WorkUnit,
)
from jiujin.cadres.tags import tag_names_check, tag_scope_path
from jiujin.cadres.validation import check_identity, choice_value, clean_phone, split_tags
from jiujin.lib.dates import DateParseError, age_on, format_cn_date, parse_loose_date
from jiujin.lib.idcard import mask_id_number
from jiujin.lib.phones import mask_phone
from jiujin.lib.roster import RosterFormatError, RosterRow, RosterTable, open_roster
from jiujin.lib.text import clean_cell, clean_text, excel_safe, has_control_chars
from jiujin.orgs.models import OrgUnit

from .headers import column_labels

CHUNK = 1000
PREVIEW_ROWS = 50
Progress = Callable[[int, int | None], None]  # (rows read so far, total rows hint)

# Plain text columns: canonical roster field -> Cadre field.
TEXT_FIELDS = {
    "ethnicity": "ethnicity",
    "party_branch": "party_branch",
    "address": "address",
    "chronic_conditions": "chronic_conditions",
    "preferred_hospital": "preferred_hospital",
    "habits": "habits",
}
CHOICE_FIELDS = ("category", "rank", "living_arrangement", "health_status")
DATE_FIELDS = ("retirement_date",)
PARTY_VALUES = {
    "中共党员": True,
    "党员": True,
    "中共预备党员": True,
    "预备党员": True,
    "是": True,
    "群众": False,
    "否": False,
    "非党员": False,
    "无党派": False,
    "无党派人士": False,
}
LIVES_WITH_VALUES = {"是": True, "同住": True, "否": False, "不同住": False}
# Separators between two numbers in one phone cell ("13812345678/0713-8765432").
_PHONE_SPLIT = re.compile(r"[/、,，;；]")
_MOBILE = re.compile(r"1\d{10}")  # what normalize_phone returns for a mobile


def _cn_mobile_pattern() -> str:
    """phonenumbers' own CN mobile pattern (always in its bundled metadata)."""
    metadata = PhoneMetadata.metadata_for_region("CN")
    assert metadata is not None and metadata.mobile is not None
    pattern = metadata.mobile.national_number_pattern
    assert pattern is not None
    return pattern


_CN_MOBILE = re.compile(_cn_mobile_pattern())


# --- results -------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    field: str  # canonical roster field
    message: str
    column: str = ""  # the header text as written in the file, filled in once all rows are read

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column or self.field}：{self.message}"


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
    unknown_headers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return f"新增 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人"


# --- row parsing ---------------------------------------------------------------------------------


@dataclass
class _Row:
    """One valid roster row, cleaned: only what the file says (blank cells are absent)."""

    row: int
    values: dict[str, Any]  # Cadre attname -> value
    community: OrgUnit
    tags: list[str] | None = None
    work_unit: tuple[str, str, str] | None = None  # name, contact person, contact phone
    family: dict[str, Any] | None = None

    @property
    def id_number(self) -> str:
        return self.values["id_number"]


class _FieldErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors


def _message(exc: ValidationError | ValueError) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _has_day(raw: object) -> bool:
    """Whether a birth cell names a day, or only a year and month ("1938.05", "1938年5月", 1938.5)."""
    if isinstance(raw, date):
        return True
    if isinstance(raw, float) and not raw.is_integer():
        return not 1800 <= raw <= 2200
    groups = re.findall(r"\d+", clean_cell(raw))
    if len(groups) == 1:
        return len(groups[0]) != 6  # 195008 is year+month; serials and 19500808 have a day
    return len(groups) >= 3


def _max_length(name: str) -> int | None:
    return cast(Field, Cadre._meta.get_field(name)).max_length


class _PhoneCleaner:
    """`clean_phone`, made affordable for 100,000 rows.

    phonenumbers takes ~0.2 ms per number. A plain 11-digit number matching phonenumbers' own CN mobile
    pattern is exactly what `clean_phone` would accept and return unchanged, so only other forms
    (landlines, "+86 …", typos) go through `clean_phone` itself.
    """

    def clean(self, raw: object) -> str:
        compact = clean_cell(raw)
        if _MOBILE.fullmatch(compact) and _CN_MOBILE.fullmatch(compact):
            return compact
        return clean_phone(raw)


class _RowParser:
    """Turns a raw RosterRow into a _Row or a list of field errors; pure, no queries."""

    def __init__(self, target: OrgUnit, communities: dict[str, OrgUnit | None] | None) -> None:
        self.target = target
        self.communities = communities  # code/name -> unit (None = ambiguous name); None = no column
        self.phones = _PhoneCleaner()

    def parse(self, raw: RosterRow) -> tuple[_Row | None, list[RowError]]:
        v = raw.values
        values: dict[str, Any] = {}
        # Invisible control characters would break every later export: refuse the cell outright.
        control = {key: "含有不可见的控制字符" for key, value in v.items() if has_control_chars(value)}
        v = {key: None if key in control else value for key, value in v.items()}
        errors: dict[str, str] = {}
        row = _Row(raw.row_number, values, self.target)

        def attempt(key: str, func: Callable[..., None]) -> None:
            try:
                func()
            except _FieldErrors as exc:
                errors.update(exc.errors)
            except (ValidationError, ValueError) as exc:
                errors[key] = _message(exc)

        attempt("name", lambda: self._name(v, values))
        attempt("id_number", lambda: self._identity(v, values))
        for key, name in TEXT_FIELDS.items():
            attempt(key, lambda key=key, name=name: self._text(v.get(key), name, values))
        for name in CHOICE_FIELDS:
            attempt(name, lambda name=name: self._choice(v.get(name), name, values))
        for name in DATE_FIELDS:
            attempt(name, lambda name=name: self._date(v.get(name), name, values))
        attempt("party", lambda: self._party(v.get("party"), values))
        attempt("phone", lambda: self._phones(v, values))
        attempt("work_unit", lambda: self._work_unit(v, row))
        attempt("family_name", lambda: self._family(v, row))
        attempt("community", lambda: self._community(v.get("community"), row))
        tags = split_tags(clean_text(v.get("hobbies")))
        attempt("hobbies", lambda: tag_names_check(tags))
        row.tags = tags or None
        errors.update(control)
        if errors:
            return None, [RowError(raw.row_number, key, msg) for key, msg in errors.items()]
        return row, []

    def _name(self, v: dict[str, object], values: dict[str, Any]) -> None:
        name = clean_cell(v.get("name"))  # Chinese names have no spaces: "张 德明" is 张德明
        if not name:
            raise ValidationError("不能为空")
        self._text(name, "name", values)

    def _identity(self, v: dict[str, object], values: dict[str, Any]) -> None:
        errors: dict[str, str] = {}
        try:
            gender = choice_value("gender", v.get("gender"), "") or None
        except ValidationError as exc:
            gender, errors["gender"] = None, _message(exc)
        birth_raw = v.get("birth_date")
        birth = None
        if clean_cell(birth_raw):
            try:
                birth = parse_loose_date(birth_raw)
            except DateParseError as exc:
                errors["birth_date"] = str(exc)
        # "1938.05" has no day: it agrees with the ID when year and month do, so only a full date is
        # handed to check_identity; a year-month is compared here.
        full_date = birth if birth and _has_day(birth_raw) else None
        try:
            info = check_identity(v.get("id_number"), birth_date=full_date, gender=gender)
        except ValidationError as exc:
            raise _FieldErrors({k: "；".join(m) for k, m in exc.message_dict.items()} | errors) from exc
        if (
            birth
            and not full_date
            and (birth.year, birth.month) != (info.birth_date.year, info.birth_date.month)
        ):
            errors["birth_date"] = f"与身份证号不符：身份证号中的出生日期是{format_cn_date(info.birth_date)}"
        if errors:
            raise _FieldErrors(errors)
        values.update(id_number=info.number, birth_date=info.birth_date, gender=info.gender)

    def _text(self, raw: object, name: str, values: dict[str, Any]) -> None:
        text = clean_text(raw)
        if not text:
            return
        limit = _max_length(name)
        if limit and len(text) > limit:
            raise ValidationError(f"不能超过{limit}个字")
        values[name] = text

    def _choice(self, raw: object, name: str, values: dict[str, Any]) -> None:
        # The column is named in front of the message already, so no label inside it.
        if value := choice_value(name, raw, ""):
            values[name] = value

    def _date(self, raw: object, name: str, values: dict[str, Any]) -> None:
        if clean_cell(raw):
            values[name] = parse_loose_date(raw)

    def _party(self, raw: object, values: dict[str, Any]) -> None:
        text = clean_cell(raw)
        if not text:
            return
        if text not in PARTY_VALUES:
            raise ValidationError(f"「{text}」无法识别，应为：中共党员、群众、是、否")
        values["is_party_member"] = PARTY_VALUES[text]

    def _phones(self, v: dict[str, object], values: dict[str, Any]) -> None:
        """A 联系电话 cell may hold a mobile, a landline or both; each goes to its own column."""
        errors: dict[str, str] = {}
        for key in ("phone", "landline"):
            for part in _phone_parts(v.get(key)):
                try:
                    phone = self.phones.clean(part)
                except ValidationError as exc:
                    errors[key] = _message(exc)
                    continue
                slots = (
                    ("phone_mobile", "phone_landline") if _MOBILE.fullmatch(phone) else ("phone_landline",)
                )
                free = [s for s in slots if s not in values]
                if not free:
                    errors[key] = "电话号码过多：手机和座机各只能填一个"
                else:
                    values[free[0]] = phone
        if errors:
            raise _FieldErrors(errors)

    def _work_unit(self, v: dict[str, object], row: _Row) -> None:
        name = clean_text(v.get("work_unit"))
        contact = clean_text(v.get("work_unit_contact"))
        if not name:
            if contact or clean_cell(v.get("work_unit_phone")):
                raise ValidationError("填写了原单位联系人或电话，但没有填写原工作单位")
            return
        if len(name) > 200:
            raise ValidationError("不能超过200个字")
        try:
            phone = self.phones.clean(v.get("work_unit_phone"))
        except ValidationError as exc:
            raise _FieldErrors({"work_unit_phone": _message(exc)}) from exc
        row.work_unit = (name, contact[:50], phone)

    def _family(self, v: dict[str, object], row: _Row) -> None:
        name = clean_cell(v.get("family_name"))
        relation = clean_text(v.get("family_relation"))
        phone_raw = v.get("family_phone")
        if not (name or clean_cell(phone_raw)):
            return
        if not name:
            raise ValidationError("填写了紧急联系电话，但没有填写联系人姓名")
        try:
            phone = self.phones.clean(phone_raw)
        except ValidationError as exc:
            raise _FieldErrors({"family_phone": _message(exc)}) from exc
        lives = clean_cell(v.get("family_lives_with"))
        if lives and lives not in LIVES_WITH_VALUES:
            raise _FieldErrors({"family_lives_with": f"「{lives}」无法识别，应为：是、否"})
        row.family = {
            "name": name[:50],
            "relation": (relation or "家属")[:20],
            "phone": phone,
            "lives_with": LIVES_WITH_VALUES.get(lives, False),
        }

    def _community(self, raw: object, row: _Row) -> None:
        if self.communities is None:
            return
        text = clean_cell(raw)
        if not text:
            if not self.target.is_community:
                raise ValidationError("请填写所在社区（社区名称或代码）")
            return
        if text not in self.communities:
            raise ValidationError(f"「{text}」不是{self.target.name}范围内的社区")
        unit = self.communities[text]
        if unit is None:
            raise ValidationError(f"有多个社区叫「{text}」，请填写社区代码")
        row.community = unit


def _phone_parts(raw: object) -> list[object]:
    if isinstance(raw, str):
        return [p for p in _PHONE_SPLIT.split(raw) if p.strip()]
    return [raw] if clean_cell(raw) else []


def _community_lookup(target: OrgUnit) -> dict[str, OrgUnit | None]:
    """Communities under the target by code and by name; an ambiguous name maps to None."""
    lookup: dict[str, OrgUnit | None] = {}
    units = list(OrgUnit.objects.subtree_of(target).communities())
    for unit in units:
        lookup[clean_cell(unit.name)] = None if clean_cell(unit.name) in lookup else unit
    for unit in units:
        lookup[unit.code] = unit
    return lookup


# --- planning against the database ---------------------------------------------------------------


_NEW = object()  # a work unit not yet in the database
_Extras = tuple[list[str], set[tuple]]  # an existing cadre's sorted tag names and family contacts


@dataclass
class _Plan:
    row: _Row
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

    def run_chunk(self, parsed: list[_Row]) -> None:
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

    def _first_occurrence(self, row: _Row) -> bool:
        first = self.seen.setdefault(row.id_number, row.row)
        if first != row.row:
            self.result.errors.append(RowError(row.row, "id_number", f"与第{first}行重复"))
            return False
        return True

    def _work_units(self, rows: list[_Row]) -> dict[str, Any]:
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

    def _plan(self, row: _Row, cadre: Cadre | None, units: dict[str, Any], extras: _Extras) -> _Plan | None:
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

    def _compare(self, row: _Row, cadre: Cadre, values: dict[str, Any], unit: Any, extras: _Extras) -> _Plan:
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
) -> ImportResult:
    """Import a roster into `community` (or a street, when the file names each row's 社区).

    Rows whose ID number is already registered in scope update that cadre (blank cells never clear
    stored values); others are created. Any error anywhere means nothing is written. Raises
    RosterFormatError when the file cannot be read as a roster at all.
    """
    path = None if isinstance(source, RosterTable) else Path(source)
    table = source if isinstance(source, RosterTable) else open_roster(path, filename=filename)  # type: ignore[arg-type]
    with table:
        has_column = "community" in table.columns.values()
        if not community.is_community and not has_column:
            raise RosterFormatError(f"导入到「{community.name}」时，花名册需要有「社区」或「社区代码」列")
        result = ImportResult(dry_run=dry_run, unknown_headers=list(table.unknown_headers))
        parser = _RowParser(community, _community_lookup(community) if has_column else None)
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
    if result.errors:
        labels = column_labels(table)
        for error in result.errors:
            error.column = labels.get(error.field, error.field)
        result.errors.sort(key=lambda e: e.row)
    if result.errors or dry_run:
        transaction.set_rollback(True)
    return result


# --- 台账 export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ExportContext:
    today: date
    sensitive: bool


def _phone(value: str, ctx: _ExportContext) -> str:
    return value if ctx.sensitive else mask_phone(value)


def _birthday(c: Cadre) -> str:
    return c.lunar_birthday_display or f"公历{c.birth_date.month}月{c.birth_date.day}日"


def _hobbies(c: Cadre) -> str:
    tags = "、".join(t.name for t in c.tags.all())
    return "；".join(p for p in (tags, c.specialties) if p)


def _worker(c: Cadre) -> str:
    return c.responsible_worker.display_name if c.responsible_worker else ""


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else ""


# Header, column width, value. Dates and the ID number are written as text so Excel never reformats them.
EXPORT_COLUMNS: list[tuple[str, int, Callable[[Cadre, _ExportContext], Any]]] = [
    ("序号", 6, lambda c, ctx: None),  # filled with the running number
    ("姓名", 10, lambda c, ctx: c.name),
    ("性别", 6, lambda c, ctx: _label(Gender, c.gender)),
    ("身份证号码", 21, lambda c, ctx: c.id_number if ctx.sensitive else mask_id_number(c.id_number)),
    ("出生年月", 15, lambda c, ctx: format_cn_date(c.birth_date)),
    ("年龄", 6, lambda c, ctx: age_on(c.birth_date, ctx.today)),
    ("民族", 8, lambda c, ctx: c.ethnicity),
    ("政治面貌", 10, lambda c, ctx: "中共党员" if c.is_party_member else "群众"),
    ("类别", 6, lambda c, ctx: _label(Category, c.category)),
    ("职级", 8, lambda c, ctx: _label(Rank, c.rank)),
    ("原工作单位", 20, lambda c, ctx: c.work_unit.name if c.work_unit else ""),
    ("离退休时间", 15, lambda c, ctx: format_cn_date(c.retirement_date)),
    ("所在社区", 14, lambda c, ctx: c.community.name),
    ("家庭住址", 28, lambda c, ctx: c.address),
    ("手机", 14, lambda c, ctx: _phone(c.phone_mobile, ctx)),
    ("座机", 16, lambda c, ctx: _phone(c.phone_landline, ctx)),
    ("居住状况", 10, lambda c, ctx: _label(LivingArrangement, c.living_arrangement)),
    ("健康状况", 8, lambda c, ctx: _label(HealthStatus, c.health_status)),
    ("慢性病", 16, lambda c, ctx: c.chronic_conditions),
    ("就诊医院", 16, lambda c, ctx: c.preferred_hospital),
    ("爱好特长", 20, lambda c, ctx: _hobbies(c)),
    ("生活习惯", 24, lambda c, ctx: c.habits),
    ("生日", 14, lambda c, ctx: _birthday(c)),
    ("状态", 6, lambda c, ctx: _label(CadreStatus, c.status)),
    ("联系人", 10, lambda c, ctx: _worker(c)),
]
TEXT_COLUMNS = {"身份证号码", "手机", "座机"}
HEADER_ROW = 2


def export_title(unit_name: str, today: date) -> str:
    return f"{unit_name}老干部花名册（导出于{format_cn_date(today)}）"


def cadre_export_roster(
    *, cadres: CadreQuerySet, actor: Actor, title: str, sensitive: bool, out: IO[bytes], today: date
) -> int:
    """Write the (already scoped and filtered) cadres to `out` as an .xlsx 台账; audit; return the count.

    Write-only openpyxl and a chunked iterator keep memory flat however many rows there are.
    """
    ctx = _ExportContext(today=today, sensitive=sensitive)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("老干部台账")
    for idx, (_, width, _) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"  # title and header stay visible while scrolling
    ws.merged_cells.add(f"A1:{get_column_letter(len(EXPORT_COLUMNS))}1")
    ws.append([_styled(ws, excel_safe(ws, title), Font(bold=True, size=16), Alignment(horizontal="center"))])
    ws.append([_styled(ws, h, Font(bold=True), Alignment(horizontal="center")) for h, _, _ in EXPORT_COLUMNS])

    qs = cadres.select_related("community", "work_unit", "responsible_worker").prefetch_related("tags")
    ids: list[int] = []
    for seq, cadre in enumerate(qs.order_by("community__path", "name_pinyin", "id").iterator(2000), 1):
        ids.append(cadre.pk)
        ws.append(
            [
                _cell(ws, header, seq if header == "序号" else get(cadre, ctx))
                for header, _, get in EXPORT_COLUMNS
            ]
        )
    wb.save(out)
    if ids:
        audit_record_batch(
            actor=actor, action=AuditAction.EXPORT, cadre_ids=ids, detail=f"导出台账 {len(ids)} 人"
        )
    return len(ids)


def _styled(ws: Any, value: Any, font: Font, alignment: Alignment) -> WriteOnlyCell:
    cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
    cell.font, cell.alignment = font, alignment
    return cell


def _cell(ws: Any, header: str, value: Any) -> Any:
    # Names, addresses and habits are whatever someone typed: never a formula, never a broken file.
    safe = excel_safe(ws, value)
    if header not in TEXT_COLUMNS or not value:
        return safe
    cell = safe if isinstance(safe, Cell) else WriteOnlyCell(ws, value=str(safe))
    cell.number_format = "@"
    return cell
