from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ServicePlan(models.Model):
    """个性化服务方案: one per cadre, revised in place and reviewed on `review_date`."""

    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="service_plan"
    )
    needs = models.TextField("需求情况", blank=True)
    need_tags = models.JSONField("需求标签", default=list, blank=True)
    review_date = models.DateField("下次复核日期", null=True, blank=True)
    last_reviewed_on = models.DateField("上次复核日期", null=True, blank=True)
    review_note = models.CharField("复核意见", max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("制定时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "个性化服务方案"
        verbose_name_plural = "个性化服务方案"

    def __str__(self) -> str:
        return f"{self.cadre}的服务方案"


class FrequencyUnit(models.TextChoices):
    DAY = "day", "天"
    WEEK = "week", "周"
    MONTH = "month", "月"


class PlanService(models.Model):
    """One agreed service: what, every N days/weeks/months from `start_date`, and who does it.

    Stopped services stay (active=False) so the tasks they made keep their meaning; see services.py.
    """

    plan = models.ForeignKey(ServicePlan, verbose_name="方案", on_delete=models.CASCADE, related_name="items")
    what = models.CharField("服务内容", max_length=100)
    every = models.PositiveSmallIntegerField("每", default=1)
    unit = models.CharField("周期", max_length=5, choices=FrequencyUnit.choices, default=FrequencyUnit.WEEK)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人（工作人员）",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name="责任人（志愿者）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField("开始日期")
    active = models.BooleanField("执行中", default=True)

    class Meta:
        verbose_name = "方案服务项"
        verbose_name_plural = "方案服务项"
        ordering = ["-active", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(every__gte=1), name="planservice_every_positive"),
            models.CheckConstraint(
                condition=Q(worker__isnull=True) | Q(volunteer__isnull=True),
                name="planservice_one_responsible",
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def frequency_display(self) -> str:
        if self.every == 1:
            return {"day": "每天", "week": "每周", "month": "每月"}[self.unit]
        return f"每{self.every}{FrequencyUnit(self.unit).label}"

    @property
    def responsible_display(self) -> str:
        if self.worker_id:
            return self.worker.display_name  # type: ignore[union-attr]
        if self.volunteer_id:
            return f"{self.volunteer.name}（志愿者）"  # type: ignore[union-attr]
        return ""
