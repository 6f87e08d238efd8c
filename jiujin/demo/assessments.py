"""Demo history of the 千分量化考评: the demo district's default rubric for last year and this year; last
year's assessment computed from the demo history (the metrics are registered by then), its manual items
scored by the district's assessor (demo-assessor), two units' remarks, published; this year's copied rubric
with its assessment in progress, a third of the manual items scored."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from jiujin.accounts.models import Role, User
from jiujin.assessments.models import Assessment, Score, Source, UnitResult
from jiujin.assessments.scoring import assessment_publish, assessment_start, recount
from jiujin.assessments.services import rubric_copy, rubric_create_default
from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.orgs.models import OrgUnit

from .context import Demo
from .tree import DISTRICT_CODE

SHARES = [Decimal(1), Decimal(1), Decimal("0.9"), Decimal("0.85"), Decimal("0.75"), Decimal("0.6")]
REMARKS = [
    "我社区今年新增老干部 6 名，走访台账已补录，请考评组复核“五必访完成率”。",
    "活动室装修期间借用小区会所开展活动，有照片和签到表为证，请予说明。",
]


ASSESSOR_LOGIN = "demo-assessor"


def _assessor(district: OrgUnit) -> User:
    """The district's 考评员, with the demo logins' password (copied from the district's login)."""
    boss = User.objects.filter(role=Role.DISTRICT, org_unit=district).order_by("pk").first()
    user, _ = User.objects.get_or_create(
        username=ASSESSOR_LOGIN,
        defaults={
            "role": Role.ASSESSOR,
            "org_unit": district,
            "last_name": "考评员",
            "first_name": "吴",
            "password": boss.password if boss else "!",
        },
    )
    return user


def _score_manual(demo: Demo, run: Assessment, assessor: User, *, part: str, share: float = 1.0) -> None:
    """Believable manual points for a share of the units (bulk, then one recount)."""
    rng = demo.rng(part)
    scores = list(
        Score.objects.filter(assessment=run, source=Source.MANUAL)
        .select_related("item")
        .order_by("unit_id", "item_id")
    )
    units = sorted({s.unit_id for s in scores})
    chosen = set(rng.sample(units, max(1, int(len(units) * share))))
    now = timezone.now()
    for s in scores:
        if s.unit_id not in chosen:
            continue
        if s.item.is_bonus:
            s.points = s.item.max_points if rng.random() < 0.2 else Decimal(0)
            s.note = "有市级推广材料" if s.points else ""
        else:
            s.points = (s.item.max_points * rng.choice(SHARES)).quantize(Decimal("1"))
            rule = s.item.deduction_rules.split("；")[0] if s.item.deduction_rules else "资料不全"
            s.note = "" if s.points == s.item.max_points else f"现场检查：{rule}"
        s.scored_by, s.scored_at = assessor, now
    Score.objects.bulk_update(scores, ["points", "note", "scored_by", "scored_at"], batch_size=500)
    recount(run)


def assessments_create(demo: Demo, *, city: OrgUnit) -> str:
    district = OrgUnit.objects.get(code=DISTRICT_CODE)
    boss = User.objects.filter(role=Role.DISTRICT, org_unit=district).order_by("pk").first()
    actor = Actor(user=boss, via="demo")
    assessor = _assessor(district)
    year = demo.today.year
    last = rubric_create_default(actor=actor, district=district, year=year - 1)
    run = assessment_start(actor=actor, rubric=last, today=demo.today)
    _score_manual(demo, run, assessor, part="assessments:last")
    worst = list(UnitResult.objects.filter(assessment=run).order_by("-rank")[: len(REMARKS)])
    for result, remark in zip(worst, REMARKS, strict=False):
        unit_worker = demo.workers.get(result.unit_id)
        result.remark, result.remark_by, result.remark_at = remark, unit_worker, timezone.now()
    UnitResult.objects.bulk_update(worst, ["remark", "remark_by", "remark_at"])
    assessment_publish(actor=actor, assessment=run)
    this = rubric_copy(actor=actor, rubric=last, year=year)
    current = assessment_start(actor=actor, rubric=this, today=demo.today)
    _score_manual(demo, current, assessor, part="assessments:this", share=0.34)
    # The services audit every act; demo rows are nobody's act (the demo writes no audit trail).
    AuditEvent.objects.filter(via="demo", subject_type__startswith="assessments.").delete()
    top = UnitResult.objects.filter(assessment=run).select_related("unit").order_by("rank").first()
    units = UnitResult.objects.filter(assessment=run).count()
    lead = f"，第一名{top.unit.name}（{top.total}分）" if top else ""
    return f"千分考评：{year - 1}年度 {units} 个社区已发布{lead}；{year}年度考评中"
