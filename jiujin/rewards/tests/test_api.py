"""POST /api/v1/assessments/{id}/allocate: amounts per unit that add up to the pool, and who may."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jiujin.accounts.models import Role
from jiujin.audit.services import Actor
from jiujin.conftest import make_user
from jiujin.rewards.models import Allocation, FundPool
from jiujin.rewards.services import fund_pool_issue

from .helpers import make_assessment

TOTALS = ["962.5", "931", "905", "780"]


def test_it_allocates_with_the_documented_defaults(tree: Any, cast: Any, api_as: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    r = api_as(cast.district).post(f"/assessments/{assessment.pk}/allocate", {"pool": "100000.01"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["pool"] == body["total"] == "100000.01"
    assert body["threshold"] == "800.0" and body["method"] == "tiers" and body["status"] == "draft"
    assert [(u["unit"]["code"], u["rank"], u["tier"], u["amount"]) for u in body["units"]] == [
        ("421102001001", 1, "一等", "42857.15"),
        ("421102001002", 2, "二等", "28571.43"),
        ("421102001003", 3, "二等", "28571.43"),
        ("421102001004", 4, "", "0.00"),
    ]
    assert body["units"][0]["score"] == "962.5"
    assert FundPool.objects.get().amount == Decimal("100000.01")


def test_it_takes_the_method_threshold_and_tiers_from_the_body(tree: Any, cast: Any, api_as: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    api = api_as(cast.district)
    r = api.post(
        f"/assessments/{assessment.pk}/allocate", {"pool": 1000, "method": "proportional", "threshold": 900}
    )
    assert r.status_code == 200, r.content
    assert [u["amount"] for u in r.json()["units"]] == ["343.93", "332.68", "323.39", "0.00"]
    fixed = [{"name": "优秀", "min": 950, "amount": "600"}, {"name": "良好", "min": 0, "amount": "100"}]
    r = api.post(
        f"/assessments/{assessment.pk}/allocate",
        {"pool": 1000, "method": "tiers", "tiers": fixed, "threshold": 900},
    )
    # 600 + 100 + 100 paid; the 200 left shared equally by the three.
    assert [u["amount"] for u in r.json()["units"]] == ["666.67", "166.67", "166.66", "0.00"]
    assert Allocation.objects.count() == 4  # replaced, not added


def test_it_refuses_an_unpublished_assessment_or_an_issued_pool(tree: Any, cast: Any, api_as: Any) -> None:
    draft = make_assessment(tree, TOTALS, published=False)
    api = api_as(cast.district)
    r = api.post(f"/assessments/{draft.pk}/allocate", {"pool": 1000})
    assert r.status_code == 409 and "尚未发布" in r.json()["detail"]
    assert not FundPool.objects.exists()
    done = make_assessment(
        tree, TOTALS, year=2024, units=[r.unit for r in draft.results.select_related("unit")]
    )
    assert api.post(f"/assessments/{done.pk}/allocate", {"pool": 1000}).status_code == 200
    fund_pool_issue(actor=Actor(user=cast.district), pool=FundPool.objects.get())
    r = api.post(f"/assessments/{done.pk}/allocate", {"pool": 2000})
    assert r.status_code == 409 and "已下达" in r.json()["detail"]


def test_it_answers_422_for_settings_it_cannot_allocate(tree: Any, cast: Any, api_as: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    api = api_as(cast.district)
    r = api.post(f"/assessments/{assessment.pk}/allocate", {"pool": 1000, "threshold": 999})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "pool"]
    assert api.post(f"/assessments/{assessment.pk}/allocate", {"pool": "0.001"}).status_code == 422
    assert (
        api.post(f"/assessments/{assessment.pk}/allocate", {"pool": 10, "method": "lottery"}).status_code
        == 422
    )


def test_it_lets_only_the_districts_managers_allocate(tree: Any, cast: Any, api_as: Any) -> None:
    assessment = make_assessment(tree, TOTALS)
    path = f"/assessments/{assessment.pk}/allocate"
    for user in (cast.street, cast.community_a, cast.city):
        assert api_as(user).post(path, {"pool": 1000}).status_code == 403, user
    assert api_as(cast.volunteer).post(path, {"pool": 1000}).status_code == 404
    other = make_user("district-z", Role.DISTRICT, tree.district_z)
    assert api_as(other).post(path, {"pool": 1000}).status_code == 404
    assert api_as(cast.district).post("/assessments/999999/allocate", {"pool": 1000}).status_code == 404
    assert api_as(cast.admin).post(path, {"pool": 1000}).status_code == 200
    assert api_as(None).post(path, {"pool": 1000}).status_code == 401
