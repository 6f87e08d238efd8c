"""Pinyin keys for searching people by name."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from jiujin.lib.text import to_halfwidth

# pypinyin has no surname mode, so heteronyms whose surname reading differs
# from the common one are fixed up for the first character only.
_SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "员": "yun",
    "秘": "bi",
    "繁": "po",
    "缪": "miao",
    "尉": "yu",
    "覃": "qin",
    "眭": "sui",
    "种": "chong",
}


def name_pinyin(name: str) -> tuple[str, str]:
    """ "张德明" -> ("zhangdeming", "zdm"); non-Chinese kept, lower-cased."""
    text = "".join(to_halfwidth(name).split())
    if not text:
        return "", ""
    syllables = [s.lower() for s in lazy_pinyin(text)]
    initials = [s.lower() for s in lazy_pinyin(text, style=Style.FIRST_LETTER)]
    reading = _SURNAME_READINGS.get(text[0])
    if reading is not None:
        # A Chinese character always yields exactly one syllable, so the
        # surname is the first entry.
        syllables[0], initials[0] = reading, reading[0]
    return "".join(syllables), "".join(initials)
