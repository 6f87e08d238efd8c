"""健康档案: a cadre's health profile, check-ups, conditions, medications, hospital stays, 巡诊 schedules, and
free check-up / health lecture campaigns.

Health data is sensitive: only users with the `view_health` capability read or write it, every view is
audit-logged, and nothing here is shown on other pages (the registry keeps only the coarse `health_status`)
but the active 慢性病, on the cadre page for readers with `view_health`: this is their only home.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from jiujin.lib.calendar import recurring_dates


class BloodType(models.TextChoices):
    A = "A", "A型"
    B = "B", "B型"
    AB = "AB", "AB型"
    O = "O", "O型"  # noqa: E741 — the blood group is called O
    UNKNOWN = "unknown", "不详"


class CareLevel(models.TextChoices):
    """Ability to look after oneself (自理能力)."""

    SELF = "self", "自理"
    PARTIAL = "partial", "半失能"
    DISABLED = "disabled", "失能"


class NursingGrade(models.TextChoices):
    SPECIAL = "special", "特级护理"
    FIRST = "first", "一级护理"
    SECOND = "second", "二级护理"
    THIRD = "third", "三级护理"


class HealthProfile(models.Model):
    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="health_profile"
    )
    blood_type = models.CharField("血型", max_length=8, choices=BloodType.choices, blank=True)
    allergies = models.CharField("过敏史", max_length=200, blank=True)
    care_level = models.CharField("自理能力", max_length=10, choices=CareLevel.choices, blank=True)
    nursing_grade = models.CharField("护理等级", max_length=10, choices=NursingGrade.choices, blank=True)
    disability = models.CharField("残疾情况", max_length=100, blank=True, help_text="如：肢体残疾三级")
    family_doctor = models.CharField("家庭医生", max_length=50, blank=True)
    health_station = models.CharField("签约卫生服务站", max_length=100, blank=True)
    notes = models.TextField("备注", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "健康档案"
        verbose_name_plural = "健康档案"

    def __str__(self) -> str:
        return f"{self.cadre_id} 健康档案"


class CheckUp(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="checkups"
    )
    date = models.DateField("体检日期")
    place = models.CharField("体检地点", max_length=100)
    systolic = models.PositiveSmallIntegerField("收缩压（mmHg）", null=True, blank=True)
    diastolic = models.PositiveSmallIntegerField("舒张压（mmHg）", null=True, blank=True)
    blood_sugar = models.DecimalField(
        "空腹血糖（mmol/L）", max_digits=4, decimal_places=1, null=True, blank=True
    )
    heart_rate = models.PositiveSmallIntegerField("心率（次/分）", null=True, blank=True)
    weight = models.DecimalField("体重（kg）", max_digits=4, decimal_places=1, null=True, blank=True)
    results = models.TextField("体检结果", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "体检记录"
        verbose_name_plural = "体检记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["cadre", "-date"], name="checkup_cadre_date")]

    def __str__(self) -> str:
        return f"体检 {self.date}"

    @property
    def blood_pressure(self) -> str:
        return f"{self.systolic}/{self.diastolic}" if self.systolic and self.diastolic else ""


class Condition(models.Model):
    """A chronic condition (慢性病)."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="conditions"
    )
    name = models.CharField("疾病名称", max_length=100)
    diagnosed_on = models.DateField("确诊日期", null=True, blank=True)
    active = models.BooleanField("仍在治疗", default=True)
    notes = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "慢性病"
        verbose_name_plural = "慢性病"
        ordering = ["-active", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Medication(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="medications"
    )
    name = models.CharField("药品", max_length=100)
    dose = models.CharField("剂量", max_length=50, blank=True, help_text="如：5mg")
    frequency = models.CharField("用法", max_length=50, blank=True, help_text="如：每日一次，早饭后")
    active = models.BooleanField("正在服用", default=True)
    notes = models.CharField("说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "用药"
        verbose_name_plural = "用药"
        ordering = ["-active", "name", "id"]

    def __str__(self) -> str:
        return self.name


class HospitalStay(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="hospital_stays"
    )
    hospital = models.CharField("医院", max_length=100)
    ward = models.CharField("科室/病房", max_length=50, blank=True)
    admitted_on = models.DateField("入院日期")
    discharged_on = models.DateField("出院日期", null=True, blank=True)
    diagnosis = models.CharField("诊断", max_length=200, blank=True)
    notes = models.CharField("说明", max_length=300, blank=True)
    # The 住院 event of the visits app, which created the 住院探视 task; none for a stay entered as history.
    event = models.OneToOneField(
        "visits.CadreEvent",
        verbose_name="住院事件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hospital_stay",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "住院记录"
        verbose_name_plural = "住院记录"
        ordering = ["-admitted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=models.F("admitted_on")),
                name="hospitalstay_discharge_after_admission",
            )
        ]

    def __str__(self) -> str:
        return f"{self.hospital} {self.admitted_on}"


class RoundUnit(models.TextChoices):
    DAY = "day", "天"
    WEEK = "week", "周"


class MedicalRoundSchedule(models.Model):
    """Recurring home medical visits (上门巡诊): every N days/weeks from `next_date`, by a health station or doctor.

    Occurrences are next_date + k × interval; `medical_rounds_generate` turns those ahead into visit tasks.
    """

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="medical_rounds"
    )
    every = models.PositiveSmallIntegerField("每隔", default=1)
    unit = models.CharField("周期单位", max_length=4, choices=RoundUnit.choices, default=RoundUnit.WEEK)
    provider = models.CharField("巡诊单位/医生", max_length=100)
    next_date = models.DateField("下次巡诊日期")
    active = models.BooleanField("启用", default=True)
    notes = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "巡诊安排"
        verbose_name_plural = "巡诊安排"
        ordering = ["-active", "next_date", "id"]
        indexes = [models.Index(fields=["active", "next_date"], name="medicalround_active_next")]
        constraints = [models.CheckConstraint(condition=Q(every__gte=1), name="medicalround_every_positive")]

    def __str__(self) -> str:
        return f"{self.provider} {self.interval_display}"

    @property
    def step(self) -> timedelta:
        return timedelta(days=self.every * (7 if self.unit == RoundUnit.WEEK else 1))

    @property
    def interval_display(self) -> str:
        return f"每{self.every if self.every > 1 else ''}{self.get_unit_display()}一次"

    @property
    def rule_key(self) -> str:
        return f"medical:{self.pk}"

    def occurrences(self, start: date, end: date) -> list[date]:
        """Dates next_date + k × interval (k ≥ 0) within [start, end]."""
        return recurring_dates(start=self.next_date, every=self.every, unit=self.unit, lo=start, hi=end)

    def upcoming(self, today: date) -> date | None:
        if not self.active:
            return None
        if self.next_date >= today:
            return self.next_date
        return self.occurrences(today, today + self.step)[0]


class CampaignKind(models.TextChoices):
    CHECKUP = "checkup", "义诊/免费体检"
    LECTURE = "lecture", "健康讲座"


class HealthCampaignQuerySet(models.QuerySet["HealthCampaign"]):
    def for_user(self, user: object) -> HealthCampaignQuerySet:
        """Campaigns of the user's subtree, and those of the units above them (a street's lecture is seen
        by its communities' workers)."""
        from jiujin.orgs.models import OrgUnit

        own = Q(org_unit__in=OrgUnit.objects.for_user(user))  # type: ignore[arg-type]
        unit = getattr(user, "org_unit", None)
        if unit is None or getattr(user, "sees_everything", False):
            return self.filter(own)
        return self.filter(own | Q(org_unit__path__in=unit.chain_paths()[:-1]))


class HealthCampaign(models.Model):
    """A free check-up (义诊) or a health lecture held by a community or a street, counted for reports."""

    kind = models.CharField("类型", max_length=10, choices=CampaignKind.choices)
    title = models.CharField("主题", max_length=100)
    date = models.DateField("日期")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="举办单位", on_delete=models.PROTECT, related_name="health_campaigns"
    )
    place = models.CharField("地点", max_length=100, blank=True)
    attendees = models.ManyToManyField(
        "cadres.Cadre", verbose_name="参加的老干部", blank=True, related_name="health_campaigns"
    )
    headcount = models.PositiveIntegerField("参加总人数", default=0, help_text="含居民等非老干部")
    notes = models.CharField("说明", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HealthCampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "健康活动"
        verbose_name_plural = "健康活动"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["org_unit", "date"], name="campaign_unit_date")]

    def __str__(self) -> str:
        return self.title
