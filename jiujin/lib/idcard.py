"""Resident ID numbers (居民身份证号码, GB 11643) as found in rosters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.cn import ric

from jiujin.lib.phones import mask_phone  # re-exported: one definition only
from jiujin.lib.text import clean_cell

__all__ = [
    "IdInfo",
    "IdNumberError",
    "mask_id_number",
    "mask_phone",
    "parse_id_number",
]

MSG_CHECKSUM = "校验位错误"
MSG_LENGTH = "长度应为18位（或旧版15位）"
MSG_CHARS = "含有非法字符"
MSG_BIRTH = "出生日期无效"
MSG_EMPTY = "身份证号为空"
MSG_EXCEL_NUMBER = "被Excel存成了数字，末几位已丢失，请把该列设为文本后重新填写"

_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+?\d+")


class IdNumberError(ValueError):
    """An unusable ID number; str() is a Chinese message."""


@dataclass(frozen=True)
class IdInfo:
    number: str  # always the 18-character form
    birth_date: date
    gender: str  # "M" or "F"


def parse_id_number(raw: object) -> IdInfo:
    """Validate an ID number cell and return its normalised 18-digit form."""
    number = _raw_to_text(raw)
    if not number:
        raise IdNumberError(MSG_EMPTY)
    if not re.fullmatch(r"\d+X?", number):
        raise IdNumberError(MSG_CHARS)
    if len(number) == 15 and number.isdigit():
        number = _upgrade_15(number)
    elif len(number) != 18:
        raise IdNumberError(MSG_LENGTH)

    birth = _birth_date(number)
    if number[-1] != ric.calc_check_digit(number):
        raise IdNumberError(MSG_CHECKSUM)
    # ric.validate() also checks the area code against the code's *current*
    # assignment period, which rejects genuine IDs of people born before
    # their county code existed (e.g. 420106 dates from 1983) -- i.e. most
    # retired cadres.  So only format, date and check digit are enforced.
    gender = "M" if int(number[16]) % 2 else "F"
    return IdInfo(number=number, birth_date=birth, gender=gender)


def mask_id_number(number: str) -> str:
    """Keep the first 4 and last 4 characters: "4207**********0135"."""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def _raw_to_text(raw: object) -> str:
    """Compact upper-case text; reject numbers Excel has made lossy."""
    if raw is None:
        return ""
    if isinstance(raw, bool | float):
        # Floats keep only 15 significant digits: an 18-digit ID is lost.
        raise IdNumberError(MSG_EXCEL_NUMBER)
    if isinstance(raw, int):
        text = str(raw)
        # 15 digits survive a numeric cell intact; an 18-digit int is only
        # trusted when its check digit still matches.
        if len(text) == 15 or (len(text) == 18 and text[-1] == ric.calc_check_digit(text)):
            return text
        raise IdNumberError(MSG_EXCEL_NUMBER)
    # Leading apostrophe: Excel's "store as text" marker leaking into CSV.
    text = clean_cell(raw).lstrip("'").upper()
    if _SCIENTIFIC.fullmatch(text):  # "4.20106193805E+17" pasted as text
        raise IdNumberError(MSG_EXCEL_NUMBER)
    return text


def _upgrade_15(number: str) -> str:
    """Pre-1999 15-digit number: add the century and a check digit."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def _birth_date(number: str) -> date:
    # What ric.get_birth_date reads, without its per-character clean-up (~10 µs) of a number already clean.
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(MSG_BIRTH) from None
    if birth.year < 1880 or birth > date.today():
        raise IdNumberError(MSG_BIRTH)
    return birth
