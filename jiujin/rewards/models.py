"""以奖代补: a district's yearly fund pool, handed out to its communities by their 千分 assessment score.

A `FundPool` (per district and year) names the published assessment it rewards, the amount, the threshold
score, the method (proportional to score, or by tiers) and the tiers. `fund_pool_allocate` writes its
`Allocation` rows (one per assessed unit, nothing below the threshold, adding up to the pool to the fen) and
replaces the previous ones. Once the pool is marked 已下达 (issued) it and its allocation are frozen.

Tiers are kept as JSON rows `{"name": "一等", "min": "950", "weight": "3"}` (or `"amount": "30000.00"`, yuan
per unit, instead of a weight); `jiujin.lib.allocation` holds the arithmetic and its rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

DEFAULT_THRESHOLD = Decimal(800)


class Method(models.TextChoices):
    PROPORTIONAL = "proportional", "按得分比例"
    TIERS = "tiers", "按等次"


class PoolStatus(models.TextChoices):
    DRAFT = "draft", "拟分配"
    ISSUED = "issued", "已下达"


class FundPool(models.Model):
    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="区/县", on_delete=models.PROTECT, related_name="fund_pools"
    )
    year = models.PositiveSmallIntegerField("年度")
    assessment = models.ForeignKey(
        "assessments.Assessment", verbose_name="千分考评", on_delete=models.PROTECT, related_name="fund_pools"
    )
    amount = models.DecimalField("资金总额（元）", max_digits=12, decimal_places=2)
    threshold = models.DecimalField("门槛分", max_digits=7, decimal_places=1, default=DEFAULT_THRESHOLD)
    method = models.CharField("分配方式", max_length=12, choices=Method.choices, default=Method.TIERS)
    tiers = models.JSONField("等次", default=list, blank=True)
    note = models.TextField("说明", blank=True)
    issuer = models.CharField(
        "发文单位", max_length=100, blank=True, help_text="留空则为“区/县名称＋老干部局”"
    )
    status = models.CharField("状态", max_length=8, choices=PoolStatus.choices, default=PoolStatus.DRAFT)
    allocated_at = models.DateTimeField("分配时间", null=True, blank=True)
    issued_at = models.DateTimeField("下达时间", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="下达人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "以奖代补资金池"
        verbose_name_plural = verbose_name
        ordering = ["-year", "district__path"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="fundpool_district_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="fundpool_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度以奖代补资金"

    @property
    def is_issued(self) -> bool:
        return self.status == PoolStatus.ISSUED

    def issuer_name(self) -> str:
        return self.issuer or f"{self.district.name}老干部局"


class Allocation(models.Model):
    """One assessed unit's share of a pool, with the score and rank it was given for."""

    pool = models.ForeignKey(
        FundPool, verbose_name="资金池", on_delete=models.CASCADE, related_name="allocations"
    )
    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("得分", max_digits=7, decimal_places=1)
    rank = models.PositiveIntegerField("排名")
    tier = models.CharField("等次", max_length=20, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "以奖代补分配"
        verbose_name_plural = verbose_name
        ordering = ["rank", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "unit"], name="allocation_one_per_unit"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="allocation_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}：{self.amount}元"
