from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit


def test_it_scopes_org_units_to_the_users_subtree(cast, tree):
    assert set(OrgUnit.objects.for_user(cast.street)) == {tree.street, tree.community_a, tree.community_b}
    assert set(OrgUnit.objects.for_user(cast.community_a)) == {tree.community_a}
    assert OrgUnit.objects.for_user(cast.admin).count() == 8


def test_it_scopes_cadres_up_the_chain_and_nowhere_else(cast, cadre_a):
    for user in [cast.admin, cast.city, cast.district, cast.street, cast.community_a]:
        assert list(Cadre.objects.for_user(user)) == [cadre_a], user
    for user in cast.outsiders():
        assert not Cadre.objects.for_user(user).exists(), user
