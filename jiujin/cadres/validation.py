"""Field rules shared by the edit form, the API and the roster import, so all three say the same thing."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from jiujin.lib.idcard import IdInfo, IdNumberError, parse_id_number
from jiujin.lib.phones import PhoneError, is_mobile, normalize_phone
from jiujin.lib.text import CONTROL_CHARS_MESSAGE, clean_cell, has_control_chars

from .models import Category, Gender, HealthStatus, LivingArrangement, Rank

# Labels as offices write them in rosters, mapped to stored values.
CHOICE_ALIASES: dict[str, dict[str, str]] = {
    "gender": {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE},
    "category": {
        "离休": Category.LIXIU,
        "离休干部": Category.LIXIU,
        "退休": Category.TUIXIU,
        "退休干部": Category.TUIXIU,
    },
    "rank": {
        "厅局级": Rank.TING,
        "厅级": Rank.TING,
        "副厅级": Rank.TING,
        "正厅级": Rank.TING,
        "县处级": Rank.CHU,
        "处级": Rank.CHU,
        "正处级": Rank.CHU,
        "副处级": Rank.CHU,
        "正县级": Rank.CHU,
        "副县级": Rank.CHU,
        "乡科级": Rank.KE,
        "科级": Rank.KE,
        "正科级": Rank.KE,
        "副科级": Rank.KE,
        "其他": Rank.OTHER,
        "科员": Rank.OTHER,
        "办事员": Rank.OTHER,
    },
    "living_arrangement": {
        "独居": LivingArrangement.ALONE,
        "空巢": LivingArrangement.EMPTY_NEST,
        "与子女同住": LivingArrangement.WITH_CHILDREN,
        "与子女共同居住": LivingArrangement.WITH_CHILDREN,
        "子女同住": LivingArrangement.WITH_CHILDREN,
        "养老机构": LivingArrangement.CARE_HOME,
        "养老院": LivingArrangement.CARE_HOME,
    },
    "health_status": {
        "良好": HealthStatus.GOOD,
        "好": HealthStatus.GOOD,
        "健康": HealthStatus.GOOD,
        "一般": HealthStatus.FAIR,
        "较差": HealthStatus.POOR,
        "差": HealthStatus.POOR,
        "失能": HealthStatus.DISABLED,
        "失能半失能": HealthStatus.DISABLED,
        "半失能": HealthStatus.DISABLED,
    },
}
for _field, _aliases in CHOICE_ALIASES.items():
    # The stored values themselves are accepted too (the API sends them).
    _aliases.update({v: v for v in set(_aliases.values())})


def reject_control_chars(value: object) -> None:
    """Django validator for any text field (forms, API schemas): refuses \\x00-\\x08, \\x0b, \\x0c,
    \\x0e-\\x1f, \\x7f and lone surrogates; tab and newlines are fine in multi-line text.

    Such characters are invisible on screen and make the .xlsx exports fail (XML cannot carry them).
    """
    if has_control_chars(value):
        raise ValidationError(CONTROL_CHARS_MESSAGE, code="control_chars")


def choice_value(field: str, raw: object, label: str) -> str:
    """Map a roster/API label to a stored choice; blank stays blank; unknown is an error naming the choices."""
    text = clean_cell(raw)
    if not text:
        return ""
    aliases = CHOICE_ALIASES[field]
    if text in aliases:
        return aliases[text]
    allowed = "、".join(k for k in aliases if not k.isascii())
    raise ValidationError(f"{label}「{text}」无法识别，应为：{allowed}")


def check_identity(raw_id: object, *, birth_date: date | None, gender: str | None) -> IdInfo:
    """Parse the ID number and make sure the birth date and gender entered agree with it."""
    try:
        info = parse_id_number(raw_id)
    except IdNumberError as exc:
        raise ValidationError({"id_number": str(exc)}) from exc
    errors: dict[str, str] = {}
    if birth_date and birth_date != info.birth_date:
        errors["birth_date"] = f"与身份证号不符：身份证号中的出生日期是{info.birth_date:%Y年%-m月%-d日}"
    if gender and gender != info.gender:
        errors["gender"] = f"与身份证号不符：身份证号显示为{Gender(info.gender).label}"
    if errors:
        raise ValidationError(errors)
    return info


def clean_phone(raw: object, *, mobile_only: bool = False) -> str:
    if not clean_cell(raw):
        return ""
    try:
        phone = normalize_phone(raw)
    except PhoneError as exc:
        raise ValidationError(str(exc)) from exc
    if mobile_only and not is_mobile(phone):
        raise ValidationError("这里应填写11位手机号码")
    return phone


def split_tags(raw: object, *, cut: bool = True) -> list[str]:
    """Hobbies come as "书法、象棋，太极拳" — any Chinese or ASCII separator. `cut`: trim each to 30 chars."""
    text = str(raw or "")
    for sep in "，,、;；/ \u3000":
        text = text.replace(sep, "|")
    seen: dict[str, None] = {}
    for part in text.split("|"):
        if part.strip():
            seen.setdefault(part.strip()[:30] if cut else part.strip(), None)
    return list(seen)
