"""The cadre search box: what a worker types, turned into conditions the database answers from an index.

- letters: pinyin or initials (`zdm`, `zhangdeming`), as a prefix of the stored keys;
- digits (an ID number's trailing X allowed): the tail of an ID number, or digits anywhere in a phone;
- anything else: a part of the name (德明, 张, 张德明), case-insensitive.

On PostgreSQL each kind has its index: the name search table (`search_rows.py`: the name's 1- and
2-character pieces in display order), the display-order index's stretch of a pinyin (its INCLUDEd initials
checked along), the initials index, the reversed ID number, trigrams of the phones (migration 0009). The
index narrows, the plain condition decides, so the rows are exactly those a plain `icontains` / `endswith`
finds. SQLite walks the same ranges for letters and answers the rest by scanning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connections
from django.db.models import Exists, F, Q
from django.db.models.functions import Lower, Reverse

if TYPE_CHECKING:
    from .models import CadreQuerySet
    from .search_rows import CadreSearchRowQuerySet


# The list's order (pinyin, id) as an expression: PostgreSQL cannot walk an index in this order, so it gathers
# the matches and sorts them — for matches scattered through the order, where a walk hoping to meet them early
# (an ID tail, phone digits) would cost seconds.
GATHERED = Lower("name_pinyin")


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


def gathers_matches(found: CadreQuerySet) -> bool:
    """Whether a search gathers every match to order them (ordered by GATHERED, as cadre_search orders ID tails,
    phone digits, initials alone and every search on SQLite), so its page query may count them as it goes."""
    return bool(found.query.order_by) and found.query.order_by[0] == GATHERED


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
    if text.isascii() and text.isalpha():  # ranges of an index in either database
        initials, pinyin = _letters_begin(qs, text)
        if initials and pinyin:
            # Pinyin or initials (`zh`: 张…, 周…, and 张华): every match lies in the stretch of its first letter,
            # since initials begin with the pinyin's first letter. The stretch is walked in display order with
            # both checked in the index (its INCLUDEd initials), page 1 and the capped count alike.
            either = qs.filter(_begins("name_initials", text) | _begins("name_pinyin", text))
            return either.filter(_stretch("name_pinyin", text[0])).order_by("name_pinyin", "id")
        if not initials:
            # Pinyin only (`luo`, `zhangdem`): one stretch of the (status, pinyin, id) index, walked in display
            # order.
            return qs.filter(_begins("name_pinyin", text)).order_by("name_pinyin", "id")
        # Initials only (`zdm`, `wh`): few, scattered through the order — gathered by cadre_initials_like and
        # sorted, rather than looked for along a letter's whole stretch.
        return qs.filter(_begins("name_initials", text)).order_by(GATHERED, "id")
    return _matching(qs, text, postgres=postgres).order_by(GATHERED, "id")


def _begins(field: str, letters: str) -> Q:
    """A pinyin or initials beginning with these letters: the range narrows, the LIKE decides."""
    return Q(**{f"{field}__startswith": letters}) & _stretch(field, letters)


def _stretch(field: str, letters: str) -> Q:
    """The stretch of keys that holds every one beginning with these letters, as a range an index walk can be
    bounded by (PostgreSQL's LIKE cannot outside the C collation, SQLite's case-blind LIKE cannot at all)."""
    stop = _next_prefix(letters)
    start = Q(**{f"{field}__gte": letters})
    return start & Q(**{f"{field}__lt": stop}) if stop else start


def _next_prefix(letters: str) -> str:
    """The first string after every string that begins with these lower-case letters (`luo` → `lup`, `abz` →
    `ac`, `zz` → ""): letters only, which sort alphabetically in any collation, unlike `{` after `z`."""
    kept = letters.rstrip("z")
    return kept[:-1] + chr(ord(kept[-1]) + 1) if kept else ""


def _letters_begin(qs: CadreQuerySet, text: str) -> tuple[bool, bool]:
    """Whether any cadre's initials, and any cadre's pinyin, begin with `text`: one query of two index probes
    (cadre_initials_like; the display-order index). Letters no syllable starts with (i, u, v) begin no
    initials; `wh` begins no pinyin."""
    cadres = qs.model._default_manager.using(qs.db)
    # Every status named, so the pinyin probe is a range of the (status, pinyin, id) index for each.
    statuses = [value for value, _label in qs.model._meta.get_field("status").flatchoices]
    probes = cadres.annotate(
        initials=Exists(cadres.filter(_begins("name_initials", text))),
        pinyin=Exists(cadres.filter(_begins("name_pinyin", text), status__in=statuses)),
    )
    return next(iter(probes.order_by().values_list("initials", "pinyin")[:1]), (False, False))


def _matching(qs: CadreQuerySet, text: str, *, postgres: bool) -> CadreQuerySet:
    if is_digits(text):
        digits = text.upper()
        phones = Q(phone_mobile__contains=digits) | Q(phone_landline__contains=digits)
        if postgres:  # the reversed number's prefix walks cadre_id_tail
            return qs.alias(id_reversed=Reverse("id_number")).filter(
                Q(id_reversed__startswith=digits[::-1]) | phones
            )
        return qs.filter(Q(id_number__endswith=digits) | phones)
    return qs.filter(name__icontains=text)
