"""Care levels (双高期 风险关爱): one row per active cadre, recomputed daily, and the contact frequencies a unit sets.

The rule itself is in services.py's docstring; the reasons are bit flags so the daily computation writes them
in one SQL statement and the pages decode them to Chinese labels.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Level(models.IntegerChoices):
    # Sorted as stored: the most vulnerable first.
    HIGH = 1, "高风险"
    PRIORITY = 2, "重点"
    GENERAL = 3, "一般"


AT_RISK = (Level.HIGH, Level.PRIORITY)


class Reason(models.IntegerChoices):
    """Why a cadre is at the level (bit flags, summed into CadreRisk.reasons)."""

    AGE_80 = 1, "80岁以上"
    AGE_90 = 2, "90岁以上"
    ALONE = 4, "独居"
    EMPTY_NEST = 8, "空巢"
    POOR_HEALTH = 16, "健康较差"
    DISABLED = 32, "失能"
    HOSPITAL_30 = 64, "30天内住院"
    HOSPITAL_90 = 128, "90天内住院"
    BEREAVED_30 = 256, "30天内重大家事"
    BEREAVED_90 = 512, "90天内重大家事"
    INACTIVE = 1024, "半年未参加活动"


def reason_labels(bits: int) -> list[str]:
    return [r.label for r in Reason if bits & r.value]


# Defaults of the civil-affairs practice: weekly, monthly, quarterly; a day after a major family event.
DEFAULT_DAYS = {Level.HIGH: 7, Level.PRIORITY: 30, Level.GENERAL: 90}
DEFAULT_EVENT_DAYS = 1


class ContactFrequency(models.Model):
    """Days between contacts per level, set by a unit (a district, usually) and inherited by its subtree (the
    nearest unit wins, as the opinions app's answer days); without any row the defaults apply."""

    org_unit = models.OneToOneField(
        "orgs.OrgUnit", verbose_name="制定单位", on_delete=models.CASCADE, related_name="+"
    )
    high_days = models.PositiveSmallIntegerField("高风险联系周期（天）", default=DEFAULT_DAYS[Level.HIGH])
    priority_days = models.PositiveSmallIntegerField(
        "重点联系周期（天）", default=DEFAULT_DAYS[Level.PRIORITY]
    )
    general_days = models.PositiveSmallIntegerField("一般联系周期（天）", default=DEFAULT_DAYS[Level.GENERAL])
    event_days = models.PositiveSmallIntegerField("重大家事后联系时限（天）", default=DEFAULT_EVENT_DAYS)

    class Meta:
        verbose_name = "关爱联系周期"
        verbose_name_plural = "关爱联系周期"
        constraints = [
            models.CheckConstraint(
                condition=Q(high_days__gte=1, priority_days__gte=1, general_days__gte=1, event_days__gte=1)
                & Q(high_days__lte=365, priority_days__lte=365, general_days__lte=365, event_days__lte=30),
                name="contactfrequency_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.high_days}/{self.priority_days}/{self.general_days}天"


class CadreRisk(models.Model):
    """A cadre's care level as of `computed_on` (written only by services.risk_recompute).

    `last_contact` is the latest contact of any kind when computed (the supervisors' figure reads it; the
    worker's pages read the live contacts); `family_event_on` the latest 重大家事 of the last 90 days."""

    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.CASCADE, primary_key=True, related_name="risk"
    )
    community = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所在社区", on_delete=models.CASCADE, related_name="+"
    )
    level = models.PositiveSmallIntegerField("关爱等级", choices=Level.choices)
    reasons = models.PositiveIntegerField("原因", default=0)
    computed_on = models.DateField("计算日期")
    last_contact = models.DateField("最近联系", null=True, blank=True)
    family_event_on = models.DateField("重大家事日期", null=True, blank=True)

    class Meta:
        verbose_name = "关爱等级"
        verbose_name_plural = "关爱等级"
        indexes = [models.Index(fields=["community", "level", "cadre"], name="cadrerisk_comm_level")]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.get_level_display()}"

    @property
    def reason_labels(self) -> list[str]:
        return reason_labels(self.reasons)
