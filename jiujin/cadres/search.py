"""The cadre search box: what a worker types, turned into conditions the database answers from an index.

- letters: pinyin or initials (`zdm`, `zhangdeming`), as a prefix of the stored keys;
- digits (an ID number's trailing X allowed): the tail of an ID number, or digits anywhere in a phone;
- anything else: a part of the name (德明, 张, 张德明), case-insensitive.

On PostgreSQL each kind has its index: the name search table (`search_rows.py`: the name's 1- and
2-character pieces in display order), the reversed ID number, trigrams of the phones (migration 0009). The
index narrows, the plain condition decides, so the rows are exactly those a plain `icontains` / `endswith`
finds. SQLite answers the plain conditions by scanning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import F, Q
from django.db.models.functions import Lower, Reverse

if TYPE_CHECKING:
    from .models import CadreQuerySet
    from .search_rows import CadreSearchRowQuerySet


def normalized(raw: str) -> str:
    return "".join(raw.split()).lower()


def name_piece(text: str) -> str:
    """A piece every name containing `text` has: the text itself when short, else its first 2 characters."""
    return text[:2]


def is_name_text(text: str) -> bool:
    """Text the name search table answers: anything but digits (ID/phone) and Latin letters (pinyin)."""
    return bool(text) and not is_digits(text) and not (text.isascii() and text.isalpha())


def uses_search_rows(raw: str, db: str) -> bool:
    """Whether a list search reads the name search table (PostgreSQL) rather than the cadre table."""
    return connections[db].vendor == "postgresql" and is_name_text(normalized(raw))


def search_rows_matching(rows: CadreSearchRowQuerySet, raw: str) -> CadreSearchRowQuerySet:
    """The list's name search on the search table, in display order; its `cadre_id` are the cadres."""
    text = normalized(raw)
    found = rows.filter(piece=name_piece(text))
    if len(text) > 2:  # the piece narrows; the whole text decides (its pieces may sit apart in a name)
        found = found.filter(cadre__name__icontains=text)
    return found.order_by("name_pinyin", "cadre_id")


def gathers_matches(raw: str) -> bool:
    """Whether the list must gather every match to order them (digits: the ID tail's range and the phones'
    trigrams, then a sort), so its page query may count them as it goes."""
    return is_digits(normalized(raw))


def is_digits(text: str) -> bool:
    return text.isdigit() or (len(text) > 1 and text[:-1].isdigit() and text[-1] == "x")


def cadre_search(qs: CadreQuerySet, raw: str) -> CadreQuerySet:
    text = normalized(raw)
    if not text:
        return qs
    postgres = connections[qs.db].vendor == "postgresql"
    if postgres and is_name_text(text):
        # Joined to the search table and ordered along it: page 1 is the start of one index range. Status and
        # community are equated so the planner carries the cadre's conditions over to the search table.
        found = qs.filter(
            search_rows__piece=name_piece(text),
            search_rows__status=F("status"),
            search_rows__community_id=F("community_id"),
        )
        if len(text) > 2:
            found = found.filter(name__icontains=text)
        return found.order_by("search_rows__name_pinyin", "search_rows__cadre_id")
    if postgres and text.isascii() and text.isalpha():
        if _initials_begin(qs, text):
            # Pinyin or initials (`zh`: 张…, 周…, and 张华): every match lies in the stretch of its first letter,
            # since initials begin with the pinyin's first letter. The stretch is walked in display order with
            # both checked in the index (its INCLUDEd initials), page 1 and the capped count alike.
            either = qs.filter(Q(name_initials__startswith=text) | _pinyin_begins(text))
            return either.filter(_pinyin_begins(text[0])).order_by("name_pinyin", "id")
        # Pinyin only (`luo`, `zhangdem`): one stretch of the (status, pinyin, id) index, walked in display
        # order.
        return qs.filter(_pinyin_begins(text)).order_by("name_pinyin", "id")
    # The list's order (pinyin, id), written as an expression: otherwise PostgreSQL walks the pinyin index in
    # order hoping to meet scattered matches (an ID tail, phone digits) early, and late ones cost seconds.
    return _matching(qs, text, postgres=postgres).order_by(Lower("name_pinyin"), "id")


def _pinyin_begins(letters: str) -> Q:
    """Pinyin beginning with these letters, with the range that lets PostgreSQL bound an index walk (its LIKE
    does not, outside the C collation): the range narrows, the LIKE decides."""
    begins = Q(name_pinyin__startswith=letters, name_pinyin__gte=letters)
    stop = _next_prefix(letters)
    return begins & Q(name_pinyin__lt=stop) if stop else begins


def _next_prefix(letters: str) -> str:
    """The first string after every string that begins with these lower-case letters (`luo` → `lup`, `abz` →
    `ac`, `zz` → ""): letters only, which sort alphabetically in any collation, unlike `{` after `z`."""
    kept = letters.rstrip("z")
    return kept[:-1] + chr(ord(kept[-1]) + 1) if kept else ""


def _initials_begin(qs: CadreQuerySet, text: str) -> bool:
    """Whether any cadre's initials begin with `text` (one probe of cadre_initials_like). When none do, the
    search is for pinyin alone — e.g. anything with an i, u or v, letters no Chinese syllable starts with."""
    return qs.model._default_manager.using(qs.db).filter(name_initials__startswith=text).exists()


def _matching(qs: CadreQuerySet, text: str, *, postgres: bool) -> CadreQuerySet:
    if is_digits(text):
        digits = text.upper()
        phones = Q(phone_mobile__contains=digits) | Q(phone_landline__contains=digits)
        if postgres:  # the reversed number's prefix walks cadre_id_tail
            return qs.alias(id_reversed=Reverse("id_number")).filter(
                Q(id_reversed__startswith=digits[::-1]) | phones
            )
        return qs.filter(Q(id_number__endswith=digits) | phones)
    if text.isascii() and text.isalpha():
        return qs.filter(Q(name_initials__startswith=text) | Q(name_pinyin__startswith=text))
    return qs.filter(name__icontains=text)
