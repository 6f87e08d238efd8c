from __future__ import annotations

import pytest

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Cadre, Tag, WorkUnit
from jiujin.cadres.tests.factories import CadreFactory, FamilyContactFactory
from jiujin.lib.idcard import mask_id_number

pytestmark = pytest.mark.django_db

IN_SCOPE = ["admin", "city", "district", "street", "community_a"]
OUTSIDERS = ["community_b", "community_z", "volunteer"]
EMPTY = {"count": 0, "count_capped": False, "items": []}


def listing(api, **params):
    response = api.get("/cadres", params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("who", IN_SCOPE)
def test_it_lists_community_a_to_its_chain_of_command(cast, cadre_a, api_as, who):
    page = listing(api_as(getattr(cast, who)), community="421102001001")

    assert page["count"] == 1
    item = page["items"][0]
    assert item["id"] == cadre_a.pk
    assert item["name"] == "张德明"
    assert item["community"] == "421102001001"
    assert item["community_name"] == "社区A"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_shows_outsiders_nothing_of_community_a(cast, cadre_a, api_as, who):
    api = api_as(getattr(cast, who))
    if who == "volunteer":  # no registry at all for a volunteer login
        assert api.get("/cadres").status_code == 404
        return

    assert listing(api) == EMPTY
    assert listing(api, community="421102001001") == EMPTY
    assert listing(api, unit="421102001001") == EMPTY


def test_it_filters_by_community_search_and_list_filters(cast, tree, cadre_a, api_as):
    CadreFactory(name="李国平", community=tree.community_b, category="lixiu")
    api = api_as(cast.street)

    assert listing(api)["count"] == 2
    assert [i["name"] for i in listing(api, community="421102001002")["items"]] == ["李国平"]
    assert [i["name"] for i in listing(api, q="zdm")["items"]] == ["张德明"]
    assert [i["name"] for i in listing(api, category="lixiu")["items"]] == ["李国平"]
    assert listing(api, community="no-such-code")["count"] == 0
    assert listing(api, tag="书法")["count"] == 0


def test_it_filters_by_tag_and_status(cast, tree, cadre_a, api_as):
    cadre_a.tags.add(Tag.objects.create(name="书法", org_unit=tree.district))
    CadreFactory(community=tree.community_a, status="deceased")
    api = api_as(cast.community_a)

    assert [i["id"] for i in listing(api, tag="书法")["items"]] == [cadre_a.pk]
    assert listing(api)["count"] == 1
    assert listing(api, status="all")["count"] == 2
    assert [i["status"] for i in listing(api, status="deceased")["items"]] == ["deceased"]


def test_it_rejects_an_unknown_filter_value_in_chinese(cast, api_as):
    response = api_as(cast.street).get("/cadres", {"category": "martian"})

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "category"]
    assert "martian" in error["msg"]
    assert "选择" in error["msg"]


def test_it_pages_by_thirty(cast, tree, api_as):
    CadreFactory.create_batch(31, community=tree.community_a)
    api = api_as(cast.community_a)

    first, second = listing(api, page=1), listing(api, page=2)

    assert (first["count"], len(first["items"]), len(second["items"])) == (31, 30, 1)
    assert api.get("/cadres", {"page": 0}).status_code == 422


def test_it_masks_id_numbers_in_the_list_and_phones_without_view_sensitive(cast, cadre_a, api_as):
    worker = listing(api_as(cast.community_a))["items"][0]
    street = listing(api_as(cast.street))["items"][0]

    assert worker["id_number"] == street["id_number"] == mask_id_number(cadre_a.id_number)
    assert worker["phone_mobile"] == "13871234567"
    assert street["phone_mobile"] == "138****4567"


def test_it_counts_known_must_knows(cast, tree, cadre_a, api_as):
    # The factory fills address and phone (①) only; family ② needs a contact, ③ a hobby, ④ habits.
    FamilyContactFactory(cadre=cadre_a)
    cadre_a.habits = "早睡早起"
    cadre_a.save(update_fields=["habits"])
    api = api_as(cast.community_a)

    item = listing(api)["items"][0]
    detail = api.get(f"/cadres/{cadre_a.pk}").json()

    assert item["known_count"] == detail["known_count"] == 3
    assert detail["completeness"] == {
        "address": True,
        "family_health": True,
        "hobbies": False,
        "habits": True,
    }


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_in_a_constant_number_of_queries(cast, tree, api_as, django_assert_max_num_queries, rows):
    for cadre in CadreFactory.create_batch(rows, community=tree.community_a):
        cadre.tags.add(Tag.objects.get_or_create(name="象棋", org_unit=tree.district)[0])
        FamilyContactFactory(cadre=cadre)
    api = api_as(cast.street)  # lacks view_sensitive: the permission lookup is counted too

    # The page's keys, then its rows (an index-only walk skips deep offsets): one query more, none per row.
    with django_assert_max_num_queries(9):
        page = listing(api)

    assert page["count"] == rows


