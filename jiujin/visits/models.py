"""The five must-visits' own data: holiday rules, birthday and event settings, and events in a cadre's life.
The tasks they call for, their visit records and the reminders live in the tasks app."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Audience(models.TextChoices):
    ALL = "all", "全体老干部"
    LIXIU = "lixiu", "离休干部"
    CHU_UP = "chu_up", "县处级以上"
    PARTY = "party", "中共党员"
    AGED = "aged", "年满N岁"
    ALONE = "alone", "独居或空巢"
    POOR_HEALTH = "poor_health", "健康较差或失能"


class Calendar(models.TextChoices):
    SOLAR = "solar", "公历"
    LUNAR = "lunar", "农历"


class HolidayRule(models.Model):
    """A holiday visit rule set by a unit (usually a district) and inherited by its subtree.

    A unit lower down overrides an ancestor's rule with the same `code` (e.g. a street opens 春节 visits earlier
    or switches a holiday off with `enabled=False`).
    """

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="制定单位", on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField("代码", max_length=32)
    name = models.CharField("节日", max_length=30)
    calendar = models.CharField("历法", max_length=5, choices=Calendar.choices)
    month = models.PositiveSmallIntegerField("月")
    day = models.PositiveSmallIntegerField("日")
    audience = models.CharField("对象", max_length=16, choices=Audience.choices, default=Audience.ALL)
    min_age = models.PositiveSmallIntegerField("年龄下限", null=True, blank=True)
    window_days = models.PositiveSmallIntegerField("提前几天开始", default=15)
    priority = models.PositiveSmallIntegerField("优先级", default=2)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "节日走访规则"
        verbose_name_plural = "节日走访规则"
        constraints = [models.UniqueConstraint(fields=["org_unit", "code"], name="holidayrule_unit_code")]

    def __str__(self) -> str:
        return self.name


class VisitSettings(models.Model):
    """Birthday and event settings of a unit; the nearest ancestor's row applies (defaults when none)."""

    org_unit = models.OneToOneField(
        "orgs.OrgUnit", verbose_name="制定单位", on_delete=models.CASCADE, related_name="visit_settings"
    )
    birthday_window_days = models.PositiveSmallIntegerField("生日提前几天", default=7)
    milestones = models.CharField("祝寿年龄", max_length=100, default="70,75,80,85,90,95,100")
    every_year_after = models.PositiveSmallIntegerField("此年龄后每年祝寿", default=100)
    nominal_age = models.BooleanField("按虚岁计算", default=False)
    milestone_gift = models.CharField("祝寿建议礼品", max_length=100, default="生日蛋糕、鲜花、寿礼")
    hospital_days = models.PositiveSmallIntegerField("住院几天内探视", default=3)
    family_event_days = models.PositiveSmallIntegerField("大事几天内看望", default=3)
    special_days = models.PositiveSmallIntegerField("特殊情况几天内了解", default=2)
    condolence_days = models.PositiveSmallIntegerField("去世几天内吊唁", default=2)

    class Meta:
        verbose_name = "走访设置"
        verbose_name_plural = "走访设置"

    def __str__(self) -> str:
        return f"{self.org_unit}走访设置" if self.org_unit_id else "默认走访设置"


class EventKind(models.TextChoices):
    HOSPITALISED = "hospitalised", "住院"
    FAMILY_EVENT = "family_event", "重大家事"
    SPECIAL = "special", "特殊情况"
    DEATH = "death", "去世"


class CadreEvent(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField("事件", max_length=16, choices=EventKind.choices)
    date = models.DateField("日期")
    note = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "老干部事件"
        verbose_name_plural = "老干部事件"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"
