"""POST /api/v1/contributions and GET /api/v1/cadres/{id}/participation: rules, scope, the 12-month window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.contributions.models import Contribution

from .helpers import log_hours

pytestmark = pytest.mark.django_db


def body(cadre: Any, **kwargs: Any) -> dict[str, Any]:
    return {
        "cadre": cadre.pk,
        "kind": "patrol",
        "date": "2026-09-20",
        "hours": "2.5",
        "note": "夜间巡逻",
        **kwargs,
    }


def test_it_logs_service_hours(api_as: Any, cast: Any, cadre_a: Any) -> None:
    response = api_as(cast.community_a).post("/contributions", body(cadre_a))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["kind"] == "patrol" and data["unit"] == "421102001001"
    row = Contribution.objects.get(pk=data["id"])
    assert str(row.hours) == "2.5"


def test_it_logs_a_donation_to_the_fen_and_refuses_its_receipt_twice(
    api_as: Any, cast: Any, cadre_a: Any
) -> None:
    api = api_as(cast.community_a)
    donation = body(cadre_a, kind="donation", hours=None, amount="123.45", receipt_no="SJ-2026-01")
    assert api.post("/contributions", donation).status_code == 201
    again = api.post("/contributions", donation)
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "receipt_no"]
    too_fine = api.post("/contributions", {**donation, "amount": "1.234", "receipt_no": "X"})
    assert too_fine.status_code == 422
    assert Contribution.objects.get().amount == Decimal("123.45")


def test_it_logs_advice_without_hours(api_as: Any, cast: Any, cadre_a: Any) -> None:
    response = api_as(cast.community_a).post("/contributions", body(cadre_a, kind="advice", hours=None))
    assert response.status_code == 201


def test_it_refuses_bad_input_with_the_forms_messages(api_as: Any, cast: Any, cadre_a: Any) -> None:
    api = api_as(cast.community_a)
    assert api.post("/contributions", body(cadre_a, hours=None)).status_code == 422
    assert api.post("/contributions", body(cadre_a, kind="gardening")).status_code == 422
    assert api.post("/contributions", body(cadre_a, date="2026-12-01")).status_code == 422  # the future
    assert Contribution.objects.count() == 0


def test_it_answers_404_for_a_cadre_out_of_scope_and_403_without_the_capability(
    api_as: Any, cast: Any, cadre_a: Any
) -> None:
    for user in cast.outsiders():
        assert api_as(user).post("/contributions", body(cadre_a)).status_code == 404
        assert api_as(user).get(f"/cadres/{cadre_a.pk}/participation").status_code == 404
    assert api_as(cast.city).post("/contributions", body(cadre_a)).status_code == 403
    assert Contribution.objects.count() == 0


@pytest.fixture
def events_seen(monkeypatch: Any) -> list[date]:
    """The events app's selector, standing in with a fixed answer; records the `since` it was asked for."""
    seen: list[date] = []

    def participation(cadre_id: int, since: date) -> tuple[int, date | None]:
        seen.append(since)
        return 3, date(2026, 8, 30)

    monkeypatch.setattr("jiujin.events.selectors.participation", participation)
    return seen


def test_it_reports_participation_over_the_last_twelve_months(
    api_as: Any, cast: Any, cadre_a: Any, events_seen: list[date]
) -> None:
    log_hours(cast.community_a, cadre_a, "2", day=date(2025, 9, 24))  # the first day of the window
    log_hours(cast.community_a, cadre_a, "4", day=date(2025, 9, 23))  # a day too early
    log_hours(cast.community_a, cadre_a, "1.5", day=date(2026, 9, 23))  # today
    response = api_as(cast.street).get(f"/cadres/{cadre_a.pk}/participation")
    assert response.status_code == 200
    assert response.json() == {
        "cadre": cadre_a.pk,
        "since": "2025-09-24",
        "until": "2026-09-23",
        "events_attended": 3,
        "last_attended": "2026-08-30",
        "contribution_hours": "3.5",
    }
    assert events_seen == [date(2025, 9, 24)]


def test_it_reads_attendance_from_the_events_app(api_as: Any, cast: Any, tree: Any) -> None:
    cadre = CadreFactory(community=tree.community_a)
    response = api_as(cast.community_a).get(f"/cadres/{cadre.pk}/participation")
    assert response.status_code == 200
    assert response.json()["events_attended"] == 0
    assert response.json()["last_attended"] is None
