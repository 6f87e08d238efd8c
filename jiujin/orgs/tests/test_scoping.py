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


def test_it_shows_a_volunteer_only_the_cadres_currently_paired_with_them(cast, tree, cadre_a):
    from datetime import date

    from jiujin.cadres.tests.factories import CadreFactory
    from jiujin.volunteers.models import Pairing, Volunteer

    other = CadreFactory(community=tree.community_a)
    volunteer = Volunteer.objects.create(
        name="小李", phone="13900000001", community=tree.community_a, user=cast.volunteer
    )
    pairing = Pairing.objects.create(cadre=cadre_a, volunteer=volunteer, started_on=date(2026, 1, 1))
    assert list(Cadre.objects.for_user(cast.volunteer)) == [cadre_a]
    assert other not in Cadre.objects.for_user(cast.volunteer)

    pairing.ended_on = date(2026, 6, 1)
    pairing.save(update_fields=["ended_on"])
    assert not Cadre.objects.for_user(cast.volunteer).exists()


def test_it_reads_the_chain_of_units_off_the_path(tree):
    assert tree.community_a.chain_codes() == ["4211", "421102", "421102001", "421102001001"]
    assert tree.street.chain_paths() == ["/4211/", "/4211/421102/", "/4211/421102/421102001/"]
    assert tree.city.chain_paths() == ["/4211/"]