def test_it_returns_the_full_record(cast, tree, cadre_a, api_as):
    unit = {"name": "黄冈市财政局", "contact_person": "王科长", "contact_phone": "0713-8351234"}
    cadre_a.work_unit = WorkUnit.objects.create(**unit)
    cadre_a.birthday_calendar, cadre_a.lunar_month, cadre_a.lunar_day = "lunar", 8, 15
    cadre_a.save(update_fields=["work_unit", "birthday_calendar", "lunar_month", "lunar_day"])
    cadre_a.tags.add(Tag.objects.create(name="太极拳", org_unit=tree.district))
    FamilyContactFactory(cadre=cadre_a, phone="13900001111")

    detail = api_as(cast.community_a).get(f"/cadres/{cadre_a.pk}").json()

    assert detail["id_number"] == cadre_a.id_number
    assert detail["phone_mobile"] == "13871234567"
    assert detail["work_unit"] == unit
    assert detail["responsible_worker"] == "worker-a"
    assert detail["tags"] == ["太极拳"]
    assert detail["family_contacts"] == [
        {"name": "张小明", "relation": "儿子", "phone": "13900001111", "lives_with": False}
    ]
    assert (detail["birthday_calendar"], detail["lunar_month"], detail["lunar_day"]) == ("lunar", 8, 15)
    assert detail["lunar_leap"] is False
    assert detail["status"] == "active"
    assert detail["status_date"] is None
    assert detail["birth_date"] == cadre_a.birth_date.isoformat()


def test_it_masks_the_record_without_view_sensitive(cast, cadre_a, api_as):
    FamilyContactFactory(cadre=cadre_a, phone="13900001111")

    detail = api_as(cast.street).get(f"/cadres/{cadre_a.pk}").json()

    assert detail["id_number"] == mask_id_number(cadre_a.id_number)
    assert detail["phone_mobile"] == "138****4567"
    assert detail["family_contacts"][0]["phone"] == "139****1111"


def test_it_audits_each_view_of_a_record(cast, cadre_a, api_as):
    api = api_as(cast.district)

    api.get(f"/cadres/{cadre_a.pk}")
    api.get(f"/cadres/{cadre_a.pk}")

    events = AuditEvent.objects.filter(action=AuditAction.VIEW, cadre_id=cadre_a.pk)
    assert events.count() == 2
    assert {(e.user, e.via, e.ip) for e in events} == {(cast.district, "api", "127.0.0.1")}


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_answers_outsiders_as_if_the_cadre_did_not_exist(cast, cadre_a, api_as, who):
    api = api_as(getattr(cast, who))
    missing_id = Cadre.objects.order_by("-pk").first().pk + 1

    hidden, missing = api.get(f"/cadres/{cadre_a.pk}"), api.get(f"/cadres/{missing_id}")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "没有找到"}
    # Nothing was seen; the refused attempts themselves are kept for the auditor.
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {AuditAction.DENIED}


def test_it_hides_a_missing_cadre_the_same_way_with_debug_on(cast, cadre_a, api_as, settings):
    settings.DEBUG = True

    assert api_as(cast.community_b).get(f"/cadres/{cadre_a.pk}").json() == {"detail": "没有找到"}


def test_it_keeps_a_paired_volunteer_out_of_the_registry(cast, tree, cadre_a, api_as):
    from datetime import date

    from jiujin.volunteers.models import Pairing, Volunteer

    volunteer = Volunteer.objects.create(
        name="小李", phone="13900000001", community=tree.community_a, user=cast.volunteer
    )
    Pairing.objects.create(cadre=cadre_a, volunteer=volunteer, started_on=date(2026, 1, 1))
    api = api_as(cast.volunteer)

    assert api.get("/cadres").status_code == 404
    assert api.get(f"/cadres/{cadre_a.pk}").status_code == 404
    assert api.get("/pairings").json()["count"] == 1
