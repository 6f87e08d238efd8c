"""Huge numbers, impossible months and lone surrogates are a 4xx with a Chinese message, never a 500 (issue 7).

SQLite overflows past 2**63 ("Python int too large to convert to SQLite INTEGER"), PostgreSQL answers
NumericValueOutOfRange; the ids are BigAutoField, so anything that fits 64 bits is a valid (missing) id on both.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jiujin.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

HUGE = "9" * 20
BIGINT_MAX = str(2**63 - 1)
PAST_BIGINT = str(2**63)

PAGES = [
    f"/requests/?page={HUGE}",
    f"/requests/?page={BIGINT_MAX}",
    f"/requests/?page=-{BIGINT_MAX}",
    f"/requests/?cadre={HUGE}",
    f"/requests/?cadre={PAST_BIGINT}",
    f"/requests/?cadre={BIGINT_MAX}",
    f"/requests/new/?cadre={HUGE}",
    f"/requests/new/?visit_record={HUGE}",
    f"/requests/{PAST_BIGINT}/",
    f"/visits/?cadre={HUGE}",
    f"/cadres/?page={HUGE}",
    f"/cadres/?page={BIGINT_MAX}",
    f"/cadres/{HUGE}/",
    f"/volunteers/?page={BIGINT_MAX}",
]
MONTHS = ["9999-12", "0001-01", "0000-00", "10000-01", "-1-01", "2026-13", "garbage", "%ED%A0%80", ""]
API = [
    f"/api/v1/service-requests?page={HUGE}",
    f"/api/v1/service-requests?page={BIGINT_MAX}",
    f"/api/v1/service-requests?cadre={HUGE}",
    f"/api/v1/service-requests?cadre={BIGINT_MAX}",
    f"/api/v1/cadres?page={HUGE}",
    f"/api/v1/cadres?page={BIGINT_MAX}",
    f"/api/v1/cadres/{HUGE}",
    f"/api/v1/visits?cadre={HUGE}",
]


@pytest.mark.parametrize("url", PAGES)
def test_it_answers_huge_ids_and_pages_on_the_pages_below_500(cast: Any, client_for: Any, url: str) -> None:
    assert client_for(cast.street).get(url).status_code < 500


@pytest.mark.parametrize("month", MONTHS)
def test_it_shows_this_month_for_a_month_the_calendar_cannot_hold(
    cast: Any, client_for: Any, month: str
) -> None:
    # 9999-12 and 0001-01 have no next or previous month: they raised OverflowError (500).
    response = client_for(cast.community_a).get(f"/visits/calendar/?month={month}")

    assert response.status_code == 200


def test_it_still_shows_a_month_in_range(cast: Any, client_for: Any) -> None:
    response = client_for(cast.community_a).get("/visits/calendar/", {"month": "2100-12"})

    assert response.status_code == 200
    assert response.context["first"].isoformat() == "2100-12-01"


@pytest.mark.parametrize("url", API)
def test_it_answers_huge_ids_and_pages_over_the_api_below_500(cast: Any, client: Any, url: str) -> None:
    token = ApiToken.issue(cast.street)[1]

    response = client.get(url, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code < 500


@pytest.mark.parametrize("method", ["post", "patch"])
def test_it_refuses_a_lone_surrogate_in_a_json_body_with_422(
    cast: Any, cadre_a: Any, client: Any, method: str
) -> None:
    token = ApiToken.issue(cast.community_a)[1]
    url = "/api/v1/cadres" if method == "post" else f"/api/v1/cadres/{cadre_a.pk}"

    response = getattr(client, method)(
        url,
        json.dumps({"name": "\ud800"}),  # sent as the escape \ud800, as a JSON client does
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert "字符" in response.json()["detail"][0]["msg"]
