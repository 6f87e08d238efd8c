"""How a volunteer fits a cadre: the building both live in, and which of the cadre's needs their skills cover.

Pure functions over strings and choice values, so the suggestion query can rank by them in one round trip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from jiujin.cadres.models import HealthStatus, LivingArrangement
from jiujin.lib.text import to_halfwidth

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_NUMBER = r"(\d+|[一二三四五六七八九十]{1,3})"
# "3栋", "3号楼", "3幢", "3座", or the 楼-单元-室 shorthand "3-2-501".
_BUILDING = re.compile(_NUMBER + r"\s*(?:号楼|栋|幢|座)")  # a bare "3楼" is a floor
_TRIPLE = re.compile(r"(?<![\d-])(\d+)-\d+-\d+")

# What a cadre's situation asks of a volunteer, in the words volunteers write under 技能特长.
HEALTH_NEEDS = ["医护", "护理", "陪诊", "康复"]
CHRONIC_NEEDS = ["医护", "陪诊"]
ALONE_NEEDS = ["家务", "陪伴", "聊天", "代购"]
FRAIL = {HealthStatus.POOR, HealthStatus.DISABLED}
ALONE = {LivingArrangement.ALONE, LivingArrangement.EMPTY_NEST}


def building_of(address: str) -> str:
    """The building number in an address ("东湖小区三栋2单元" → "3"), or "" when it names none."""
    text = to_halfwidth(address or "")
    if m := _BUILDING.search(text):
        return str(_to_int(m.group(1)))
    if m := _TRIPLE.search(text):
        return str(int(m.group(1)))
    return ""


def _to_int(token: str) -> int:
    if token.isdigit():
        return int(token)
    # 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23
    tens, _, ones = token.partition("十")
    if "十" not in token:
        return _CN_DIGITS[token[0]]
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def needs_of(
    *,
    living_arrangement: str,
    health_status: str,
    chronic_conditions: Iterable[str],
    tag_names: Iterable[str],
) -> list[str]:
    """Keywords, most pressing first and without repeats, that a volunteer's skills are matched against.

    `chronic_conditions`: the names of the cadre's conditions still treated (from the 健康档案)."""
    words: list[str] = []
    if health_status in FRAIL:
        words += HEALTH_NEEDS
    if any(name.strip() for name in chronic_conditions):
        words += CHRONIC_NEEDS
    if living_arrangement in ALONE:
        words += ALONE_NEEDS
    words += [t for t in tag_names if t]  # shared hobbies: 书法, 象棋 …
    return list(dict.fromkeys(words))


def matched_skills(skills: str, needs: Iterable[str]) -> list[str]:
    return [word for word in needs if word in skills]
