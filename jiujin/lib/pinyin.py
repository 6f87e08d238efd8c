"""Pinyin keys for searching people by name."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS

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
    syllables, initials = _by_character(text) or (
        [s.lower() for s in lazy_pinyin(text)],
        [s.lower() for s in lazy_pinyin(text, style=Style.FIRST_LETTER)],
    )
    reading = _SURNAME_READINGS.get(text[0])
    if reading is not None:
        # A Chinese character always yields exactly one syllable, so the
        # surname is the first entry.
        syllables[0], initials[0] = reading, reading[0]
    return "".join(syllables), "".join(initials)


_CHARACTERS: dict[str, tuple[str, str]] = {}  # one Chinese character -> its syllable and initial


def _by_character(text: str) -> tuple[list[str], list[str]] | None:
    """What lazy_pinyin gives, character by character (~30x faster over a roster of names), when that is
    what it would do: every character is Chinese with a reading, and no part of the text is one of
    pypinyin's phrases (a phrase can read a character otherwise). None when it is not."""
    if not all(ord(c) in PINYIN_DICT and RE_HANS.match(c) for c in text):
        return None
    size = len(text)
    if any(text[i:j] in PHRASES_DICT for i in range(size - 1) for j in range(i + 2, size + 1)):
        return None
    keys = [_CHARACTERS.get(c) or _character(c) for c in text]
    return [k[0] for k in keys], [k[1] for k in keys]


def _character(c: str) -> tuple[str, str]:
    key = (lazy_pinyin(c)[0].lower(), lazy_pinyin(c, style=Style.FIRST_LETTER)[0].lower())
    if len(_CHARACTERS) < 30_000:  # every character a name may hold, and no more
        _CHARACTERS[c] = key
    return key
