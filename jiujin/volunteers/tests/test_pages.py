"""Staff pages (registry, pairing, follow-up) and the volunteer's own pages, with scoping and query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.template import Context, Template

from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import HealthStatus, LivingArrangement
from jiujin.cadres.tests.factories import CadreFactory, FamilyContactFactory
from jiujin.health.models import Condition
from jiujin.volunteers.models import ContactLog, Pairing, Volunteer

from .helpers import make_volunteer, pair

pytestmark = pytest.mark.django_db
OUTSIDERS = ["community_b", "community_z"]


def volunteers_in(community: Any, n: int) -> list[Volunteer]:
    volunteers = [make_volunteer(community, address=f"东湖小区{i}栋") for i in range(n)]
    for v in volunteers[::2]:
        pair(CadreFactory(community=community), v)
    return volunteers


# ---------------------------------------------------------------- registry


def test_it_lists_the_volunteers_of_communities_in_scope(
    tree: Any, cast: Any, client_for: Any, volunteer_a: Any
) -> None:
    make_volunteer(tree.community_b, name="邻社区志愿者")
    page = client_for(cast.community_a).get("/volunteers/").content.decode()
    assert "小李" in page and "邻社区志愿者" not in page
    assert volunteer_a.phone in page  # a community worker may see phones in full
    assert volunteer_a.phone not in client_for(cast.street).get("/volunteers/").content.decode()  # masked
    street = client_for(cast.street).get("/volunteers/").content.decode()
    assert "小李" in street and "邻社区志愿者" in street


@pytest.mark.parametrize("who", OUTSIDERS)
def test_it_shows_outsiders_nothing_of_community_a(
    who: str, tree: Any, cast: Any, client_for: Any, volunteer_a: Any, cadre_a: Any
) -> None:
    pairing = pair(cadre_a, volunteer_a)
    log = ContactLog.objects.create(
        pairing=pairing, on=date(2026, 9, 20), needs_attention=True, note="需要维修"
    )
    client = client_for(getattr(cast, who))
    assert "小李" not in client.get("/volunteers/").content.decode()
    assert client.get("/volunteers/?community=421102001001").status_code == 404
    for url in (
        f"/volunteers/{volunteer_a.pk}/",
        f"/volunteers/{volunteer_a.pk}/edit/",
        f"/volunteers/cadres/{cadre_a.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/volunteers/pairings/{pairing.pk}/end/", {"ended_on": "2026-09-22", "reason": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"/volunteers/contacts/{log.pk}/follow-up/").status_code == 404
    assert "张德明" not in client.get("/volunteers/cadres/").content.decode()
    assert "需要维修" not in client.get("/volunteers/attention/").content.decode()


def test_it_pins_the_list_queries(
    tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.street)
    volunteers_in(tree.community_a, 3)
    with django_assert_max_num_queries(10) as few:
        assert client.get("/volunteers/?active=all").status_code == 200
    volunteers_in(tree.community_b, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/volunteers/?active=all").content.decode()
    assert "共 <strong>30</strong> 人" in page


def test_it_registers_a_volunteer_in_the_worker_s_community(tree: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    form = client.get("/volunteers/new/").content.decode()
    assert f'value="{tree.community_a.pk}" selected' in form
    data = {
        "name": "王红",
        "kind": "party",
        "phone": "139 0000 2222",
        "community": tree.community_a.pk,
        "address": "东湖小区3号楼",
        "skills": "医护",
        "availability": "周末",
        "active": "on",
    }
    response = client.post("/volunteers/new/", data)
    v = Volunteer.objects.get(name="王红")
    assert response.status_code == 302 and response["Location"] == f"/volunteers/{v.pk}/"
    assert (v.phone, v.building, v.community) == ("13900002222", "3", tree.community_a)
    # Another community is not a choice for this worker.
    refused = client.post("/volunteers/new/", data | {"community": tree.community_b.pk, "name": "外人"})
    assert refused.status_code == 200 and not Volunteer.objects.filter(name="外人").exists()


def test_it_edits_and_refuses_to_stand_down_a_paired_volunteer(
    cast: Any, client_for: Any, volunteer_a: Any, cadre_a: Any, tree: Any
) -> None:
    pair(cadre_a, volunteer_a)
    client = client_for(cast.community_a)
    data = {
        "name": "小李",
        "kind": "youth",
        "phone": volunteer_a.phone,
        "community": tree.community_a.pk,
        "address": "东湖小区4栋",
        "skills": "理发",
    }  # no "active": stand down
    page = client.post(f"/volunteers/{volunteer_a.pk}/edit/", data).content.decode()
    assert "请先结束结对" in page
    volunteer_a.refresh_from_db()
    assert volunteer_a.active and volunteer_a.address == "东湖小区3栋1单元"
    assert client.post(f"/volunteers/{volunteer_a.pk}/edit/", data | {"active": "on"}).status_code == 302
    volunteer_a.refresh_from_db()
    assert (volunteer_a.kind, volunteer_a.building) == ("youth", "4")


def test_it_needs_manage_cadres_to_write(cast: Any, client_for: Any, volunteer_a: Any, cadre_a: Any) -> None:
    client = client_for(cast.city)
    assert client.get("/volunteers/").status_code == 200
    assert client.get("/volunteers/new/").status_code == 403
    assert client.get(f"/volunteers/{volunteer_a.pk}/edit/").status_code == 403
    assert (
        client.post(
            f"/volunteers/cadres/{cadre_a.pk}/", {"volunteer": volunteer_a.pk, "started_on": "2026-09-23"}
        ).status_code
        == 403
    )


def test_it_grants_a_login_from_the_detail_page(tree: Any, cast: Any, client_for: Any) -> None:
    v = make_volunteer(tree.community_a, name="王红")
    client = client_for(cast.community_a)
    weak = client.post(f"/volunteers/{v.pk}/login/", {"username": "wanghong", "password": "123"})
    assert weak.status_code == 422 and "errorlist" in weak.content.decode()
    taken = client.post(f"/volunteers/{v.pk}/login/", {"username": "worker-b", "password": "x-Pa55-word-1"})
    assert "该用户名已被使用" in taken.content.decode()
    assert (
        client.post(
            f"/volunteers/{v.pk}/login/", {"username": "wanghong", "password": "x-Pa55-word-1"}
        ).status_code
        == 302
    )
    v.refresh_from_db()
    assert v.user.username == "wanghong" and v.user.role == "volunteer"
    assert "<h2>开通登录账号</h2>" not in client.get(f"/volunteers/{v.pk}/").content.decode()


# ---------------------------------------------------------------- pairing page


def test_it_suggests_pairs_and_re_pairs_from_the_cadre_page(
    tree: Any, cast: Any, client_for: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    cadre_a.address = "东湖小区3栋2单元"
    cadre_a.save(update_fields=["address"])
    other = make_volunteer(tree.community_a, name="老周", address="东湖小区9栋")
    client = client_for(cast.community_a)
    page = client.get(f"/volunteers/cadres/{cadre_a.pk}/").content.decode()
    assert page.index(f'id="suggest-{volunteer_a.pk}"') < page.index(f'id="suggest-{other.pk}"')
    assert "同楼栋" in page and "尚未结对" in page
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, user=cast.community_a, action="view").exists()

    first = client.post(
        f"/volunteers/cadres/{cadre_a.pk}/", {"volunteer": volunteer_a.pk, "started_on": "2026-03-01"}
    )
    assert first.status_code == 302
    second = client.post(
        f"/volunteers/cadres/{cadre_a.pk}/", {"other_volunteer": "老周", "started_on": "2026-09-01"}
    )  # typed by name, no suggestion tapped
    assert second.status_code == 302
    page = client.get(f"/volunteers/cadres/{cadre_a.pk}/").content.decode()
    current = page[page.index('id="current"') : page.index('id="pair"')]
    history = page[page.index('id="history"') :]
    assert "老周" in current and "小李" in history and "改由 老周 结对" in history


def test_it_shows_pairing_errors_on_the_page(
    tree: Any, cast: Any, client_for: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    client = client_for(cast.community_a)
    future = client.post(
        f"/volunteers/cadres/{cadre_a.pk}/", {"volunteer": volunteer_a.pk, "started_on": "2026-10-01"}
    )
    assert "结对日期不能晚于今天" in future.content.decode()
    assert (
        "请选择一位志愿者"
        in client.post(f"/volunteers/cadres/{cadre_a.pk}/", {"started_on": "2026-09-01"}).content.decode()
    )
    outsider = make_volunteer(tree.community_z)
    assert (
        client.post(
            f"/volunteers/cadres/{cadre_a.pk}/", {"volunteer": outsider.pk, "started_on": "2026-09-01"}
        ).status_code
        == 404
    )
    assert not Pairing.objects.exists()


def test_it_ends_a_pairing_from_the_cadre_page(
    cast: Any, client_for: Any, cadre_a: Any, volunteer_a: Any
) -> None:
    pairing = pair(cadre_a, volunteer_a)
    client = client_for(cast.community_a)
    response = client.post(
        f"/volunteers/pairings/{pairing.pk}/end/", {"ended_on": "2026-09-22", "reason": "老人入住养老机构"}
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.ended_on, pairing.end_reason) == (date(2026, 9, 22), "老人入住养老机构")
    again = client.post(
        f"/volunteers/pairings/{pairing.pk}/end/", {"ended_on": "2026-09-23", "reason": "x"}, follow=True
    )
    assert "已于" in again.content.decode()


def test_it_lists_eligible_cadres_with_partners_in_constant_queries(
    tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    CadreFactory(
        community=tree.community_a,
        name="同住老人",
        living_arrangement=LivingArrangement.WITH_CHILDREN,
        health_status=HealthStatus.GOOD,
    )
    volunteers_in(tree.community_a, 3)
    with django_assert_max_num_queries(8) as few:
        page = client.get("/volunteers/cadres/").content.decode()
    assert "同住老人" not in page and 'badge warn">未结对' not in page
    volunteers_in(tree.community_a, 30)
    CadreFactory.create_batch(5, community=tree.community_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/volunteers/cadres/?unpaired=1").content.decode()
    assert "共 <strong>5</strong> 人" in page


# ---------------------------------------------------------------- follow-up


def test_it_lists_flagged_contacts_for_the_community_until_followed_up(
    tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    def flagged(n: int) -> list[ContactLog]:
        return [
            ContactLog.objects.create(
                pairing=pair(CadreFactory(community=tree.community_a), v),
                on=date(2026, 9, 20),
                needs_attention=True,
                note=f"需要帮助{v.pk}",
            )
            for v in [make_volunteer(tree.community_a) for _ in range(n)]
        ]

    client = client_for(cast.community_a)
    logs = flagged(3)
    ContactLog.objects.create(pairing=logs[0].pairing, on=date(2026, 9, 21), note="一切正常")
    with django_assert_max_num_queries(8) as few:
        page = client.get("/volunteers/attention/").content.decode()
    assert f'id="contact-{logs[0].pk}"' in page and "一切正常" not in page
    flagged(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/volunteers/attention/")
    assert client.post(f"/volunteers/contacts/{logs[0].pk}/follow-up/").status_code == 302
    assert f'id="contact-{logs[0].pk}"' not in client.get("/volunteers/attention/").content.decode()


# ---------------------------------------------------------------- the volunteer's own pages


@pytest.fixture
def paired(cadre_a: Any, volunteer_a: Any) -> Pairing:
    Condition.objects.create(cadre=cadre_a, name="高血压")
    cadre_a.habits = "早睡早起"
    cadre_a.save(update_fields=["habits"])
    FamilyContactFactory(cadre=cadre_a, name="张小明", relation="儿子", phone="13900001111")
    return pair(cadre_a, volunteer_a, started_on=date(2026, 5, 1))


PRIVATE = ["身份证", "高血压", "健康", "早睡早起", "一般"]  # ID number, health, habits: staff only


def test_it_shows_a_volunteer_only_contact_data_of_their_cadres(
    tree: Any, cast: Any, client_for: Any, paired: Pairing, cadre_a: Any
) -> None:
    CadreFactory(community=tree.community_a, name="别人的老人")
    page = client_for(cast.volunteer).get("/volunteers/me/").content.decode()
    assert "张德明" in page and cadre_a.address in page and "13871234567" in page
    assert "张小明" in page and "13900001111" in page
    assert "别人的老人" not in page and cadre_a.id_number not in page and cadre_a.id_number[-4:] not in page
    for word in PRIVATE:
        assert word not in page, word
    view = AuditEvent.objects.get(user=cast.volunteer, action="view")
    assert view.cadre_id == cadre_a.pk and "联系方式" in view.detail


def test_it_gives_a_volunteer_a_limited_view_of_one_cadre(
    tree: Any, cast: Any, client_for: Any, paired: Pairing, cadre_a: Any
) -> None:
    client = client_for(cast.volunteer)
    page = client.get(f"/volunteers/me/cadres/{cadre_a.pk}/").content.decode()
    assert "张德明" in page and "13871234567" in page and "张小明" in page
    for word in PRIVATE:
        assert word not in page, word
    assert AuditEvent.objects.filter(user=cast.volunteer, cadre_id=cadre_a.pk, action="view").count() == 1
    stranger = CadreFactory(community=tree.community_a)
    assert client.get(f"/volunteers/me/cadres/{stranger.pk}/").status_code == 404


def test_it_sends_a_volunteer_from_the_staff_detail_page_to_the_limited_view(
    cast: Any, client_for: Any, paired: Pairing, cadre_a: Any
) -> None:
    response = client_for(cast.volunteer).get(f"/cadres/{cadre_a.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/volunteers/me/cadres/{cadre_a.pk}/"


def test_it_logs_a_contact_from_the_phone(cast: Any, client_for: Any, paired: Pairing) -> None:
    client = client_for(cast.volunteer)
    form = client.get(f"/volunteers/me/pairings/{paired.pk}/contact/").content.decode()
    assert 'name="contact_form"' in form and "陪同外出" in form
    data = {"on": "2026-09-22", "contact_form": "escort", "note": "陪同去医院复查", "needs_attention": "on"}
    assert client.post(f"/volunteers/me/pairings/{paired.pk}/contact/", data).status_code == 302
    log = ContactLog.objects.get()
    assert (log.form, log.needs_attention, log.created_by) == ("escort", True, cast.volunteer)
    assert "上次联系 2026年9月22日" in client.get("/volunteers/me/").content.decode()
    assert "陪同去医院复查" in client_for(cast.community_a).get("/volunteers/attention/").content.decode()


def test_it_shows_a_volunteer_nothing_once_the_pairing_ends(
    cast: Any, client_for: Any, paired: Pairing, cadre_a: Any
) -> None:
    Pairing.objects.filter(pk=paired.pk).update(ended_on=date(2026, 9, 22), end_reason="搬离")
    client = client_for(cast.volunteer)
    assert "张德明" not in client.get("/volunteers/me/").content.decode()
    assert client.get(f"/volunteers/me/cadres/{cadre_a.pk}/").status_code == 404
    assert client.get(f"/volunteers/me/pairings/{paired.pk}/contact/").status_code == 404
    assert client.get(f"/cadres/{cadre_a.pk}/", follow=True).status_code == 404


def test_it_keeps_a_volunteer_off_the_staff_pages(
    cast: Any, client_for: Any, paired: Pairing, cadre_a: Any, volunteer_a: Any
) -> None:
    client = client_for(cast.volunteer)
    for url in (
        "/volunteers/",
        f"/volunteers/{volunteer_a.pk}/",
        f"/volunteers/cadres/{cadre_a.pk}/",  # even their own cadre's pairing page: it lists other volunteers
        "/volunteers/cadres/",
        "/volunteers/attention/",
        "/volunteers/new/",
    ):
        assert client.get(url).status_code == 404, url
    # ... and staff off the volunteer's.
    assert client_for(cast.community_a).get("/volunteers/me/").status_code == 404


def test_it_keeps_one_volunteer_off_another_s_pairing(
    tree: Any, cast: Any, client_for: Any, paired: Pairing, cadre_a: Any
) -> None:
    from jiujin.conftest import make_user

    other_user = make_user("volunteer-2", "volunteer", tree.community_a)
    make_volunteer(tree.community_a, user=other_user)
    client = client_for(other_user)
    assert "张德明" not in client.get("/volunteers/me/").content.decode()
    assert client.get(f"/volunteers/me/pairings/{paired.pk}/contact/").status_code == 404
    assert (
        client.post(
            f"/volunteers/me/pairings/{paired.pk}/contact/", {"on": "2026-09-22", "contact_form": "phone"}
        ).status_code
        == 404
    )


def test_it_pins_the_volunteer_home_queries(
    tree: Any, cast: Any, client_for: Any, volunteer_a: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.volunteer)
    for cadre in CadreFactory.create_batch(2, community=tree.community_a):
        FamilyContactFactory(cadre=cadre)
        pair(cadre, volunteer_a)
    with django_assert_max_num_queries(12) as few:
        client.get("/volunteers/me/")
    for cadre in CadreFactory.create_batch(8, community=tree.community_a):
        FamilyContactFactory(cadre=cadre)
        pair(cadre, volunteer_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/volunteers/me/").content.decode()
    assert page.count("记录联系") == 10


# ---------------------------------------------------------------- the cadre detail page's card


def test_it_renders_the_pairing_card(cadre_a: Any, volunteer_a: Any) -> None:
    template = Template("{% load volunteer_tags %}{% pairing_card cadre %}")
    assert "尚未结对" in template.render(Context({"cadre": cadre_a}))
    pair(cadre_a, volunteer_a)
    assert "小李" in template.render(Context({"cadre": cadre_a}))
