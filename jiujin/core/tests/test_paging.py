from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.paging import CappedPaginator


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
