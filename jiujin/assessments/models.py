"""千分量化考评: a district's yearly rubric, and an assessment of its communities against it.

A `Rubric` (per district and year) holds sections of items; the base items add up to `total` (1000) and
bonus items (加分) are capped together by `bonus_cap`. An item may bind to a registered `Metric` with a
point rule (linear between two thresholds, or steps); the others are scored by hand by an assessor.

An `Assessment` runs a rubric for the district's communities: one `Score` per unit and item (points, the
metric value it came from, the source, the assessor's deduction and note) and one `UnitResult` per unit
(totals, rank, the unit's remark). Totals and ranks are stored so standings and the API are one query.

Publication freezes all of it. Recomputing afterwards is explicit and audited: the state before it is kept
whole as JSON in an `AssessmentRevision` (with the reason and who did it) and the live rows are
overwritten, so the current result stays one set of rows and every published state can be read back.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from jiujin.core.attachments import AttachmentBase
from jiujin.core.registry import metric

BASE_TOTAL = Decimal(1000)


class CheckMethod(models.TextChoices):
    DOCS = "docs", "查资料"
    SITE = "site", "看现场"
    ASK = "ask", "问老干部"
    AUTO = "auto", "系统自动"


class RuleKind(models.TextChoices):
    NONE = "", "人工评分"
    LINEAR = "linear", "线性（两个阈值之间按比例）"
    STEPS = "steps", "分档"


class Source(models.TextChoices):
    METRIC = "metric", "系统计算"
    MANUAL = "manual", "人工评分"


class AssessmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "考评中"
    PUBLISHED = "published", "已发布"


class Rubric(models.Model):
    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="区/县", on_delete=models.PROTECT, related_name="assessment_rubrics"
    )
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=100)
    total = models.DecimalField("基础总分", max_digits=7, decimal_places=1, default=BASE_TOTAL)
    bonus_cap = models.DecimalField("加分上限", max_digits=6, decimal_places=1, default=Decimal(50))
    copied_from = models.ForeignKey(
        "self", verbose_name="复制自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评细则"
        verbose_name_plural = verbose_name
        ordering = ["-year", "district__path"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="rubric_district_year")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"


class RubricSection(models.Model):
    rubric = models.ForeignKey(
        Rubric, verbose_name="考评细则", on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField("名称", max_length=60)
    points = models.DecimalField("分值", max_digits=7, decimal_places=1)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "考评板块"
        verbose_name_plural = verbose_name
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class RubricItem(models.Model):
    section = models.ForeignKey(
        RubricSection, verbose_name="板块", on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField("编号", max_length=10, help_text="如 A1、B2，在细则内唯一")
    name = models.CharField("考评项目", max_length=100)
    max_points = models.DecimalField("分值", max_digits=6, decimal_places=1)
    standard = models.TextField("评分标准", blank=True)
    check_method = models.CharField(
        "考核方式", max_length=8, choices=CheckMethod.choices, default=CheckMethod.DOCS
    )
    deduction_rules = models.TextField("扣分规则", blank=True)
    is_bonus = models.BooleanField("加分项", default=False)
    metric_code = models.CharField("绑定指标", max_length=40, blank=True)
    rule_kind = models.CharField("计分规则", max_length=8, choices=RuleKind.choices, blank=True, default="")
    low = models.DecimalField("下阈值", max_digits=10, decimal_places=2, null=True, blank=True)
    high = models.DecimalField("上阈值", max_digits=10, decimal_places=2, null=True, blank=True)
    # Steps: [[threshold, points], …] ascending by threshold; the value earns the points of the last
    # threshold it reaches (higher is better) or of the first it does not exceed (lower is better).
    steps = models.JSONField("分档", default=list, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "考评项目"
        verbose_name_plural = verbose_name
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_metric(self) -> bool:
        return bool(self.metric_code and self.rule_kind)

    @property
    def metric_unit(self) -> str:
        """What the bound metric's value is counted in ("%", "次/人", "天" …), shown after it."""
        bound = metric(self.metric_code) if self.metric_code else None
        return bound.unit_label if bound else ""


class Assessment(models.Model):
    rubric = models.ForeignKey(
        Rubric, verbose_name="考评细则", on_delete=models.PROTECT, related_name="assessments"
    )
    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="区/县", on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField(
        "状态", max_length=12, choices=AssessmentStatus.choices, default=AssessmentStatus.IN_PROGRESS
    )
    revision = models.PositiveSmallIntegerField("版本", default=1)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "千分考评"
        verbose_name_plural = verbose_name
        ordering = ["-year", "district__path"]
        constraints = [models.UniqueConstraint(fields=["rubric"], name="assessment_one_per_rubric")]

    def __str__(self) -> str:
        return f"{self.year}年度千分量化考评"

    @property
    def is_published(self) -> bool:
        return self.status == AssessmentStatus.PUBLISHED


class UnitResult(models.Model):
    """One assessed unit's totals, rank and remark (申辩/说明)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="考评", on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    base_total = models.DecimalField("基础得分", max_digits=7, decimal_places=1, default=Decimal(0))
    bonus_total = models.DecimalField("加分", max_digits=6, decimal_places=1, default=Decimal(0))
    total = models.DecimalField("总分", max_digits=7, decimal_places=1, default=Decimal(0))
    rank = models.PositiveIntegerField("名次", default=0)
    remark = models.TextField("申辩/说明", blank=True)
    remark_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="说明人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remark_at = models.DateTimeField("说明时间", null=True, blank=True)

    class Meta:
        verbose_name = "考评结果"
        verbose_name_plural = verbose_name
        ordering = ["rank", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["assessment", "unit"], name="unitresult_one_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id}：{self.total}分，第{self.rank}名"


class Score(models.Model):
    """A unit's points on one item: from a metric or an assessor, less the assessor's deduction."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="考评", on_delete=models.CASCADE, related_name="scores"
    )
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        RubricItem, verbose_name="考评项目", on_delete=models.CASCADE, related_name="scores"
    )
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    points = models.DecimalField("得分", max_digits=6, decimal_places=1, null=True, blank=True)  # None: 未评
    value = models.FloatField("指标值", null=True, blank=True)
    deduction = models.DecimalField("扣分", max_digits=6, decimal_places=1, default=Decimal(0))
    note = models.TextField("评分说明", blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)

    class Meta:
        verbose_name = "考评得分"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["assessment", "unit", "item"], name="score_one_per_unit_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}：{self.points}"

    @property
    def net(self) -> Decimal:
        """Points after the deduction, never below zero; an unscored item counts 0."""
        return max(Decimal(0), (self.points or Decimal(0)) - self.deduction)


class ScoreEvidence(AttachmentBase):
    score = models.ForeignKey(Score, verbose_name="得分", on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        verbose_name = "评分佐证材料"
        verbose_name_plural = verbose_name


class AssessmentRevision(models.Model):
    """The whole state of an assessment before an audited recompute after publication."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="考评", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField("版本号")
    reason = models.TextField("重新计算原因")
    snapshot = models.JSONField("原结果", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "考评历史版本"
        verbose_name_plural = verbose_name
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}版"
