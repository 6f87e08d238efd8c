"""花名册导入, row parsing: each raw roster row becomes a cleaned row or a list of field errors.

No queries but the lookup of the target's communities; `importing` plans the rows and writes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Field
from phonenumbers import PhoneMetadata

from jiujin.cadres.models import Cadre
from jiujin.cadres.tags import tag_names_check
from jiujin.cadres.validation import CHOICE_ALIASES, check_identity, choice_value, clean_phone, split_tags
from jiujin.lib.dates import DateParseError, format_cn_date, parse_loose_date
from jiujin.lib.roster import RosterRow
from jiujin.lib.text import clean_cell, clean_text, has_control_chars
from jiujin.orgs.models import OrgUnit

# Plain text columns: canonical roster field -> Cadre field.
TEXT_FIELDS = {
    "ethnicity": "ethnicity",
    "party_branch": "party_branch",
    "address": "address",
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
    "中国共产党党员": True,
    "共产党员": True,
    "中共": True,
    "是": True,
    "群众": False,
    "否": False,
    "无": False,
    "非党员": False,
    "非中共党员": False,
    "无党派": False,
    "无党派人士": False,
    "民主党派": False,
    "共青团员": False,
}
# Roster spellings beyond the shared labels (cadres.validation.CHOICE_ALIASES), each mapped to one of them.
CHOICE_VARIANTS: dict[str, dict[str, str]] = {
    "gender": {"男性": "男", "女性": "女", "男士": "男", "女士": "女"},
    "category": {"离": "离休", "退": "退休", "离休老干部": "离休", "退休老干部": "退休"},
    "rank": {
        **dict.fromkeys(("正厅", "副厅", "厅局", "局级", "正局级", "副局级", "地厅级"), "厅局级"),
        **dict.fromkeys(("正处", "副处", "县级", "县处", "正县", "副县", "处级干部"), "县处级"),
        **dict.fromkeys(("正科", "副科", "乡科", "科级干部", "股级"), "乡科级"),
        **dict.fromkeys(("一般干部", "无", "其它"), "其他"),
    },
    "living_arrangement": {
        **dict.fromkeys(("独居老人", "一人居住", "单独居住"), "独居"),
        **dict.fromkeys(("空巢老人", "与配偶同住", "与老伴同住", "夫妻同住", "老两口同住"), "空巢"),
        **dict.fromkeys(("与子女居住", "和子女同住", "同子女居住", "随子女居住"), "与子女同住"),
        **dict.fromkeys(("敬老院", "福利院", "养老中心", "养老公寓", "入住养老机构"), "养老机构"),
    },
    "health_status": {
        **dict.fromkeys(("较好", "很好", "正常", "基本健康", "健康良好"), "良好"),
        **dict.fromkeys(("不好", "偏差", "多病", "体弱多病"), "较差"),
        **dict.fromkeys(("完全失能", "部分失能", "卧床", "长期卧床", "生活不能自理"), "失能"),
    },
}
_VALUE_BRACKETS = re.compile(r"[(\[【（][^)\]】）]*[)\]】）]")
_VALUE_SUFFIXES = ("老干部", "干部", "人员", "待遇")
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


@dataclass
class RowError:
    row: int
    field: str  # canonical roster field
    message: str
    column: str = ""  # the header text as written in the file, filled in once all rows are read

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column or self.field}：{self.message}"


# --- row parsing ---------------------------------------------------------------------------------


@dataclass
class ParsedRow:
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


def choice_text(name: str, raw: object) -> object:
    """A roster's spelling of a choice ("离休干部", "女性", "退休（干部）", "离") as one of the shared labels;
    anything else unchanged, for `choice_value` to refuse naming the choices."""
    text = clean_cell(raw)
    aliases, variants = CHOICE_ALIASES[name], CHOICE_VARIANTS.get(name, {})
    bare = _VALUE_BRACKETS.sub("", text)
    for candidate in (text, text.upper(), bare, *(bare.removesuffix(s) for s in _VALUE_SUFFIXES)):
        if candidate in aliases:
            return candidate
        if candidate in variants:
            return variants[candidate]
    return raw


def _has_day(raw: object) -> bool:
    """Whether a birth cell names a day, or only a year and month ("1938.05", "1938年5月", 1938.5)."""
    if isinstance(raw, date):
        # Excel turns "1938.05" typed into a date cell into 1938-05-01: the 1st may mean the month only.
        return raw.day != 1
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
        compact = raw if isinstance(raw, str) and _MOBILE.fullmatch(raw) else clean_cell(raw)
        if _MOBILE.fullmatch(compact) and _CN_MOBILE.fullmatch(compact):
            return compact
        return clean_phone(raw)


# --- cells that repeat ---------------------------------------------------------------------------

_MEMO_LIMIT = 20_000  # distinct values remembered per column: memory stays flat however long the roster
_Outcome = tuple[Any, str | dict[str, str] | None]  # (value, None), or (None, message or field -> message)


class _Memo:
    """A pure function of one or a few cells, remembered per distinct value: a roster repeats the same 性别,
    类别, 民族, dates, units and 爱好 thousands of times. A failure is remembered as its message."""

    def __init__(self, func: Callable[..., Any], *, remember: bool = True) -> None:
        self.func = func
        self.limit = _MEMO_LIMIT if remember else 0
        self.seen: dict[Any, _Outcome] = {}

    def outcome(self, raw: object, *more: object) -> _Outcome:
        # 1, 1.0 and True are equal keys but different cells.
        key = (raw.__class__, raw, *[(m.__class__, m) for m in more]) if more else (raw.__class__, raw)
        if (hit := self.seen.get(key)) is not None:
            return hit
        try:
            hit = (self.func(raw, *more), None)
        except _FieldErrors as exc:
            hit = (None, exc.errors)
        except (ValidationError, ValueError) as exc:
            hit = (None, _message(exc))
        if len(self.seen) < self.limit:
            self.seen[key] = hit
        return hit

    def __call__(self, raw: object, *more: object) -> Any:
        value, error = self.outcome(raw, *more)
        if isinstance(error, dict):
            raise _FieldErrors(dict(error))
        if error is not None:
            raise ValidationError(error)
        return value


def _text_cell(limit: int | None, raw: object) -> str | None:
    text = clean_text(raw)
    if not text:
        return None
    if limit and len(text) > limit:
        raise ValidationError(f"不能超过{limit}个字")
    return text


def _choice_cell(name: str, raw: object) -> str | None:
    # The column is named in front of the message already, so no label inside it.
    return choice_value(name, choice_text(name, raw), "") or None


def _date_cell(raw: object) -> date | None:
    return parse_loose_date(raw) if clean_cell(raw) else None


def _birth_cell(raw: object) -> tuple[date | None, bool]:
    """The birth date a cell says, and whether it names the day (see `_has_day`)."""
    if not clean_cell(raw):
        return None, False
    try:
        return parse_loose_date(raw), _has_day(raw)
    except DateParseError as exc:
        raise _FieldErrors({"birth_date": str(exc)}) from exc


def _party_cell(raw: object) -> bool | None:
    text = clean_cell(raw)
    if not text:
        return None
    if text not in PARTY_VALUES and (bare := _VALUE_BRACKETS.sub("", text)) in PARTY_VALUES:
        text = bare  # "中共党员(预备)"
    if text not in PARTY_VALUES:
        raise ValidationError(f"「{text}」无法识别，应为：中共党员、群众、是、否")
    return PARTY_VALUES[text]


def _tags_cell(raw: object) -> tuple[str, ...]:
    tags = split_tags(clean_text(raw))
    tag_names_check(tags)
    return tuple(tags)


_Step = Callable[[dict[str, object], dict[str, Any], ParsedRow], None]


class RowParser:
    """Turns a raw RosterRow into a ParsedRow or a list of field errors; pure, no queries."""

    def __init__(self, target: OrgUnit, communities: dict[str, OrgUnit | None] | None) -> None:
        self.target = target
        self.communities = communities  # code/name -> unit (None = ambiguous name); None = no column
        self.phones = _PhoneCleaner()
        self._gender = _Memo(partial(_choice_cell, "gender"))
        self._birth = _Memo(_birth_cell)
        self._units = _Memo(self._work_unit_cells)
        self._community_units = _Memo(self._community_cell)
        self._tags = _Memo(_tags_cell)
        # Every field in the order its errors are listed.
        self._steps: list[tuple[str, _Step]] = [("name", self._name), ("id_number", self._identity)]
        for key, name in TEXT_FIELDS.items():
            text = _Memo(partial(_text_cell, _max_length(name)), remember=name not in ("address", "habits"))
            self._steps.append((key, self._value_step(key, name, text)))
        for name in CHOICE_FIELDS:
            self._steps.append((name, self._value_step(name, name, _Memo(partial(_choice_cell, name)))))
        for name in DATE_FIELDS:
            self._steps.append((name, self._value_step(name, name, _Memo(_date_cell))))
        self._steps += [
            ("party", self._value_step("party", "is_party_member", _Memo(_party_cell))),
            ("phone", self._phones),
            ("work_unit", self._work_unit),
            ("family_name", self._family),
            ("community", self._community),
            ("hobbies", self._hobbies),
        ]

    def parse(self, raw: RosterRow) -> tuple[ParsedRow | None, list[RowError]]:
        v = raw.values
        # Invisible control characters would break every later export: refuse the cell outright.
        control = _control_cells(v)
        if control:
            v = {key: None if key in control else value for key, value in v.items()}
        values: dict[str, Any] = {}
        row = ParsedRow(raw.row_number, values, self.target)
        errors: dict[str, str] = {}
        for key, step in self._steps:
            try:
                step(v, values, row)
            except _FieldErrors as exc:
                errors.update(exc.errors)
            except (ValidationError, ValueError) as exc:
                errors[key] = _message(exc)
        errors.update(control)
        if errors:
            return None, [RowError(raw.row_number, key, msg) for key, msg in errors.items()]
        return row, []

    @staticmethod
    def _value_step(key: str, attname: str, memo: _Memo) -> _Step:
        """A column whose value, unless blank, is stored as `attname`."""

        seen = memo.seen

        def step(v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
            if (raw := v.get(key)) is None:
                return
            # The memo's own lookup, inlined: this runs ten times a row.
            value, error = seen.get((raw.__class__, raw)) or memo.outcome(raw)
            if error is not None:
                memo(raw)  # raises it
            if value is not None:
                values[attname] = value

        return step

    def _name(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
        name = clean_cell(v.get("name"))  # Chinese names have no spaces: "张 德明" is 张德明
        if not name:
            raise ValidationError("不能为空")
        values["name"] = _text_cell(_max_length("name"), name)

    def _identity(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
        gender, gender_error = self._gender.outcome(v.get("gender"))
        errors = {"gender": cast(str, gender_error)} if gender_error is not None else {}
        birth_day, birth_error = self._birth.outcome(v.get("birth_date"))
        birth, has_day = birth_day or (None, False)
        if birth_error is not None:
            errors.update(cast(dict[str, str], birth_error))
        # "1938.05" has no day: it agrees with the ID when year and month do, so only a full date is
        # handed to check_identity; a year-month is compared here.
        full_date = birth if has_day else None
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

    def _phones(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
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

    def _work_unit(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
        row.work_unit = self._units(v.get("work_unit"), v.get("work_unit_contact"), v.get("work_unit_phone"))

    def _work_unit_cells(
        self, raw: object, contact_raw: object, phone_raw: object
    ) -> tuple[str, str, str] | None:
        name = clean_text(raw)
        contact = clean_text(contact_raw)
        if not name:
            if contact or clean_cell(phone_raw):
                raise ValidationError("填写了原单位联系人或电话，但没有填写原工作单位")
            return None
        if len(name) > 200:
            raise ValidationError("不能超过200个字")
        try:
            phone = self.phones.clean(phone_raw)
        except ValidationError as exc:
            raise _FieldErrors({"work_unit_phone": _message(exc)}) from exc
        return (name, contact[:50], phone)

    def _family(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
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

    def _community(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
        if self.communities is not None and (unit := self._community_units(v.get("community"))) is not None:
            row.community = unit

    def _community_cell(self, raw: object) -> OrgUnit | None:
        assert self.communities is not None
        text = clean_cell(raw)
        if not text:
            if not self.target.is_community:
                raise ValidationError("请填写所在社区（社区名称或代码）")
            return None
        if text not in self.communities:
            raise ValidationError(f"「{text}」不是{self.target.name}范围内的社区")
        unit = self.communities[text]
        if unit is None:
            raise ValidationError(f"有多个社区叫「{text}」，请填写社区代码")
        return unit

    def _hobbies(self, v: dict[str, object], values: dict[str, Any], row: ParsedRow) -> None:
        row.tags = list(self._tags(v.get("hobbies"))) or None


def _control_cells(v: dict[str, object]) -> dict[str, str]:
    """Cells holding a control character; one search over all the text of a row when there are none."""
    if not has_control_chars("".join([value for value in v.values() if isinstance(value, str)])):
        return {}
    return {key: "含有不可见的控制字符" for key, value in v.items() if has_control_chars(value)}


def _phone_parts(raw: object) -> list[object]:
    if isinstance(raw, str):
        return [p for p in _PHONE_SPLIT.split(raw) if p.strip()]
    return [raw] if clean_cell(raw) else []


def community_lookup(target: OrgUnit) -> dict[str, OrgUnit | None]:
    """Communities under the target by code and by name; an ambiguous name maps to None."""
    lookup: dict[str, OrgUnit | None] = {}
    units = list(OrgUnit.objects.subtree_of(target).communities())
    for unit in units:
        lookup[clean_cell(unit.name)] = None if clean_cell(unit.name) in lookup else unit
    for unit in units:
        lookup[unit.code] = unit
    return lookup
