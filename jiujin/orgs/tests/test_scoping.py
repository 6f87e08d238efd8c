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


def test_it_gives_a_volunteer_no_staff_scope_only_current_pairings_of_cadres_on_file(cast, tree, cadre_a):
    from datetime import date

    from jiujin.cadres.models import CadreStatus
    from jiujin.cadres.tests.factories import CadreFactory
    from jiujin.volunteers.models import Pairing, Volunteer
    from jiujin.volunteers.selectors import pairings_for

    other = CadreFactory(community=tree.community_a)
    volunteer = Volunteer.objects.create(
        name="小李", phone="13900000001", community=tree.community_a, user=cast.volunteer
    )
    pairing = Pairing.objects.create(cadre=cadre_a, volunteer=volunteer, started_on=date(2026, 1, 1))
    assert not Cadre.objects.for_user(cast.volunteer).exists()  # visits, health, plans: none of theirs
    assert [p.cadre for p in pairings_for(cast.volunteer)] == [cadre_a]
    assert other not in [p.cadre for p in pairings_for(cast.volunteer)]

    cadre_a.status = CadreStatus.DECEASED
    cadre_a.save(update_fields=["status"])
    assert not pairings_for(cast.volunteer).exists()  # no address or phone after the file is closed

    cadre_a.status = CadreStatus.ACTIVE
    cadre_a.save(update_fields=["status"])
    pairing.ended_on = date(2026, 6, 1)
    pairing.save(update_fields=["ended_on"])
    assert not pairings_for(cast.volunteer).exists()


def test_it_reads_the_chain_of_units_off_the_path(tree):
    assert tree.community_a.chain_codes() == ["4211", "421102", "421102001", "421102001001"]
    assert tree.street.chain_paths() == ["/4211/", "/4211/421102/", "/4211/421102/421102001/"]
    assert tree.city.chain_paths() == ["/4211/"]
