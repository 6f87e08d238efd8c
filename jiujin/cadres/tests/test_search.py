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

from jiujin.cadres.filters import CadreFilterForm
from jiujin.cadres.models import Cadre, CadreSearchRow, CadreStatus, LivingArrangement
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
    # No initials begin so: PostgreSQL walks the pinyin index alone (a range), with the same answer.
    assert found("ouyang") == {"欧阳德明"} and found("zhangde") == {"张德明"} and found("zhangx") == set()
    assert found("zhangdemingz") == set() and found("wangz") == {"王张"}  # ending in z: no `{` bound


def test_it_finds_pinyin_that_may_also_be_initials(cadres: Any, tree: Any) -> None:
    # 曾华: initials zh, pinyin zeng… (a surname reading); 周华, 赵德 and the 张s by their pinyin zh….
    for name in ("曾华", "周华", "赵德"):
        CadreFactory(name=name, community=tree.community_a)
    assert found("zh") == {"张德明", "张明德", "曾华", "周华", "赵德"}
    assert found("zd") == {"张德明", "赵德"} and found("ty") == set()
    assert found("t") == {"Tom张"} and found("Z") == {"张德明", "张明德", "曾华", "周华", "赵德"}


def listed(user: Any, data: dict[str, str]) -> set[str]:
    """What the list page and the API show for this form data (the keyed pager's keys, all pages)."""
    result = CadreFilterForm(data, user=user).found()
    ids = list(result.qs.values_list(result.key, flat=True))
    assert len(ids) == len(set(ids)), "a cadre listed twice"
    return set(Cadre.objects.filter(pk__in=ids).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text", ["张德明", "德明", "张", "明德", "欧阳德明", "阳德", "TOM张", "无此人", "zdm", "1234"]
)
def test_it_lists_what_a_scan_finds_with_and_without_filters(cadres: Any, cast: Any, text: str) -> None:
    cadres[1].living_arrangement = LivingArrangement.ALONE
    cadres[1].save(update_fields=["living_arrangement"])
    assert listed(cast.community_a, {"q": text}) == found(text)  # found: equal to a scan (tests above)
    alone = set(Cadre.objects.filter(living_arrangement="alone").values_list("name", flat=True))
    assert listed(cast.community_a, {"q": text, "living": "alone"}) == found(text) & alone
    assert listed(cast.community_b, {"q": text}) == set()  # the sibling community's worker: out of scope


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")
def test_it_keeps_the_name_search_table_in_step_with_the_cadres(cadres: Any, tree: Any) -> None:
    def pieces(cadre: Cadre) -> set[tuple[str, str, int]]:
        rows = CadreSearchRow.objects.filter(cadre=cadre)
        return set(rows.values_list("piece", "status", "community_id"))

    zhang = cadres[0]
    assert pieces(zhang) == {(p, "active", tree.community_a.pk) for p in ["张", "德", "明", "张德", "德明"]}
    zhang.name = "张伟"
    zhang.refresh_search_keys()
    zhang.save()
    assert {p for p, _, _ in pieces(zhang)} == {"张", "伟", "张伟"}
    Cadre.objects.filter(pk=zhang.pk).update(status=CadreStatus.DECEASED, community=tree.community_b)
    assert {(s, c) for _, s, c in pieces(zhang)} == {("deceased", tree.community_b.pk)}
    Cadre.objects.filter(pk=zhang.pk).update(habits="早睡")  # no copied column changed: rows untouched
    assert len(pieces(zhang)) == 3
    made = Cadre.objects.bulk_create([CadreFactory.build(name="刘一", community=tree.community_a)])
    assert {p for p, _, _ in pieces(made[0])} == {"刘", "一", "刘一"}
    Cadre.objects.filter(pk__in=[zhang.pk, made[0].pk]).delete()
    assert not CadreSearchRow.objects.filter(cadre_id__in=[zhang.pk, made[0].pk]).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_it_asks_postgresql_for_the_indexed_expressions(cadres: Any) -> None:
    with CaptureQueriesContext(connection) as ctx:
        list(Cadre.objects.search("德明"))
        list(Cadre.objects.search("3456"))
    name_sql, digits_sql = (q["sql"] for q in ctx.captured_queries)
    assert '"cadres_cadresearchrow"."piece" = ' in name_sql
    assert 'REVERSE("cadres_cadre"."id_number")' in digits_sql


@pytest.mark.parametrize("text", ["德明", "张", "zdm", "1234", "0011"])
def test_it_lists_a_search_in_a_fixed_number_of_queries(
    client_for: Any, cast: Any, cadres: Any, text: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    # 12: digits 11, their key query counting the matches it gathers (core.paging.KeyedPaginator); on PostgreSQL
    # letters spend that query on a probe instead: whether any initials and any pinyin begin so (search.py).
    with django_assert_max_num_queries(11 if text.isdigit() else 12):
        response = client.get(reverse("cadres:list"), {"q": text})
    assert response.status_code == 200
