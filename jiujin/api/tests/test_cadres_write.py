from __future__ import annotations

from datetime import date

import pytest

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Cadre
from jiujin.demo.identities import id_number
from jiujin.lib.idcard import MSG_CHECKSUM, mask_id_number
from jiujin.lib.phones import MSG_INVALID, MSG_NO_AREA_CODE

pytestmark = pytest.mark.django_db

NEW_ID = id_number(date(1941, 3, 9), seq=7, male=False)


def new_cadre(**overrides):
    return {
        "name": "王秀英",
        "id_number": NEW_ID,
        "category": "tuixiu",
        "community": "421102001001",
        "responsible_worker": "worker-a",
        "phone_mobile": "139 0713 0001",
        "tags": ["书法", "象棋"],
        "work_unit": "黄冈市教育局",
        **overrides,
    }


def bad_id(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def errors(response):
    assert response.status_code == 422, response.content
    return {tuple(e["loc"]): e for e in response.json()["detail"]}


def test_it_creates_a_cadre_through_the_page_form(cast, api_as):
    response = api_as(cast.community_a).post("/cadres", new_cadre())

    assert response.status_code == 201, response.content
    record = response.json()
    cadre = Cadre.objects.get(pk=record["id"])
    # The form derived birth date and gender from the ID number, and normalised the phone.
    assert (cadre.birth_date, cadre.gender, cadre.phone_mobile) == (date(1941, 3, 9), "F", "13907130001")
    assert cadre.community.code == "421102001001"
    assert cadre.responsible_worker == cast.community_a
    assert (cadre.ethnicity, cadre.is_party_member, cadre.rank) == (
        "汉族",
        False,
        "other",
    )  # membership is not assumed
    assert record["tags"] == ["书法", "象棋"]
    assert record["work_unit"]["name"] == "黄冈市教育局"
    assert record["id_number"] == NEW_ID


def test_it_audits_a_creation(cast, api_as):
    record = api_as(cast.community_a).post("/cadres", new_cadre()).json()

    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert (event.cadre_id, event.user, event.via) == (record["id"], cast.community_a, "api")
    assert event.changes["name"] == [None, "王秀英"]
    assert event.changes["tags"] == [None, ["书法", "象棋"]]


def test_it_accepts_labels_for_choices(cast, api_as):
    response = api_as(cast.street).post("/cadres", new_cadre(category="离休", rank="县处级"))

    assert response.status_code == 201, response.content
    assert (response.json()["category"], response.json()["rank"]) == ("lixiu", "chu")


def test_it_explains_a_bad_id_check_digit_in_chinese(cast, api_as):
    response = api_as(cast.community_a).post("/cadres", new_cadre(id_number=bad_id(NEW_ID)))

    assert errors(response)[("body", "id_number")] == {
        "loc": ["body", "id_number"],
        "msg": MSG_CHECKSUM,
        "type": "value_error",
    }
    assert not Cadre.objects.exists()


def test_it_explains_a_bad_phone_in_chinese(cast, api_as):
    response = api_as(cast.community_a).post("/cadres", new_cadre(phone_mobile="12345"))

    assert errors(response)[("body", "phone_mobile")]["msg"] == MSG_INVALID


def test_it_reports_one_item_per_field_error(cast, api_as):
    response = api_as(cast.community_a).post("/cadres", {"phone_landline": "87654321"})

    found = errors(response)
    required = {("body", "name"), ("body", "id_number"), ("body", "category"), ("body", "community")}
    assert required <= set(found)
    assert found[("body", "name")]["msg"] == "这个字段是必填项。"
    assert found[("body", "phone_landline")]["msg"] == MSG_NO_AREA_CODE


def test_it_rejects_unknown_fields(cast, api_as):
    response = api_as(cast.community_a).post("/cadres", new_cadre(status="deceased"))

    assert errors(response)[("body", "status")]["type"] == "extra_forbidden"
    assert not Cadre.objects.exists()


def test_it_reports_type_errors_in_the_same_shape(cast, api_as):
    response = api_as(cast.community_a).post("/cadres", new_cadre(name=3, tags="书法"))

    assert {("body", "name"), ("body", "tags")} <= set(errors(response))


@pytest.mark.parametrize("who", ["community_b", "community_z"])
def test_it_refuses_to_create_outside_the_callers_communities(cast, api_as, who):
    response = api_as(getattr(cast, who)).post("/cadres", new_cadre(responsible_worker=None))

    assert "选择一个有效的选项" in errors(response)[("body", "community")]["msg"]
    assert not Cadre.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("volunteer", 404), ("city", 403)])
def test_it_forbids_writes_without_manage_cadres(cast, cadre_a, api_as, who, status):
    api = api_as(getattr(cast, who))

    assert api.post("/cadres", new_cadre()).status_code == status
    assert api.patch(f"/cadres/{cadre_a.pk}", {"address": "别处"}).status_code == status
    assert not AuditEvent.objects.exclude(action=AuditAction.DENIED).exists()


