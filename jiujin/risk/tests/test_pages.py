"""The radar page, the worker's home panel, the cadre panel, the frequencies page, the supervisor's figure and
the API: in scope, in order, with pinned query counts; outsiders get 404."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.risk.models import ContactFrequency
from jiujin.risk.services import risk_recompute

from .helpers import cadre, contact

TODAY = date(2026, 6, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


@pytest.fixture
def world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    type(cadre_a).objects.filter(pk=cadre_a.pk).update(living_arrangement="alone", health_status="disabled")
    general = cadre(tree.community_a, cast.community_a, name="王一般")
    contact(general, TODAY)
    for n in range(8):
        c = cadre(tree.community_a, cast.community_a, health_status="poor", name=f"赵重点{n}")
        contact(c, TODAY - timedelta(days=25 + n))
    risk_recompute(today=TODAY)
    return {"cadre": cadre_a, "general": general}


def test_it_lists_the_worker_s_due_cadres_on_the_home_high_risk_first(
    world: dict[str, Any], cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(40):
        body = client.get("/").content.decode()
    assert "本周需要联系" in body
    assert body.index("张德明") < body.index("赵重点0")
    assert "王一般" not in body.split("本周需要联系")[1].split("</section>")[0]
    assert "没有联系记录" in body


def test_it_pins_the_home_panel_s_queries(world: dict[str, Any], cast: Any, rf: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiujin.risk.home_panels import due_panel

    request = rf.get("/")
    request.user = cast.community_a
    with CaptureQueriesContext(connection) as few:
        due_panel(request)
    for n in range(10):
        c = cadre(world["cadre"].community, cast.community_a, health_status="disabled", name=f"孙高{n}")
    risk_recompute(today=TODAY)
    with CaptureQueriesContext(connection) as many:
        html = due_panel(request)
    assert len(many) <= len(few) <= 6
    assert "孙高9" in html and c


def test_it_shows_the_radar_filtered_and_paged(
    world: dict[str, Any], cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.street)
    with django_assert_max_num_queries(20):
        page = client.get("/risk/", {"unit": cast.community_a.org_unit.code, "level": 1})
    body = page.content.decode()
    assert page.status_code == 200 and "张德明" in body and "赵重点" not in body
    assert "失能" in body and "138****4567" in body  # masked for the street
    due = client.get("/risk/", {"due": "on"}).content.decode()
    assert "赵重点7" in due and "赵重点0" in due and "王一般" not in due  # 25 days: due in 5


def test_it_refuses_outsiders_the_unit(
    world: dict[str, Any], cast: Any, client_for: Any, api_as: Any
) -> None:
    code = cast.community_a.org_unit.code
    for user in (cast.community_b, cast.community_z):
        assert client_for(user).get("/risk/", {"unit": code}).status_code == 404
        assert api_as(user).get("/risk", {"unit": code}).status_code == 404
    assert client_for(cast.volunteer).get("/risk/").status_code == 404
    assert "张德明" not in client_for(cast.community_b).get("/risk/").content.decode()


def test_it_shows_the_level_on_the_cadre_page(world: dict[str, Any], cast: Any, client_for: Any) -> None:
    body = client_for(cast.community_a).get(f"/cadres/{world['cadre'].pk}/").content.decode()
    assert "关爱等级" in body and "高风险" in body


def test_it_shows_the_on_time_share_on_the_street_home(
    world: dict[str, Any], cast: Any, client_for: Any
) -> None:
    body = client_for(cast.street).get("/").content.decode()
    assert "高风险/重点按时联系率" in body
    assert "5/9" in body  # 赵重点0..4 (25–29 days) on time; 5..7 and 张德明 (never) late


def test_it_sets_the_district_frequencies(world: dict[str, Any], cast: Any, client_for: Any) -> None:
    client = client_for(cast.district)
    assert client.get("/risk/frequencies/").status_code == 200
    data = {"high_days": 5, "priority_days": 20, "general_days": 60, "event_days": 1}
    assert client.post("/risk/frequencies/", data).status_code == 302
    assert ContactFrequency.objects.get(org_unit=cast.district.org_unit).priority_days == 20
    client.post("/risk/frequencies/", {"inherit": "on"})
    assert not ContactFrequency.objects.exists()
    assert (
        client_for(cast.community_a).post("/risk/frequencies/", data).status_code == 403
    )  # districts set it
    assert not ContactFrequency.objects.exists()


def test_it_answers_the_api_paged_and_scoped(world: dict[str, Any], cast: Any, api_as: Any) -> None:
    response = api_as(cast.street).get("/risk", {"unit": cast.community_a.org_unit.code, "level": "high"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["name"] == "张德明" and item["level"] == "high" and item["last_contact"] is None
    assert "失能" in item["reasons"] and item["due_on"] == TODAY.isoformat()
    due = api_as(cast.community_a).get("/risk", {"due": "true"}).json()
    assert {i["name"] for i in due["items"]} >= {"张德明", "赵重点7"}
