"""The cadre search box: what a worker types, turned into conditions the database answers from an index.

- letters: pinyin or initials (`zdm`, `zhangdeming`), as a prefix of the stored keys;
- digits (an ID number's trailing X allowed): the tail of an ID number, or digits anywhere in a phone;
- anything else: a part of the name (德明, 张, 张德明), case-insensitive.

On PostgreSQL each kind has its index (migration 0009): the name's 1- and 2-character pieces, the reversed ID
number, trigrams of the phones. The index narrows, the plain condition decides, so the rows are exactly
those a plain `icontains` / `endswith` finds. SQLite answers the plain conditions by scanning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Func, Q, TextField
from django.db.models.functions import Lower, Reverse

if TYPE_CHECKING:
    from .models import CadreQuerySet


class NameGrams(Func):
    """`jiujin_grams(lower(name))`: the name's 1- and 2-character pieces (PostgreSQL; see migration 0009)."""

    function = "jiujin_grams"
    output_field = ArrayField(TextField())


def name_pieces(text: str) -> list[str]:
    """The pieces every name containing `text` has: the text itself when short, else each 2-character run."""
    if len(text) <= 2:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def is_digits(text: str) -> bool:
    return text.isdigit() or (len(text) > 1 and text[:-1].isdigit() and text[-1] == "x")


def cadre_search(qs: CadreQuerySet, raw: str) -> CadreQuerySet:
    text = "".join(raw.split()).lower()
    if not text:
        return qs
    # The list's order (pinyin, id), written as an expression: otherwise PostgreSQL walks the pinyin index in
    # order hoping to meet matches early, and matches that sort late (张 = zhang…, wang…) cost seconds.
    return _matching(qs, text).order_by(Lower("name_pinyin"), "id")


def _matching(qs: CadreQuerySet, text: str) -> CadreQuerySet:
    postgres = connections[qs.db].vendor == "postgresql"
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
    plain = Q(name__icontains=text)
    if postgres:
        grams: Any = NameGrams(Lower("name"))
        pieces: Any = name_pieces(text)  # an array lookup; django-stubs types `__contains` as text
        found = qs.alias(name_grams=grams).filter(name_grams__contains=pieces)
        # One or two characters are a piece themselves: the index answers exactly, and the capped count
        # needs no table row. Longer text is checked whole (its pieces may sit apart in a name).
        return found if len(text) <= 2 else found.filter(plain)
    return qs.filter(plain)
