"""The search box finds exactly what a plain scan finds, for each kind of text a worker types (issue 11), on
SQLite and PostgreSQL (where indexes answer): a full name, a part of it, a surname, pinyin and initials, an
ID-number tail with X, phone digits. Each search is one list query, whatever it matches."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.cn import ric

from jiujin.cadres.models import Cadre
from jiujin.cadres.search import name_pieces
from jiujin.cadres.tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def id_with_check(body17: str) -> str:
    return body17 + ric.calc_check_digit(body17)


def id_ending_in_x(prefix: str) -> str:
    """The first valid number after `prefix` (14 digits) whose check digit is X."""
    return next(n for n in (id_with_check(f"{prefix}{i:03d}") for i in range(1000)) if n.endswith("X"))


PEOPLE = [
    # name, ID number's sequence part, mobile, landline
    ("张德明", "0011", "13871234567", ""),
    ("李德明", "0021", "13971230001", "0713-8123456"),
    ("张明德", "0031", "13600001234", ""),
    ("欧阳德明", "0041", "15807130099", ""),
    ("王张", "0051", "", "0713-8881234"),
    ("Tom张", "0061", "", ""),
]


@pytest.fixture
def cadres(tree: Any) -> list[Cadre]:
    made = []
    for i, (name, seq, mobile, landline) in enumerate(PEOPLE):
        body = f"42010319{40 + i}0{i + 1}1{i}"
        number = id_ending_in_x(body) if i == 0 else id_with_check(body + seq[1:])
        made.append(
            CadreFactory(
                name=name,
                id_number=number,
                phone_mobile=mobile,
                phone_landline=landline,
                community=tree.community_a,
            )
        )
    return made


def plain(text: str) -> set[str]:
    """What a scan with icontains / endswith finds: the reference every search must equal."""
    t = "".join(text.split())
    if t.isdigit() or (t[:-1].isdigit() and t[-1:] in "xX"):
        q = Q(id_number__iendswith=t) | Q(phone_mobile__contains=t) | Q(phone_landline__contains=t)
    else:
        q = Q(name__icontains=t)
    return set(Cadre.objects.filter(q).values_list("name", flat=True))


def found(text: str) -> set[str]:
    return set(Cadre.objects.search(text).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text",
    ["张德明", "德明", "张", "明德", "欧阳德明", "阳德", "德", "tom", "TOM张", "无此人", "张 德明"],
)
def test_it_finds_names_and_their_parts_exactly_as_a_scan_does(cadres: Any, text: str) -> None:
    assert found(text) == plain(text)
    assert found(text) or text == "无此人"


def test_it_finds_id_number_tails_with_x_and_phone_digits(cadres: Any) -> None:
    with_x = next(c for c in cadres if c.id_number.endswith("X"))
    for tail in (with_x.id_number[-4:], with_x.id_number[-6:].lower(), with_x.id_number[-8:]):
        assert with_x.name in found(tail), tail
        assert found(tail) == plain(tail), tail
    for digits in ("1234", "8123456", "0099", "7130", "13871234567"):
        assert found(digits) == plain(digits), digits
    assert found("1234") >= {"张德明", "张明德", "王张"}  # mobile, mobile tail, landline


def test_it_finds_pinyin_and_initials(cadres: Any) -> None:
    assert found("zdm") == {"张德明"}
    assert found("zhangdeming") == {"张德明"}
    assert found("zhang") == {"张德明", "张明德"}
    assert found("oydm") == {"欧阳德明"}


def test_it_splits_typed_text_into_the_pieces_every_match_has() -> None:
    assert name_pieces("德") == ["德"] and name_pieces("德明") == ["德明"]
    assert name_pieces("欧阳德明") == ["德明", "欧阳", "阳德"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_it_asks_postgresql_for_the_indexed_expressions(cadres: Any) -> None:
    with CaptureQueriesContext(connection) as ctx:
        list(Cadre.objects.search("德明"))
        list(Cadre.objects.search("3456"))
    name_sql, digits_sql = (q["sql"] for q in ctx.captured_queries)
    assert 'jiujin_grams(LOWER("cadres_cadre"."name")) @>' in name_sql
    assert 'REVERSE("cadres_cadre"."id_number")' in digits_sql


@pytest.mark.parametrize("text", ["德明", "张", "zdm", "1234", "0011"])
def test_it_lists_a_search_in_a_fixed_number_of_queries(
    client_for: Any, cast: Any, cadres: Any, text: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cadres:list"), {"q": text})
    assert response.status_code == 200