def test_it_patches_only_the_fields_sent_and_audits_before_after(cast, cadre_a, api_as):
    before = Cadre.objects.get(pk=cadre_a.pk)

    response = api_as(cast.street).patch(f"/cadres/{cadre_a.pk}", {"phone_mobile": "13907130002"})

    assert response.status_code == 200, response.content
    assert response.json()["phone_mobile"] == "139****0002"  # the street may edit but not read numbers
    cadre = Cadre.objects.get(pk=cadre_a.pk)
    assert cadre.phone_mobile == "13907130002"
    assert (cadre.name, cadre.id_number, cadre.address) == (before.name, before.id_number, before.address)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert (event.cadre_id, event.user, event.via) == (cadre_a.pk, cast.street, "api")
    assert event.changes == {"phone_mobile": ["13871234567", "13907130002"]}


def test_it_patches_tags_work_unit_and_worker_by_name(cast, cadre_a, api_as):
    cadre_a.tags.create(name="钓鱼", org_unit=cadre_a.community.parent.parent)

    response = api_as(cast.community_a).patch(
        f"/cadres/{cadre_a.pk}", {"tags": ["书法"], "work_unit": "黄州区民政局", "responsible_worker": None}
    )

    assert response.status_code == 200, response.content
    record = response.json()
    assert (record["tags"], record["work_unit"]["name"], record["responsible_worker"]) == (
        ["书法"],
        "黄州区民政局",
        None,
    )
    changes = AuditEvent.objects.get(action=AuditAction.UPDATE).changes
    assert changes["tags"] == [["钓鱼"], ["书法"]]
    assert changes["responsible_worker"] == [cast.community_a.pk, None]


def test_it_records_nothing_when_nothing_changes(cast, cadre_a, api_as):
    response = api_as(cast.community_a).patch(f"/cadres/{cadre_a.pk}", {"name": "张德明"})

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_it_validates_a_patch_with_the_page_form(cast, cadre_a, api_as):
    body = {"id_number": bad_id(cadre_a.id_number), "address": "新地址"}

    response = api_as(cast.community_a).patch(f"/cadres/{cadre_a.pk}", body)

    assert errors(response)[("body", "id_number")]["msg"] == MSG_CHECKSUM
    cadre = Cadre.objects.get(pk=cadre_a.pk)
    assert (cadre.id_number, cadre.address) == (cadre_a.id_number, cadre_a.address)
    assert not AuditEvent.objects.exists()


def test_it_checks_a_patched_birth_date_against_the_id_number(cast, cadre_a, api_as):
    response = api_as(cast.community_a).patch(f"/cadres/{cadre_a.pk}", {"birth_date": "1930-01-01"})

    assert errors(response)[("body", "birth_date")]["msg"].startswith("与身份证号不符")


def test_it_needs_lunar_month_and_day_for_a_lunar_birthday(cast, cadre_a, api_as):
    response = api_as(cast.community_a).patch(f"/cadres/{cadre_a.pk}", {"birthday_calendar": "lunar"})

    found = errors(response)
    assert found[("body", "lunar_month")]["msg"] == "农历生日请填写月份（1–12）"
    assert found[("body", "lunar_day")]["msg"] == "农历生日请填写日期（1–30）"


def test_it_names_a_duplicate_id_number_only_when_visible(cast, tree, cadre_a, api_as):
    visible = api_as(cast.community_a).post("/cadres", new_cadre(id_number=cadre_a.id_number))
    hidden = api_as(cast.community_z).post(
        "/cadres", new_cadre(id_number=cadre_a.id_number, community="421181001001", responsible_worker=None)
    )

    assert errors(visible)[("body", "id_number")]["msg"] == "该身份证号已登记（张德明）"
    assert errors(hidden)[("body", "id_number")]["msg"] == "该身份证号已登记"


@pytest.mark.parametrize("who", ["community_b", "community_z"])
def test_it_answers_outsiders_patching_as_if_the_cadre_did_not_exist(cast, cadre_a, api_as, who):
    api = api_as(getattr(cast, who))

    hidden = api.patch(f"/cadres/{cadre_a.pk}", {"address": "别处"})
    missing = api.patch(f"/cadres/{cadre_a.pk + 1000}", {"address": "别处"})

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "没有找到"}
    assert Cadre.objects.get(pk=cadre_a.pk).address == cadre_a.address


def test_it_cannot_move_a_cadre_out_of_the_callers_scope(cast, cadre_a, api_as):
    response = api_as(cast.community_a).patch(f"/cadres/{cadre_a.pk}", {"community": "421102001002"})

    assert ("body", "community") in errors(response)
    assert Cadre.objects.get(pk=cadre_a.pk).community.code == "421102001001"


def test_it_lets_the_street_move_a_cadre_between_its_communities(cast, cadre_a, api_as):
    response = api_as(cast.street).patch(
        f"/cadres/{cadre_a.pk}", {"community": "421102001002", "responsible_worker": "worker-b"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["community"] == "421102001002"
    assert response.json()["id_number"] == mask_id_number(cadre_a.id_number)
