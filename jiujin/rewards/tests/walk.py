"""The rewards app's objects for the access walk: the district's published assessment with an allocated
fund pool (its pages are reached by the assessment's id)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jiujin.audit.services import Actor
from jiujin.rewards.models import Allocation, FundPool
from jiujin.rewards.services import DEFAULT_TIER_ROWS, fund_pool_allocate, fund_pool_save

from .helpers import make_assessment


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    assessment = make_assessment(tree, ["950", "900"], year=2019, units=[tree.community_a, tree.community_b])
    actor = Actor(user=cast.district)
    pool = fund_pool_save(
        actor=actor, assessment=assessment, amount=Decimal(10000), threshold=Decimal(800), method="tiers",
        tiers=DEFAULT_TIER_ROWS,
    )  # fmt: skip
    fund_pool_allocate(actor=actor, pool=pool)
    return {
        "ids": {"assessment_id": assessment.pk},
        "written": [
            FundPool.objects.count,
            Allocation.objects.count,
            lambda: hash(tuple(FundPool.objects.values_list("amount", "status").order_by("pk"))),
        ],
    }
