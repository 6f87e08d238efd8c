"""Writes of an assessment: start, compute the metric items, manual scores, remarks, publication.

Computing is set-based: one `by_community` call per bound metric for all the district's communities over
the year (up to today for the current year), then one bulk update of the score rows and one of the unit
results. Totals: base items (points less deduction, never below 0) plus bonus items capped together by the
rubric's bonus cap; ranks are competition ranks (1, 2, 2, 4).

Publication freezes the assessment: every writer here refuses. `assessment_compute` on a published
assessment needs a reason: the state before it goes whole into an `AssessmentRevision`, the revision number
goes up and the act is audited.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.core.attachments import CheckedUpload
from jiujin.core.registry import metric
from jiujin.orgs.models import OrgUnit

from .models import (
    Assessment,
    AssessmentRevision,
    AssessmentStatus,
    Rubric,
    RubricItem,
    Score,
    ScoreEvidence,
    Source,
    UnitResult,
)
from .rules import rule_points
from .selectors import competition_ranks
from .services import Refused, rubric_check


@dataclass
class ComputeReport:
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per metric code, for the bench


def year_range(year: int, today: date) -> tuple[date, date]:
    return date(year, 1, 1), min(date(year, 12, 31), today)


def _refuse_if_published(assessment: Assessment) -> None:
    if assessment.is_published:
        raise Refused("考评结果已发布，不能再修改")


@transaction.atomic
def assessment_start(*, actor: Actor, rubric: Rubric, today: date | None = None) -> Assessment:
    """Run a valid rubric for its district's communities: rows for every unit and item, metrics computed."""
    check = rubric_check(rubric)
    if not check.ok:
        raise Refused("考评细则还不能使用：" + "；".join(check.problems))
    if Assessment.objects.filter(rubric=rubric).exists():
        raise Refused("该细则已经开始考评")
    assessment = Assessment.objects.create(rubric=rubric, district_id=rubric.district_id, year=rubric.year)
    assessment.rubric = rubric
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=assessment, detail=f"开始{rubric.year}年度千分考评"
    )
    _compute(assessment, today=today or timezone.localdate())
    return assessment


