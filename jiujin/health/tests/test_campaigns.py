"""Free check-up campaigns and health lectures: attendees in scope, counts per unit and half-year."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jiujin.audit.models import AuditEvent
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.health.models import CampaignKind, HealthCampaign
from jiujin.health.selectors import campaign_stats

pytestmark = pytest.mark.django_db


def campaign(
    unit: Any, on: date, kind: str = CampaignKind.LECTURE, attendees: tuple = (), **fields: Any
) -> HealthCampaign:
    c = HealthCampaign.objects.create(
        kind=kind, title=fields.pop("title", "高血压防治讲座"), date=on, org_unit=unit, **fields
    )
    c.attendees.set(attendees)
    return c


def test_it_needs_view_health(cast: Any, client_for: Any) -> None:
    for url in ("/health/", "/health/campaigns/new/", "/health/stats/", "/health/campaigns/cadres/?q=zdm"):
        assert client_for(cast.street).get(url).status_code == 403
        assert client_for(cast.volunteer).get(url).status_code == 404
        assert client_for(cast.community_a).get(url).status_code == 200


def test_it_creates_a_campaign_with_attendees_and_audits_each(
    cadre_a: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    other = CadreFactory(community=tree.community_a, name="王秀英")
    data = {
        "kind": "checkup",
        "title": "春季义诊",
        "date": "2026-03-15",
        "org_unit": tree.community_a.pk,
        "place": "社区活动室",
        "headcount": "",
        "attendees": [cadre_a.pk, other.pk],
    }
    response = client_for(cast.community_a).post("/health/campaigns/new/", data)
    assert response.status_code == 302
    c = HealthCampaign.objects.get()
    assert set(c.attendees.all()) == {cadre_a, other} and c.headcount == 2  # empty headcount → the cadres
    rows = AuditEvent.objects.filter(cadre_id__in=[cadre_a.pk, other.pk], action="update")
    assert {r.detail for r in rows} == {"健康活动参加：义诊/免费体检“春季义诊”"} and rows.count() == 2


def test_it_refuses_attendees_out_of_scope(tree: Any, cast: Any, client_for: Any) -> None:
    stranger = CadreFactory(community=tree.community_b)
    data = {
        "kind": "lecture",
        "title": "讲座",
        "date": "2026-03-15",
        "org_unit": tree.community_a.pk,
        "attendees": [stranger.pk],
    }
    page = client_for(cast.community_a).post("/health/campaigns/new/", data)
    assert page.status_code == 200 and not HealthCampaign.objects.exists()
    data |= {"org_unit": tree.community_b.pk, "attendees": []}
    assert client_for(cast.community_a).post("/health/campaigns/new/", data).status_code == 200
    assert not HealthCampaign.objects.exists()


def test_editing_keeps_attendees_the_editor_cannot_see(
    cadre_a: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    b_cadre = CadreFactory(community=tree.community_b)
    c = campaign(tree.community_a, date(2026, 3, 1), attendees=(cadre_a, b_cadre), headcount=2)
    page = client_for(cast.community_a).get(f"/health/campaigns/{c.pk}/").content.decode()
    assert cadre_a.name in page and b_cadre.name not in page
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, action="view").count() == 1
    data = {
        "kind": "lecture",
        "title": "改名讲座",
        "date": "2026-03-01",
        "org_unit": tree.community_a.pk,
        "headcount": "5",
    }
    client_for(cast.community_a).post(f"/health/campaigns/{c.pk}/", data)  # cadre_a unticked
    c.refresh_from_db()
    assert list(c.attendees.all()) == [b_cadre] and (c.title, c.headcount) == ("改名讲座", 5)
    change = AuditEvent.objects.get(cadre_id=None, action="update")
    assert change.changes["title"] == ["高血压防治讲座", "改名讲座"]
    assert change.changes["attendees"] == [sorted([cadre_a.pk, b_cadre.pk]), [b_cadre.pk]]


def test_a_community_sees_its_streets_campaigns_but_not_its_siblings(
    tree: Any, cast: Any, client_for: Any
) -> None:
    street = campaign(tree.street, date(2026, 3, 1), title="街道健康讲座")
    campaign(tree.community_b, date(2026, 3, 2), title="B社区义诊")
    campaign(tree.community_z, date(2026, 3, 3), title="Z社区义诊")
    page = client_for(cast.community_a).get("/health/").content.decode()
    assert "街道健康讲座" in page and "B社区义诊" not in page and "Z社区义诊" not in page
    assert f"/health/campaigns/{street.pk}/" not in page  # seen, not edited
    assert client_for(cast.community_a).get(f"/health/campaigns/{street.pk}/").status_code == 404


def test_the_picker_keeps_ticked_cadres_and_searches_in_scope(
    cadre_a: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    CadreFactory(community=tree.community_b, name="张德华")
    ticked = CadreFactory(community=tree.community_a, name="王秀英")
    page = client_for(cast.community_a).get(
        "/health/campaigns/cadres/", {"q": "张德", "attendees": [ticked.pk]}
    )
    html = page.content.decode()
    assert "张德明" in html and "张德华" not in html
    assert (
        html.index("王秀英") < html.index("张德明")
        and f'value="{ticked.pk}" form="campaign-form" checked' in html
    )


def test_it_counts_lectures_checkups_and_attendees_per_half_year(cadre_a: Any, tree: Any, cast: Any) -> None:
    others = CadreFactory.create_batch(2, community=tree.community_a)
    for month in (1, 3, 5):
        campaign(tree.community_a, date(2026, month, 10), attendees=(cadre_a, *others), headcount=20)
    campaign(
        tree.community_a, date(2026, 4, 1), kind=CampaignKind.CHECKUP, attendees=(cadre_a,), headcount=35
    )
    campaign(tree.community_a, date(2026, 7, 1), kind=CampaignKind.CHECKUP, headcount=10)
    campaign(tree.street, date(2026, 2, 1), headcount=50)
    campaign(tree.community_b, date(2026, 2, 1), headcount=50)
    campaign(tree.community_a, date(2025, 12, 31), headcount=9)
    stats = campaign_stats(cast.community_a, start=date(2026, 1, 1), end=date(2026, 12, 31))
    rows = [(s.unit, s.half_label, s.lectures, s.checkups, s.attendees, s.headcount) for s in stats]
    assert rows == [
        ("社区A", "2026年下半年", 0, 1, 0, 10),
        ("东湖街道", "2026年上半年", 1, 0, 0, 50),
        ("社区A", "2026年上半年", 3, 1, 10, 95),
    ]


def test_the_stats_page_shows_the_counts(cadre_a: Any, tree: Any, cast: Any, client_for: Any) -> None:
    campaign(tree.community_a, date(2026, 3, 10), attendees=(cadre_a,), headcount=20)
    page = client_for(cast.community_a).get("/health/stats/", {"year": "2026"}).content.decode()
    assert "2026年上半年" in page and "1 场" in page and "20 人次" in page


def test_the_lists_take_constant_queries(
    tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    cadres = CadreFactory.create_batch(3, community=tree.community_a)

    def add(n: int) -> None:
        for i in range(n):
            campaign(tree.community_a, date(2026, 1 + i % 12, 1), attendees=cadres, headcount=5)

    add(3)
    for url in ("/health/", "/health/stats/?year=2026"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    add(27)
    for url in ("/health/", "/health/stats/?year=2026"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
