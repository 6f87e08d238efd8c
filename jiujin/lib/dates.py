"""Loose date parsing for dates as Chinese offices type them in Excel."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from jiujin.lib.text import to_halfwidth

# Plausible Excel serials (1900-01-01 .. ~2119); 1800..2200 is excluded
# because an office typing "1938" means a year, not 1905-04-21.
_SERIAL_MIN, _SERIAL_MAX = 1, 80000
_YEAR_MIN, _YEAR_MAX = 1800, 2200
# Excel's 1900 system counts a fictitious 1900-02-29 as serial 60.
_SERIAL_FAKE_LEAP_DAY = 60

_CN_DATE = re.compile(r"(\d{2}|\d{4})年(\d{1,2})月(?:(\d{1,2})[日号]?)?")
_SEP_DATE = re.compile(r"(\d{4})[./\-](\d{1,2})(?:[./\-](\d{1,2}))?")
_DIGITS_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})?")
# "1950-08-08 00:00:00" from a CSV export of a datetime cell.
_TIME_SUFFIX = re.compile(r"[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


class DateParseError(ValueError):
    """An unrecognisable date; str() is a Chinese message naming the value."""


def parse_loose_date(value: object, *, today: date | None = None) -> date:
    """Parse a cell value into a date; a missing day means the 1st.

    ``today`` decides the century of two-digit years ("38年5月" -> 1938).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or value is None:
        raise _error(value)
    today = today or date.today()
    if isinstance(value, int | float):
        return _from_number(value, today)
    return _from_string(str(value), today)


def format_cn_date(d: date | None) -> str:
    """1950-08-08 -> "1950年8月8日"; None -> ""."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def age_on(birth: date, on: date) -> int:
    """Age in completed years (周岁) on the given day."""
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


def _error(value: object) -> DateParseError:
    text = "" if value is None else str(value).strip()
    return DateParseError(f"无法识别的日期「{text}」")


def _make(value: object, year: int, month: int, day: int = 1) -> date:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise _error(value)
    try:
        return date(year, month, day)
    except ValueError:
        raise _error(value) from None


def _from_number(value: int | float, today: date) -> date:
    if isinstance(value, float) and not value.is_integer():
        if _YEAR_MIN <= value <= _YEAR_MAX:
            # 1938.05 / 1938.5 typed as a number: year.month.  repr() gives
            # the digits as typed, so 1938.5 -> "5" -> May; 1938.1 can't be
            # told from 1938.10 and reads as January.
            year_text, month_text = repr(value).split(".")
            return _make(value, int(year_text), int(month_text))
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _from_serial(value, int(value))  # time of day dropped
        raise _error(value)
    number = int(value)
    if _YEAR_MIN <= number <= _YEAR_MAX:
        raise _error(value)  # a bare year: ambiguous, refuse to guess
    if _SERIAL_MIN <= number <= _SERIAL_MAX:
        return _from_serial(value, number)
    # 19500808 / 195008 typed into a numeric cell.
    return _from_string(str(number), today, original=value)


def _from_serial(value: object, serial: int) -> date:
    if serial == _SERIAL_FAKE_LEAP_DAY:
        raise _error(value)
    base = date(1899, 12, 31) if serial < _SERIAL_FAKE_LEAP_DAY else date(1899, 12, 30)
    return base + timedelta(days=serial)


def _from_string(text: str, today: date, original: object = None) -> date:
    original = text if original is None else original
    compact = _TIME_SUFFIX.sub("", to_halfwidth(text).strip())
    compact = re.sub(r"\s+", "", compact)
    for pattern in (_CN_DATE, _SEP_DATE, _DIGITS_DATE):
        if m := pattern.fullmatch(compact):
            year = _full_year(int(m.group(1)), len(m.group(1)), today)
            return _make(original, year, int(m.group(2)), int(m.group(3) or 1))
    raise _error(original)


def _full_year(year: int, digits: int, today: date) -> int:
    """Expand a two-digit year to the most recent year not after today."""
    if digits == 4:
        return year
    century = today.year // 100 * 100
    return century + year if century + year <= today.year else century - 100 + year
