"""Chinese phone numbers: normalisation, classification and masking."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from jiujin.lib.text import to_halfwidth

MSG_NO_AREA_CODE = "座机号码请加区号，如 027-87654321"
MSG_INVALID = "手机号应为11位，座机应带区号"

_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_LANDLINE_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}

_EXT_WORD = re.compile(r"(?:转|分机|ext\.?|x)(\d{1,6})$", re.IGNORECASE)
_COUNTRY_PREFIX = re.compile(r"^(?:\+|00)86-?")
_MOBILE = re.compile(r"1\d{10}")


class PhoneError(ValueError):
    """A phone number that cannot be used; str() is a Chinese message."""


def normalize_phone(raw: object) -> str:
    """Return "13812345678", "027-87654321" or "027-87654321-123"."""
    return _normalize_text(_raw_to_text(raw))


@lru_cache(maxsize=4096)
def _normalize_text(text: str) -> str:
    # Cached: a list page shows the same stored numbers again and again, and libphonenumber's checks cost
    # ~0.1 ms a number (30 rows of a page, every page). Failures raise and are not cached.
    ext = ""
    if m := _EXT_WORD.search(text):
        text, ext = text[: m.start()], m.group(1)
    text, international = _COUNTRY_PREFIX.subn("", text)
    if international and not text.startswith(("0", "1")):
        text = "0" + text  # "+86 27 8765 4321": the trunk 0 is dropped abroad
    # "(0710)3456789": the closing parenthesis marks the end of the area code.
    text = text.replace("(", "").replace(")", "-").replace("—", "-")
    groups = [g for g in text.split("-") if g]
    if not groups or not all(g.isdigit() for g in groups):
        raise PhoneError(MSG_INVALID)

    digits = "".join(groups)
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        digits = digits[2:]  # "86" typed without the plus sign
    if _MOBILE.fullmatch(digits):
        if ext or not _is_type(digits, _MOBILE_TYPES):
            raise PhoneError(MSG_INVALID)
        return digits

    landline = _format_landline(digits)
    # "027-8765-4321" is a split local number, "027-87654321-123" has an
    # extension: try the whole thing first, then the last group as extension.
    if landline is None and not ext and len(groups) >= 3 and len(groups[-1]) <= 6:
        ext = groups[-1]
        landline = _format_landline("".join(groups[:-1]))
    if landline is not None:
        return f"{landline}-{ext}" if ext else landline
    if not digits.startswith("0") and 7 <= len(digits) <= 8:
        raise PhoneError(MSG_NO_AREA_CODE)
    raise PhoneError(MSG_INVALID)


def is_mobile(phone: str) -> bool:
    """True when the phone normalises to a mainland mobile number."""
    try:
        return _MOBILE.fullmatch(normalize_phone(phone)) is not None
    except PhoneError:
        return False


def mask_phone(phone: str) -> str:
    """Hide the middle of a number: "138****5678", "027-******21"."""
    if not phone:
        return ""
    try:
        normal = normalize_phone(phone)
    except PhoneError:
        # Unparseable input: reveal only the last two characters.
        return "*" * max(len(phone) - 2, 0) + phone[-2:]
    if _MOBILE.fullmatch(normal):
        return f"{normal[:3]}****{normal[-4:]}"
    area, local, *ext = normal.split("-")
    masked = f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"
    return "-".join([masked, *ext])


def tel_uri(phone: str) -> str:
    """The `tel:` link that dials a number: "tel:13812345678", "tel:02787654321,123" (the comma waits, then
    dials the extension); short service numbers such as 120 are dialled as typed. "" when nothing to dial."""
    if _MOBILE.fullmatch(phone):
        return f"tel:{phone}"  # as stored: what the checks below would dial, valid or not, without them
    try:
        parts = normalize_phone(phone).split("-")
    except PhoneError:
        if "*" in phone:
            return ""  # a masked number dials nobody
        digits = re.sub(r"[^\d+]", "", to_halfwidth(phone or ""))
        return f"tel:{digits}" if any(c.isdigit() for c in digits) else ""
    if len(parts) == 3:
        return f"tel:{parts[0]}{parts[1]},{parts[2]}"
    return "tel:" + "".join(parts)


def _raw_to_text(raw: object) -> str:
    """Turn a cell value into a compact string of the typed characters."""
    if isinstance(raw, bool) or raw is None:
        raise PhoneError(MSG_INVALID)
    if isinstance(raw, float):
        if not raw.is_integer():
            raise PhoneError(MSG_INVALID)
        raw = int(raw)
    if isinstance(raw, int):
        text = str(raw)
        # A numeric cell drops the leading 0 of a landline's area code.
        if not text.startswith("1") and 9 <= len(text) <= 11:
            text = "0" + text
        return text
    text = re.sub(r"\s+", "", to_halfwidth(str(raw)))
    # CSV exported from a numeric Excel column: "13812345678.0".
    return re.sub(r"^(\d+)\.0+$", r"\1", text)


def _is_type(digits: str, types: set[int]) -> bool:
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in types


def _format_landline(digits: str) -> str | None:
    """ "02787654321" -> "027-87654321", or None if not a valid landline."""
    if not digits.startswith("0") or not _is_type(digits, _LANDLINE_TYPES):
        return None
    number = phonenumbers.parse(digits, "CN")
    national = str(number.national_number)
    area_len = phonenumbers.length_of_geographical_area_code(number)
    if area_len == 0:
        return None
    return f"0{national[:area_len]}-{national[area_len:]}"
