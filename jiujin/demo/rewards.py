"""Demo history of 以奖代补: last year's fund pool of the demo district, allocated by tiers from the published
assessment and issued in January (the month the results are announced)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from jiujin.accounts.models import Role, User
from jiujin.assessments.models import Assessment, AssessmentStatus
from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.orgs.models import OrgUnit
from jiujin.rewards.models import DEFAULT_THRESHOLD, FundPool
from jiujin.rewards.services import DEFAULT_TIER_ROWS, fund_pool_allocate, fund_pool_issue, fund_pool_save

from .context import Demo
from .tree import DISTRICT_CODE

POOL = Decimal("200000.00")  # 20 万元
NOTE = "奖补资金专项用于社区老干部活动阵地建设、学习活动和为老服务，不得挪作他用。"


def _threshold(totals: list[Decimal]) -> Decimal:
    """800 points, or lower (to a multiple of 10) so that about two thirds of the communities qualify."""
    if not totals:
        return DEFAULT_THRESHOLD
    ordered = sorted(totals, reverse=True)
    two_thirds = ordered[max(0, (len(ordered) * 2) // 3 - 1)]
    return min(DEFAULT_THRESHOLD, (two_thirds // 10) * 10)


def _tiers(totals: list[Decimal], threshold: Decimal) -> list[dict[str, str]]:
    """The default 3/2/1 tiers, their minimums moved into the demo's range of scores (a first year's scores
    sit well below 950) at a third and two thirds of the way from the threshold to the best score."""
    top = max(totals, default=threshold)
    if top >= 950:
        return DEFAULT_TIER_ROWS
    step = (top - threshold) / 3
    first, second = ((threshold + step * n) // 10 * 10 for n in (2, 1))
    return [
        {"name": "一等", "min": str(first), "weight": "3"},
        {"name": "二等", "min": str(second), "weight": "2"},
        {"name": "三等", "min": "0", "weight": "1"},
    ]


def rewards_create(demo: Demo, *, city: OrgUnit) -> str:
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    year = demo.today.year - 1
    assessment = Assessment.objects.filter(
        district=district, year=year, status=AssessmentStatus.PUBLISHED
    ).first()
    if assessment is None:
        return "以奖代补：没有已发布的考评，未分配"
    boss = User.objects.filter(role=Role.DISTRICT, org_unit=district).order_by("pk").first()
    actor = Actor(user=boss, via="demo")
    totals = list(assessment.results.values_list("total", flat=True))
    threshold = _threshold(totals)
    pool = fund_pool_save(
        actor=actor,
        assessment=assessment,
        amount=POOL,
        threshold=threshold,
        method="tiers",
        tiers=_tiers(totals, threshold),
        note=NOTE,
        issuer=f"中共{district.name}委老干部局",
    )
    rows = fund_pool_allocate(actor=actor, pool=pool)
    fund_pool_issue(actor=actor, pool=pool)
    # Issued in the January after the year assessed (or today, if that is still to come).
    issued = min(date(demo.today.year, 1, 20), demo.today)
    FundPool.objects.filter(pk=pool.pk).update(
        issued_at=timezone.make_aware(datetime.combine(issued, time(10)))
    )
    # The services audit every act; demo rows are nobody's act (the demo writes no audit trail).
    AuditEvent.objects.filter(via="demo", subject_type__startswith="rewards.").delete()
    awarded = sum(1 for r in rows if r.amount > 0)
    return f"以奖代补：{year}年度 {POOL:,.0f} 元分配给 {awarded}/{len(rows)} 个社区（门槛 {pool.threshold} 分），已下达"
