"""Writes of rubrics: the default rubric, the editor, copying for next year, and the totals check.

A rubric may be edited until an assessment run on it is published; after that it is the record of how the
published scores were given, and `Refused` says so. Computing and scoring live in `scoring.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, diff, snapshot
from jiujin.core.registry import metric
from jiujin.orgs.models import OrgUnit

from . import rules
from .catalog import DEFAULT_BONUS, DEFAULT_BONUS_CAP, DEFAULT_SECTIONS
from .models import AssessmentStatus, CheckMethod, Rubric, RubricItem, RubricSection

BONUS_SECTION = "加分项目"


class Refused(Exception):
    """A change the rules do not allow (frozen, out of bounds, not adding up); the message is shown as is."""


@dataclass(frozen=True)
class RubricCheck:
    problems: list[str]  # block the rubric from being used
    warnings: list[str]  # shown, not blocking (a metric nobody registered scores 0)

    @property
    def ok(self) -> bool:
        return not self.problems


def rubric_is_frozen(rubric: Rubric) -> bool:
    return rubric.assessments.filter(status=AssessmentStatus.PUBLISHED).exists()


def _refuse_if_frozen(rubric: Rubric) -> None:
    if rubric_is_frozen(rubric):
        raise Refused("该细则的考评结果已发布，细则不能再修改；可复制为下一年度的细则再改")


def rubric_check(rubric: Rubric) -> RubricCheck:
    """Whether the base sections and items add up to the rubric's total, and each metric rule is usable."""
    sections = list(rubric.sections.prefetch_related("items"))
    problems: list[str] = []
    warnings: list[str] = []
    rows = []
    for section in sections:
        items = list(section.items.all())
        base = sum((i.max_points for i in items if not i.is_bonus), Decimal(0))
        rows.append((section.name, section.points, base))
        for item in items:
            problems += [
                f"“{item.name}”：{p}"
                for p in rules.rule_problems(
                    kind=item.rule_kind,
                    metric_code=item.metric_code,
                    low=item.low,
                    high=item.high,
                    steps=item.steps,
                    max_points=item.max_points,
                )
            ]
            if item.metric_code and metric(item.metric_code) is None:
                warnings.append(f"“{item.name}”绑定的指标 {item.metric_code} 指标未注册，计0分")
    problems = rules.totals_problems(rubric.total, rows) + problems
    return RubricCheck(problems, warnings)


@transaction.atomic
def rubric_create_default(*, actor: Actor, district: OrgUnit, year: int) -> Rubric:
    """The default 千分 rubric for a district and year (six sections, 1000 points, bonus items capped)."""
    if Rubric.objects.filter(district=district, year=year).exists():
        raise Refused(f"{district.name}{year}年度的考评细则已经存在")
    rubric = Rubric.objects.create(
        district=district,
        year=year,
        name=f"{district.name}社区老干部工作千分量化考评细则",
        bonus_cap=Decimal(DEFAULT_BONUS_CAP),
        created_by=actor.user,
    )
    items = []
    for s_order, (name, points, section_items) in enumerate(DEFAULT_SECTIONS, start=1):
        letter = "ABCDEFGH"[s_order - 1]
        section = RubricSection.objects.create(
            rubric=rubric, name=name, points=Decimal(points), order=s_order
        )
        for i_order, (iname, maxp, how, standard, deduct, code, kind, low, high, steps) in enumerate(
            section_items, start=1
        ):
            items.append(
                RubricItem(
                    section=section,
                    code=f"{letter}{i_order}",
                    name=iname,
                    max_points=Decimal(maxp),
                    check_method=how,
                    standard=standard,
                    deduction_rules=deduct,
                    metric_code=code,
                    rule_kind=kind,
                    low=None if low is None else Decimal(str(low)),
                    high=None if high is None else Decimal(str(high)),
                    steps=steps,
                    order=i_order,
                )
            )
    bonus = RubricSection.objects.create(rubric=rubric, name=BONUS_SECTION, points=Decimal(0), order=99)
    items += [
        RubricItem(
            section=bonus,
            code=f"J{n}",
            name=name,
            max_points=Decimal(maxp),
            check_method=CheckMethod.DOCS,
            standard=standard,
            is_bonus=True,
            order=n,
        )
        for n, (name, maxp, standard) in enumerate(DEFAULT_BONUS, start=1)
    ]
    RubricItem.objects.bulk_create(items)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=rubric, detail="按默认模板新建千分考评细则")
    return rubric


