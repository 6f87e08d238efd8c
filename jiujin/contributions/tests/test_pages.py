"""The 发挥作用 pages: they render for the chain of command, refuse outsiders, keep their query counts flat,
log through one form, and export a formula-safe, audited ledger."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.contributions.models import Contribution, TalentEntry, TeamMember
from jiujin.contributions.services import talent_nominate

from .helpers import actor, donate, log_hours, make_story, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any, tree: Any, cadre_a: Any) -> dict[str, Any]:
    team = make_team(cast.community_a, tree.community_a, [cadre_a])
    entry = talent_nominate(actor=actor(cast.community_a), cadre=cadre_a, field="law", joined_via="self")
    log_hours(cast.community_a, cadre_a, "2")
    return {"team": team, "entry": entry}


def many(cast: Any, tree: Any, n: int) -> None:
    cadres = CadreFactory.create_batch(n, community=tree.community_a)
    team = make_team(cast.community_a, tree.community_a, cadres, name=f"辅导队{n}", role="tutor")
    for i, cadre in enumerate(cadres):
        log_hours(cast.community_a, cadre, "1", kind="tutor")
        donate(cast.community_a, cadre, "10.5", f"N{n}-{i}")
        talent_nominate(actor=actor(cast.community_a), cadre=cadre, field="art", joined_via="self")
        make_story(cast.community_a, tree.community_a, cadre)
    assert team.pk


LIST_PAGES = [
    "/contributions/",
    "/contributions/?unit=421102001001",
    "/contributions/records/",
    "/contributions/records/?kind=donation",
    "/contributions/talent/",
    "/contributions/talent/due/",
    "/contributions/teams/",
    "/contributions/stories/",
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_it_keeps_list_pages_to_a_fixed_number_of_queries(
    client_for: Any, cast: Any, tree: Any, world: Any, url: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    many(cast, tree, 3)
    with django_assert_max_num_queries(14):
        few = client.get(url)
    many(cast, tree, 12)
    with django_assert_max_num_queries(14):
        more = client.get(url)
    assert few.status_code == more.status_code == 200


@pytest.mark.parametrize("user", ["community_a", "street", "district", "city", "admin"])
def test_it_shows_every_page_to_the_chain_of_command(
    client_for: Any, cast: Any, world: Any, user: str
) -> None:
    client = client_for(getattr(cast, user))
    team, entry = world["team"], world["entry"]
    pages = [
        *LIST_PAGES[:1],
        "/contributions/talent/",
        "/contributions/teams/",
        f"/contributions/teams/{team.pk}/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    manage = f"/contributions/talent/{entry.pk}/review/"
    assert client.get(manage).status_code == (403 if user == "city" else 200)


def test_it_refuses_outsiders_objects_of_community_a(client_for: Any, cast: Any, world: Any) -> None:
    team, entry = world["team"], world["entry"]
    for user in cast.outsiders():
        client = client_for(user)
        for url in (
            f"/contributions/teams/{team.pk}/",
            f"/contributions/teams/{team.pk}/outing/",
            f"/contributions/talent/{entry.pk}/review/",
        ):
            assert client.get(url).status_code == 404, (user, url)
        client.post(f"/contributions/teams/{team.pk}/outing/", {"date": "2026-09-23", "title": "x"})
        assert "张德明" not in client.get("/contributions/talent/").content.decode()
    assert Contribution.objects.count() == 1


def test_it_logs_a_team_outing_from_one_form(client_for: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    other = CadreFactory(community=tree.community_a)
    team = make_team(cast.community_a, tree.community_a, [cadre_a, other])
    client = client_for(cast.community_a)
    url = f"/contributions/teams/{team.pk}/outing/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"date": "2026-09-22", "title": "夜间巡逻", f"hours_{cadre_a.pk}": "2", f"hours_{other.pk}": ""}
    )
    assert response.status_code == 302
    assert list(Contribution.objects.values_list("cadre_id", "hours")) == [(cadre_a.pk, 2)]
    bad = client.post(
        url, {"date": "2026-09-22", "title": "巡逻", f"hours_{cadre_a.pk}": "2", f"hours_{other.pk}": "30"}
    )
    assert bad.status_code == 200
    assert Contribution.objects.count() == 1


def test_it_logs_a_donation_from_the_form_and_shows_the_receipt_rule(
    client_for: Any, cast: Any, cadre_a: Any
) -> None:
    client = client_for(cast.community_a)
    assert "张德明" in client.get(f"/contributions/log/?cadre={cadre_a.pk}").content.decode()
    data = {
        "cadre": cadre_a.pk,
        "kind": "donation",
        "date": "2026-09-20",
        "amount": "88.80",
        "receipt_no": "R1",
    }
    assert client.post("/contributions/log/", data).status_code == 302
    again = client.post("/contributions/log/", data)
    assert "已经登记过" in again.content.decode()
    assert Contribution.objects.count() == 1


def test_it_nominates_and_reviews_from_the_pages(client_for: Any, cast: Any, cadre_a: Any) -> None:
    client = client_for(cast.community_a)
    data = {"cadre": cadre_a.pk, "field": "education", "joined_via": "nomination", "joined_on": "2026-09-23"}
    assert client.post("/contributions/talent/new/", data).status_code == 302
    entry = TalentEntry.objects.get()
    assert entry.nominator_name == cast.community_a.display_name
    response = client.post(f"/contributions/talent/{entry.pk}/review/", {"outcome": "remove", "note": "搬家"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.removed_on == date(2026, 9, 23)


def test_it_adds_and_removes_team_members(client_for: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    team = make_team(cast.community_a, tree.community_a, [])
    client = client_for(cast.community_a)
    assert client.post(f"/contributions/teams/{team.pk}/members/", {"cadre": cadre_a.pk}).status_code == 302
    assert TeamMember.objects.filter(team=team, cadre=cadre_a).exists()
    stranger = CadreFactory(community=tree.community_b)
    assert client.post(f"/contributions/teams/{team.pk}/members/", {"cadre": stranger.pk}).status_code == 422
    client.post(f"/contributions/teams/{team.pk}/members/remove/", {"cadre": cadre_a.pk})
    assert not TeamMember.objects.filter(team=team).exists()


def test_it_shows_the_panel_on_the_cadre_page(client_for: Any, cast: Any, world: Any, cadre_a: Any) -> None:
    body = client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/", follow=True).content.decode()
    assert "发挥作用" in body and "社区A义务巡逻队" in body and "2 小时" in body


def test_it_exports_a_formula_safe_audited_ledger(client_for: Any, cast: Any, cadre_a: Any) -> None:
    log_hours(cast.community_a, cadre_a, "2")
    Contribution.objects.update(note='=HYPERLINK("http://x","y")')
    response = client_for(cast.community_a).get("/contributions/export/?start=2026-01-01&end=2026-12-31")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][2] == "张德明"
    cell = sheet.cell(row=2, column=10)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, cadre_id=cadre_a.pk).exists()


def test_it_refuses_the_export_without_the_capability(client_for: Any, cast: Any) -> None:
    cast.volunteer.refresh_from_db()
    assert client_for(cast.volunteer).get("/contributions/export/").status_code in {403, 404}


def test_it_creates_a_team_from_the_page_with_its_leader_as_a_member(
    client_for: Any, cast: Any, tree: Any, cadre_a: Any
) -> None:
    client = client_for(cast.community_a)
    assert client.get("/contributions/teams/new/").status_code == 200
    data = {
        "name": "社区A调解队",
        "role": "mediator",
        "org_unit": tree.community_a.pk,
        "leader": cadre_a.pk,
        "active": "on",
    }
    response = client.post("/contributions/teams/new/", data)
    assert response.status_code == 302
    assert TeamMember.objects.filter(team__name="社区A调解队", cadre=cadre_a).exists()
    outsider = CadreFactory(community=tree.community_b)
    refused = client_for(cast.street).post(
        "/contributions/teams/new/", {**data, "name": "x", "leader": outsider.pk}
    )
    assert refused.status_code == 200 and "队长应是社区A的老干部" in refused.content.decode()


def test_it_filters_the_pool_by_field_and_unit(client_for: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    other = CadreFactory(community=tree.community_b, name="王秀兰")
    talent_nominate(actor=actor(cast.community_a), cadre=cadre_a, field="law", joined_via="self")
    talent_nominate(actor=actor(cast.community_b), cadre=other, field="art", joined_via="self")
    client = client_for(cast.street)
    both = client.get("/contributions/talent/").content.decode()
    assert "张德明" in both and "王秀兰" in both
    law = client.get("/contributions/talent/?field=law").content.decode()
    assert "张德明" in law and "王秀兰" not in law
    b = client.get(f"/contributions/talent/?unit={tree.community_b.code}").content.decode()
    assert "张德明" not in b and "王秀兰" in b
    assert (
        client_for(cast.community_a).get(f"/contributions/talent/?unit={tree.community_b.code}").status_code
        == 404
    )


def test_it_lists_one_cadres_records(client_for: Any, cast: Any, tree: Any, cadre_a: Any) -> None:
    log_hours(cast.community_a, cadre_a, "2")
    log_hours(cast.community_a, CadreFactory(community=tree.community_a), "3")
    body = client_for(cast.community_a).get(f"/contributions/records/?cadre={cadre_a.pk}").content.decode()
    assert "共 1 条" in body
