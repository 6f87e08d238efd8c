from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.paging import CappedPaginator, KeyedPaginator


def test_it_counts_exactly_up_to_the_cap_and_says_so_beyond(db, tree, monkeypatch, client_for, cast):
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    CadreFactory.create_batch(3, community=tree.community_a)
    exact = CappedPaginator(Cadre.objects.all(), 2)
    assert (exact.count, exact.capped) == (3, False)

    CadreFactory(community=tree.community_a)
    capped = CappedPaginator(Cadre.objects.all(), 2)
    assert (capped.count, capped.capped) == (4, True)
    page = client_for(cast.community_a).get("/cadres/").content.decode()
    assert "超过 <strong>3</strong> 人" in page


def _keyed(qs, per_page=2, **kwargs):
    def rows(ids):
        return Cadre.objects.filter(pk__in=ids)

    return KeyedPaginator(
        qs.order_by("name_pinyin", "pk"), per_page, rows=rows, count_with_keys=True, **kwargs
    )


def test_it_counts_with_the_keys_when_asked_and_validates_pages_as_django_does(
    db, tree, monkeypatch, django_assert_num_queries
):
    made = CadreFactory.create_batch(5, community=tree.community_a)
    in_order = list(Cadre.objects.order_by("name_pinyin", "pk").values_list("pk", flat=True))
    with django_assert_num_queries(2):  # the keys with their count, then the rows: no count query
        first = _keyed(Cadre.objects.all()).get_page(None)
        assert (first.paginator.count, first.number) == (5, 1)
    assert [c.pk for c in first] == in_order[:2]
    assert [c.pk for c in _keyed(Cadre.objects.all()).get_page("3")] == in_order[4:]
    assert _keyed(Cadre.objects.all()).get_page("x").number == 1
    beyond = _keyed(Cadre.objects.all()).get_page(9)  # past the end: counted, then the last page
    assert (beyond.number, [c.pk for c in beyond]) == (3, in_order[4:])
    empty = _keyed(Cadre.objects.none()).get_page(1)
    assert (empty.paginator.count, list(empty), empty.paginator.num_pages) == (0, [], 1)
    monkeypatch.setattr(KeyedPaginator, "cap", 3)
    capped = _keyed(Cadre.objects.filter(pk__in=[c.pk for c in made])).get_page(1)
    assert (capped.paginator.count, capped.paginator.capped) == (4, True)


def test_it_counts_a_digits_search_in_its_key_query(
    db, tree, client_for, cast, django_assert_max_num_queries
):
    CadreFactory.create_batch(3, community=tree.community_a, phone_mobile="13912340000")
    CadreFactory(community=tree.community_a, phone_mobile="13800000000")
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(11):  # the letters' 12 less the count
        page = client.get("/cadres/", {"q": "1234"}).content.decode()
    assert "共 <strong>3</strong> 人" in page
    assert "共 <strong>0</strong> 人" in client.get("/cadres/", {"q": "5555"}).content.decode()