@transaction.atomic
def rubric_copy(*, actor: Actor, rubric: Rubric, year: int) -> Rubric:
    """A copy of the rubric for another year: sections, items and rules, no scores."""
    if Rubric.objects.filter(district_id=rubric.district_id, year=year).exists():
        raise Refused(f"{year}年度的考评细则已经存在，不能再复制")
    copy = Rubric.objects.create(
        district_id=rubric.district_id,
        year=year,
        name=rubric.name,
        total=rubric.total,
        bonus_cap=rubric.bonus_cap,
        copied_from=rubric,
        created_by=actor.user,
    )
    items = []
    for section in rubric.sections.prefetch_related("items"):
        new = RubricSection.objects.create(
            rubric=copy, name=section.name, points=section.points, order=section.order
        )
        for item in section.items.all():
            item.pk = None
            item.section = new
            items.append(item)
    RubricItem.objects.bulk_create(items)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=copy, detail=f"复制{rubric.year}年度细则")
    return copy


@transaction.atomic
def rubric_update(*, actor: Actor, rubric: Rubric, name: str, total: Decimal, bonus_cap: Decimal) -> Rubric:
    _refuse_if_frozen(rubric)
    before = snapshot(rubric)
    rubric.name, rubric.total, rubric.bonus_cap = name, total, bonus_cap
    rubric.save(update_fields=["name", "total", "bonus_cap"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=rubric, changes=diff(before, snapshot(rubric))
    )
    return rubric


@transaction.atomic
def rubric_section_save(
    *, actor: Actor, rubric: Rubric, section: RubricSection | None, name: str, points: Decimal, order: int
) -> RubricSection:
    _refuse_if_frozen(rubric)
    if section is None:
        section = RubricSection.objects.create(rubric=rubric, name=name, points=points, order=order)
    else:
        section.name, section.points, section.order = name, points, order
        section.save(update_fields=["name", "points", "order"])
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=rubric, detail=f"板块“{name}”")
    return section


@transaction.atomic
def rubric_section_delete(*, actor: Actor, section: RubricSection) -> None:
    _refuse_if_frozen(section.rubric)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=section.rubric, detail=f"删除板块“{section.name}”"
    )
    section.delete()


@transaction.atomic
def rubric_item_save(
    *, actor: Actor, section: RubricSection, item: RubricItem | None, fields: dict[str, Any]
) -> RubricItem:
    """Create or change an item; its rule must be usable (totals are checked for the whole rubric)."""
    _refuse_if_frozen(section.rubric)
    problems = rules.rule_problems(
        kind=fields.get("rule_kind", ""),
        metric_code=fields.get("metric_code", ""),
        low=fields.get("low"),
        high=fields.get("high"),
        steps=fields.get("steps") or [],
        max_points=fields["max_points"],
    )
    if problems:
        raise Refused("；".join(problems))
    before = snapshot(item) if item else {}
    item = item or RubricItem(section=section)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, subject=item, changes=diff(before, snapshot(item)))
    return item


@transaction.atomic
def rubric_item_delete(*, actor: Actor, item: RubricItem) -> None:
    _refuse_if_frozen(item.section.rubric)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=item.section.rubric, detail=f"删除“{item.name}”"
    )
    item.delete()


def rubric_base_total(rubric: Rubric) -> Decimal:
    total = RubricItem.objects.filter(section__rubric=rubric, is_bonus=False).aggregate(s=Sum("max_points"))[
        "s"
    ]
    return total or Decimal(0)
