"""The former work unit's contact (原单位老干部工作联系人): their retirees' names and the opinions routed to
them, and an answer — nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError

from jiujin.accounts.models import Role, User
from jiujin.core.access import is_work_unit, staff_community_ids
from jiujin.core.registry import menu_for

from .helpers import give_work_unit, make_contact, make_opinion


@pytest.fixture
def contact(cadre_a: Any) -> User:
    return make_contact(give_work_unit(cadre_a))


def test_it_is_outside_the_tree(contact: User) -> None:
    assert is_work_unit(contact)
    assert staff_community_ids(contact) == []
    assert [entry["url"] for entry in menu_for(contact)] == [
        "/opinions/work-unit/",
        "/opinions/work-unit/retirees/",
    ]


def test_it_needs_a_work_unit_and_no_unit_in_the_tree(tree: Any, cadre_a: Any) -> None:
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="wu-bad", role=Role.WORK_UNIT, org_unit=tree.community_a)


def test_it_sends_the_contact_home_to_their_opinions(client_for: Any, contact: User) -> None:
    response = client_for(contact).get("/")
    assert response.status_code == 302 and response.url == "/opinions/work-unit/"


def test_it_shows_only_their_retirees_names(
    client_for: Any, tree: Any, cast: Any, cadre_a: Any, contact: User
) -> None:
    from jiujin.cadres.tests.factories import CadreFactory

    CadreFactory(name="李其他", community=tree.community_a)  # another work unit's retiree
    page = client_for(contact).get("/opinions/work-unit/retirees/").content.decode()
    assert "张德明" in page and "社区A" in page
    assert "李其他" not in page
    for secret in (cadre_a.id_number, cadre_a.phone_mobile, cadre_a.address):
        assert not secret or secret not in page


def test_it_shows_and_answers_only_opinions_routed_to_them(
    client_for: Any, cast: Any, cadre_a: Any, contact: User
) -> None:
    routed = make_opinion(cast.community_a, cadre_a, route_to="work_unit", content="补发取暖费")
    elsewhere = make_opinion(cast.community_a, cadre_a, route_to="bureau", content="老干部局的事")
    client = client_for(contact)
    page = client.get("/opinions/work-unit/").content.decode()
    assert "补发取暖费" in page and "老干部局的事" not in page
    detail = client.get(f"/opinions/{routed.pk}/").content.decode()
    assert cadre_a.phone_mobile not in detail and "打印转办单" not in detail
    assert client.get(f"/opinions/{elsewhere.pk}/").status_code == 404
    assert (
        client.post(f"/opinions/{routed.pk}/reply/", {"reply": "已补发", "outcome": "solved"}).status_code
        == 302
    )
    routed.refresh_from_db()
    assert (routed.state, routed.answered_by) == ("answered", contact)
    assert client.post(f"/opinions/{routed.pk}/rate/", {"satisfaction": "5"}).status_code == 404
    assert client.get(f"/opinions/{routed.pk}/slip.pdf").status_code == 404


def test_it_reaches_nothing_else(client_for: Any, cast: Any, cadre_a: Any, contact: User) -> None:
    client = client_for(contact)
    for url in (
        "/cadres/",
        f"/cadres/{cadre_a.pk}/",
        "/opinions/",
        "/opinions/stats/",
        "/opinions/export/",
        f"/opinions/new/?cadre={cadre_a.pk}",
        "/requests/mine/",
        "/visits/",
    ):
        assert client.get(url).status_code == 404, url


def test_it_refuses_another_work_units_contact(
    client_for: Any, cast: Any, cadre_a: Any, contact: User
) -> None:
    routed = make_opinion(cast.community_a, cadre_a, route_to="work_unit")
    stranger = make_contact(give_work_unit(_other_cadre(cadre_a), "麻城市教育局"), "wu-2")
    client = client_for(stranger)
    assert client.get(f"/opinions/{routed.pk}/").status_code == 404
    assert (
        client.post(f"/opinions/{routed.pk}/reply/", {"reply": "x", "outcome": "solved"}).status_code == 404
    )
    assert "张德明" not in client.get("/opinions/work-unit/retirees/").content.decode()


def _other_cadre(cadre_a: Any) -> Any:
    from jiujin.cadres.tests.factories import CadreFactory

    return CadreFactory(community=cadre_a.community)