@transaction.atomic
def assessment_compute(
    *, actor: Actor, assessment: Assessment, reason: str = "", today: date | None = None
) -> ComputeReport:
    """Recompute the metric items and the totals. After publication: only with a reason, kept as a revision."""
    assessment = Assessment.objects.select_for_update().select_related("rubric").get(pk=assessment.pk)
    if assessment.is_published:
        if not reason.strip():
            raise Refused("考评结果已发布：重新计算必须填写原因")
        number = assessment.revision
        AssessmentRevision.objects.create(
            assessment=assessment,
            number=number,
            reason=reason.strip(),
            snapshot=_state(assessment),
            created_by=actor.user,
        )
        assessment.revision = number + 1
        assessment.save(update_fields=["revision"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            subject=assessment,
            detail=f"发布后重新计算（第{number + 1}版）：{reason.strip()}",
        )
    return _compute(assessment, today=today or timezone.localdate())


def _compute(assessment: Assessment, *, today: date) -> ComputeReport:
    report = ComputeReport()
    units = list(OrgUnit.objects.subtree_of(assessment.district).communities().values_list("pk", flat=True))
    items = list(RubricItem.objects.filter(section__rubric_id=assessment.rubric_id))
    _ensure_rows(assessment, units, items)
    start, end = year_range(assessment.year, today)
    points: dict[tuple[int, int], tuple[Decimal, float | None]] = {}
    by_code: dict[str, dict[int, float | None]] = {}  # one provider call per code, items may share one
    for item in (i for i in items if i.is_metric):
        if item.metric_code not in by_code:
            by_code[item.metric_code] = _metric_values(item.metric_code, units, start, end, report)
        values = by_code[item.metric_code]
        m = metric(item.metric_code)
        for unit_id in units:
            value = values.get(unit_id)
            earned = (
                rule_points(
                    kind=item.rule_kind,
                    value=value,
                    max_points=item.max_points,
                    higher_is_better=m.higher_is_better,
                    low=item.low,
                    high=item.high,
                    steps=item.steps,
                )
                if m is not None
                else Decimal(0)
            )
            points[(unit_id, item.pk)] = (earned, value)
    scores = list(Score.objects.filter(assessment=assessment, item__in=[i for i in items if i.is_metric]))
    for score in scores:
        score.points, score.value = points[(score.unit_id, score.item_id)]
        score.source = Source.METRIC
    Score.objects.bulk_update(scores, ["points", "value", "source"], batch_size=1000)
    assessment.computed_at = timezone.now()
    assessment.save(update_fields=["computed_at"])
    recount(assessment)
    return report


def _metric_values(
    code: str, units: list[int], start: date, end: date, report: ComputeReport
) -> dict[int, float | None]:
    """Values of one metric for all units from one provider call; an unregistered code gives none."""
    m = metric(code)
    if m is None:
        report.warnings.append(f"指标 {code} 指标未注册，相关项目计0分")
        return {}
    began = time.perf_counter()
    raw = m.by_community(units, start, end)
    report.seconds[code] = time.perf_counter() - began
    return {u: m.value(*raw.get(u, (0.0, 0.0))) for u in units}


def _ensure_rows(assessment: Assessment, units: list[int], items: list[RubricItem]) -> None:
    """A result row per unit and a score row per unit and item (new units or items since the last compute)."""
    have = set(UnitResult.objects.filter(assessment=assessment).values_list("unit_id", flat=True))
    UnitResult.objects.bulk_create(
        [UnitResult(assessment=assessment, unit_id=u) for u in units if u not in have]
    )
    scored = set(Score.objects.filter(assessment=assessment).values_list("unit_id", "item_id"))
    Score.objects.bulk_create(
        [
            Score(
                assessment=assessment,
                unit_id=u,
                item=i,
                source=Source.METRIC if i.is_metric else Source.MANUAL,
            )
            for u in units
            for i in items
            if (u, i.pk) not in scored
        ],
        batch_size=1000,
    )


def recount(assessment: Assessment) -> None:
    """Every unit's base, bonus (capped) and total, and the ranks, from the score rows (two queries)."""
    cap = Rubric.objects.values_list("bonus_cap", flat=True).get(pk=assessment.rubric_id)
    base: dict[int, Decimal] = {}
    bonus: dict[int, Decimal] = {}
    rows = Score.objects.filter(assessment=assessment).values_list(
        "unit_id", "item__is_bonus", "points", "deduction"
    )
    for unit_id, is_bonus, points, deduction in rows:
        net = max(Decimal(0), (points or Decimal(0)) - deduction)
        bucket = bonus if is_bonus else base
        bucket[unit_id] = bucket.get(unit_id, Decimal(0)) + net
    results = list(UnitResult.objects.filter(assessment=assessment).select_related("unit"))
    for r in results:
        r.base_total = base.get(r.unit_id, Decimal(0))
        r.bonus_total = min(bonus.get(r.unit_id, Decimal(0)), cap)
        r.total = r.base_total + r.bonus_total
    results.sort(key=lambda r: (-r.total, r.unit.path))
    for r, rank in zip(results, competition_ranks([r.total for r in results]), strict=True):
        r.rank = rank
    UnitResult.objects.bulk_update(results, ["base_total", "bonus_total", "total", "rank"], batch_size=1000)


def _state(assessment: Assessment) -> dict:
    """The whole current result, JSON-ready, for a revision."""
    units = {
        code: {"total": str(total), "base": str(b), "bonus": str(bo), "rank": rank, "remark": remark}
        for code, total, b, bo, rank, remark in assessment.results.values_list(
            "unit__code", "total", "base_total", "bonus_total", "rank", "remark"
        )
    }
    scores = [
        [code, item_id, None if p is None else str(p), value, str(d), source, note]
        for code, item_id, p, value, d, source, note in assessment.scores.values_list(
            "unit__code", "item_id", "points", "value", "deduction", "source", "note"
        )
    ]
    return {
        "revision": assessment.revision,
        "published_at": assessment.published_at.isoformat() if assessment.published_at else None,
        "units": units,
        "scores": scores,
    }


@transaction.atomic
def score_enter(
    *,
    actor: Actor,
    score: Score,
    points: Decimal | None,
    deduction: Decimal = Decimal(0),
    note: str = "",
    evidence: list[CheckedUpload] | None = None,
) -> Score:
    """An assessor's entry: points of a manual item (0–max), a deduction on any item, a note unless the
    item gets full marks, evidence files. Metric items keep their computed points."""
    _refuse_if_published(score.assessment)
    item = score.item
    if score.source == Source.MANUAL:
        if points is None:
            raise Refused("请填写得分")
        if not Decimal(0) <= points <= item.max_points:
            raise Refused(f"得分要在 0 到 {item.max_points} 分之间")
        score.points = points
    base = score.points or Decimal(0)
    if not Decimal(0) <= deduction <= base:
        raise Refused(f"扣分要在 0 到 {base} 分之间")
    score.deduction = deduction
    note = note.strip()
    short = score.source == Source.MANUAL and not item.is_bonus and score.net < item.max_points
    if (short or deduction) and not note:
        raise Refused("没有得满分时，请写明扣分理由")
    score.note, score.scored_by, score.scored_at = note, actor.user, timezone.now()
    score.save(update_fields=["points", "deduction", "note", "scored_by", "scored_at"])
    ScoreEvidence.objects.bulk_create(
        [ScoreEvidence.build(c, uploaded_by=actor.user, score=score) for c in evidence or []]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=score,
        detail=f"{item.name}：{score.net}分" + (f"（扣{deduction}分）" if deduction else ""),
    )
    recount(score.assessment)
    return score


@transaction.atomic
def remark_save(*, actor: Actor, result: UnitResult, remark: str) -> UnitResult:
    """The unit's own remark (申辩/说明) on its breakdown, before publication."""
    _refuse_if_published(result.assessment)
    if actor.user.org_unit_id != result.unit_id:
        raise Refused("只有被考评社区的工作人员可以填写说明")
    result.remark, result.remark_by, result.remark_at = remark.strip(), actor.user, timezone.now()
    result.save(update_fields=["remark", "remark_by", "remark_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=result, detail="填写申辩/说明")
    return result


@transaction.atomic
def assessment_publish(*, actor: Actor, assessment: Assessment) -> Assessment:
    """Publish: every manual item must be scored; afterwards everything is frozen."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _refuse_if_published(assessment)
    missing = Score.objects.filter(assessment=assessment, points__isnull=True).count()
    if missing:
        raise Refused(f"还有 {missing} 个人工评分项没有评分，不能发布")
    recount(assessment)
    assessment.status = AssessmentStatus.PUBLISHED
    assessment.published_at, assessment.published_by = timezone.now(), actor.user
    assessment.save(update_fields=["status", "published_at", "published_by"])
    audit_record(actor=actor, action=AuditAction.STATUS, subject=assessment, detail="发布千分考评结果")
    return assessment
