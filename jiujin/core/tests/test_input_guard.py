"""Control characters and lone surrogates are refused at the door, for every form and API body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jiujin.accounts.models import ApiToken
from jiujin.cadres.models import Cadre

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bad", ["楼\x01下", "a\x00b", "\x0b", "\ud800"])
def test_it_refuses_a_control_character_in_an_api_body_with_422(
    cast: Any, cadre_a: Any, client: Any, bad: str
) -> None:
    token = ApiToken.issue(cast.community_a)[1]
    body = json.dumps({"address": bad})  # \u escapes, as a JSON client sends them

    response = client.patch(
        f"/api/v1/cadres/{cadre_a.pk}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "address"]
    assert "控制字符" in response.json()["detail"][0]["msg"]
    cadre_a.refresh_from_db()
    assert bad not in cadre_a.address


def test_it_refuses_a_control_character_in_a_form_with_a_chinese_page(
    cast: Any, cadre_a: Any, client_for: Any
) -> None:
    response = client_for(cast.community_a).post(
        f"/cadres/{cadre_a.pk}/edit/", {"name": "张德明", "habits": "早\x0b睡"}
    )

    assert response.status_code == 400
    assert "habits" in response.content.decode() and "控制字符" in response.content.decode()
    assert Cadre.objects.get(pk=cadre_a.pk).habits != "早\x0b睡"


def test_it_lets_tabs_and_newlines_through(cast: Any, cadre_a: Any, client_for: Any) -> None:
    response = client_for(cast.community_a).post(f"/cadres/{cadre_a.pk}/edit/", {"habits": "早睡\r\n\t早起"})

    assert response.status_code != 400


def test_it_answers_numbers_past_64_bits_with_4xx(cast: Any, cadre_a: Any, client_for: Any) -> None:
    huge = "9" * 20
    client = client_for(cast.community_a)
    assert client.get(f"/cadres/{huge}/").status_code == 404
    assert client.get("/requests/", {"cadre": huge}).status_code == 400
    assert client.get("/cadres/", {"page": huge}).status_code < 500
    token = ApiToken.issue(cast.community_a)[1]
    api = {"headers": {"Authorization": f"Bearer {token}"}}
    assert client.get(f"/api/v1/cadres/{huge}", **api).status_code == 404
    assert client.get("/api/v1/service-requests", {"cadre": huge}, **api).status_code == 422
    assert client.get("/api/v1/cadres", {"page": 92_233_720_368_547_760}, **api).status_code == 422
    body = json.dumps({"cadre": 2**64, "category": "other", "urgency": "normal", "description": "x"})
    response = client.post("/api/v1/service-requests", body, content_type="application/json", **api)
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "cadre"]


def test_it_refuses_a_control_character_in_a_query(cast: Any, client_for: Any, client: Any) -> None:
    # A NUL in a search made PostgreSQL fail the whole request (found by the API fuzz test).
    token = ApiToken.issue(cast.community_a)[1]
    response = client.get("/api/v1/volunteers?community=%00", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "community"]
    page = client_for(cast.community_a).get("/cadres/?q=%E5%BC%A0%00")
    assert page.status_code == 400 and "控制字符" in page.content.decode()
