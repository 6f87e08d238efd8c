"""The summary tables: per unit (every level) a count per figure and day, month or daily snapshot.

Filled only by services.summaries_refresh (the loop, `jiujin rebuild-summaries`); read by selectors.py. A
community's rows come from the figures registered by the apps (core.registry.SummaryFigure); a street's,
district's and city's are the sums of their communities', so every level reads a handful of rows.
"""

from __future__ import annotations

from django.db import models

from jiujin.orgs.models import OrgUnit


class Span(models.TextChoices):
    DAY = "d", "日"
    MONTH = "m", "月"  # `day` is the month's first day; the sum of the month's "d" rows
    SNAPSHOT = "s", "快照"  # a stock figure as it stood on `day`


class Summary(models.Model):
    unit = models.ForeignKey(OrgUnit, verbose_name="单位", on_delete=models.CASCADE, db_index=False)
    span = models.CharField("粒度", max_length=1, choices=Span.choices)
    day = models.DateField("日期")
    # The figure's code, or "code:key" for one entry of its breakdown.
    code = models.CharField("指标", max_length=80)
    value = models.BigIntegerField("数值")

    class Meta:
        verbose_name = verbose_name_plural = "汇总数"
        constraints = [
            models.UniqueConstraint(fields=["unit", "span", "day", "code"], name="summary_unit_span_day_code")
        ]
        indexes = [models.Index(fields=["span", "day"], name="summary_span_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.span} {self.day} {self.code}={self.value}"


class SummaryRun(models.Model):
    """When the summaries were last recomputed, and over which days (the pages say how fresh they are)."""

    name = models.CharField("名称", max_length=40, unique=True)
    start = models.DateField("起", null=True)
    end = models.DateField("止")
    finished_at = models.DateTimeField("完成时间")
    seconds = models.FloatField("用时（秒）")

    class Meta:
        verbose_name = verbose_name_plural = "汇总计算"

    def __str__(self) -> str:
        return self.name
