"""发挥作用: the 银发人才库 (talent pool), teams, logged contributions (service hours, donations, 献计献策)
and stories (先进典型).

One `Contribution` table holds every kind, so totals per cadre and unit are one GROUP BY: a service row
carries hours, a donation an amount and a receipt number, 献计献策 a note. `org_unit` is the community the
cadre belonged to when it was logged: the unit of the totals and the scope of a receipt number.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jiujin.core.attachments import AttachmentBase

# A talent-pool entry is looked at again every two years.
REVIEW_YEARS = 2


class TalentField(models.TextChoices):
    PARTY = "party", "党建"
    EDUCATION = "education", "教育/关心下一代"
    LAW = "law", "法律/调解"
    MEDICAL = "medical", "医疗健康"
    CULTURE = "culture", "文体"
    ART = "art", "书画"
    TECH = "tech", "科技"
    OTHER = "other", "其他"


class JoinedVia(models.TextChoices):
    NOMINATION = "nomination", "组织推荐"
    SELF = "self", "本人自荐"


class ReviewOutcome(models.TextChoices):
    KEEP = "keep", "保留"
    REMOVE = "remove", "移出"


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class TalentEntryQuerySet(models.QuerySet["TalentEntry"]):
    def current(self) -> TalentEntryQuerySet:
        return self.filter(removed_on__isnull=True)

    def due(self, today: date) -> TalentEntryQuerySet:
        return self.current().filter(next_review_on__lte=today)


class TalentEntry(models.Model):
    """A cadre in the 银发人才库. Removed entries stay (removed_on set) so the history of reviews is kept."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="talent_entries"
    )
    field = models.CharField("专业领域", max_length=12, choices=TalentField.choices)
    specialty = models.CharField("特长说明", max_length=200, blank=True)
    joined_via = models.CharField("入库方式", max_length=12, choices=JoinedVia.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="推荐人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominator_name = models.CharField("推荐人姓名", max_length=50, blank=True)
    joined_on = models.DateField("入库日期")
    next_review_on = models.DateField("下次复核日期")
    removed_on = models.DateField("移出日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TalentEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "银发人才库成员"
        verbose_name_plural = "银发人才库"
        ordering = ["field", "joined_on", "id"]
        indexes = [models.Index(fields=["removed_on", "next_review_on"], name="talent_due")]
        constraints = [
            # One current entry per cadre and field; a removed one may be nominated again.
            models.UniqueConstraint(
                fields=["cadre", "field"],
                condition=Q(removed_on__isnull=True),
                name="talent_one_current",
                violation_error_message="该老干部已在人才库的这个领域中",
            ),
            models.CheckConstraint(
                condition=Q(joined_via="self") | ~Q(nominator_name=""),
                name="talent_nomination_names_nominator",
                violation_error_message="组织推荐须写明推荐人",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_field_display()}"


class TalentReview(models.Model):
    entry = models.ForeignKey(
        TalentEntry, verbose_name="人才库成员", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField("复核日期")
    outcome = models.CharField("复核结果", max_length=8, choices=ReviewOutcome.choices)
    note = models.CharField("复核意见", max_length=300, blank=True)
    over_age = models.BooleanField("复核时超过年龄上限", default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "人才库复核"
        verbose_name_plural = "人才库复核"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.entry} {self.reviewed_on} {self.get_outcome_display()}"


class Role(models.TextChoices):
    """What a cadre does to contribute: a team's role, and the kinds of service hours."""

    PATROL = "patrol", "义务巡逻队"
    TUTOR = "tutor", "青少年义务辅导员"
    MEDIATOR = "mediator", "调解员"
    PARTY_GUIDE = "party_guide", "党建指导员"
    ADVICE = "advice", "献计献策"
    OTHER = "other", "其他"


class Kind(models.TextChoices):
    """A logged contribution: service hours in a role, a donation, or a piece of advice (献计献策)."""

    PATROL = "patrol", "义务巡逻"
    TUTOR = "tutor", "青少年义务辅导"
    MEDIATOR = "mediator", "调解"
    PARTY_GUIDE = "party_guide", "党建指导"
    ADVICE = "advice", "献计献策"
    OTHER = "other", "其他服务"
    DONATION = "donation", "捐款捐物"


SERVICE_KINDS = [Kind.PATROL, Kind.TUTOR, Kind.MEDIATOR, Kind.PARTY_GUIDE, Kind.OTHER]


class Team(models.Model):
    """A community's or street's team (义务巡逻队, 关心下一代辅导团 …) of cadres, with a leader."""

    name = models.CharField("队伍名称", max_length=100)
    role = models.CharField("作用类型", max_length=12, choices=Role.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        "cadres.Cadre",
        verbose_name="队长",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField("活动中", default=True)
    created_at = models.DateTimeField("成立登记时间", default=timezone.now)

    class Meta:
        verbose_name = "队伍"
        verbose_name_plural = "队伍"
        ordering = ["-active", "org_unit__path", "name"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="team_unit_name")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.CASCADE, related_name="members")
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField("加入日期")

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        ordering = ["joined_on", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "cadre"], name="teammember_once")]

    def __str__(self) -> str:
        return f"{self.team} · {self.cadre}"


class Outing(models.Model):
    """One activity of a team (a patrol, a tutoring afternoon): the hours of its members hang off it."""

    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.PROTECT, related_name="outings")
    date = models.DateField("日期")
    title = models.CharField("活动内容", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "队伍活动"
        verbose_name_plural = "队伍活动"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.team} {self.date} {self.title}"


class Contribution(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    date = models.DateField("日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1, null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    receipt_no = models.CharField("收据号", max_length=40, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="登记社区", on_delete=models.PROTECT, related_name="+"
    )
    outing = models.ForeignKey(
        Outing,
        verbose_name="队伍活动",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "发挥作用记录"
        verbose_name_plural = "发挥作用记录"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["cadre", "date"], name="contrib_cadre_date"),
            models.Index(fields=["org_unit", "date"], name="contrib_unit_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "receipt_no"],
                condition=~Q(receipt_no=""),
                name="contrib_receipt_per_unit",
                violation_error_message="该收据号在本社区已经登记过",
            ),
            models.CheckConstraint(
                condition=~Q(kind="donation") | (Q(amount__gt=0) & ~Q(receipt_no="")),
                name="contrib_donation_amount_receipt",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["donation", "advice"]) | Q(hours__gt=0), name="contrib_service_hours"
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0, hours__lte=24), name="contrib_hours_in_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        """The row's own rules, as field errors (the constraints above hold them in the database too)."""
        errors: dict[str, str] = {}
        if self.kind == Kind.DONATION:
            if not self.amount or self.amount <= 0:
                errors["amount"] = "捐款须填写大于零的金额"
            if not self.receipt_no:
                errors["receipt_no"] = "捐款须填写收据号"
            elif (
                Contribution.objects.filter(org_unit_id=self.org_unit_id, receipt_no=self.receipt_no)
                .exclude(pk=self.pk)
                .exists()
            ):
                errors["receipt_no"] = f"收据号 {self.receipt_no} 在本社区已经登记过"
        elif self.kind != Kind.ADVICE and not self.hours:
            errors["hours"] = "服务记录须填写服务时长"
        if self.hours is not None and not 0 < self.hours <= 24:
            errors["hours"] = "服务时长应大于 0 且不超过 24 小时"
        if errors:
            raise ValidationError(errors)


class Story(models.Model):
    """先进典型: a cadre's (or a team's) story, told with text and photos; marked for use in report material."""

    title = models.CharField("标题", max_length=100)
    text = models.TextField("事迹")
    date = models.DateField("日期")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属单位", on_delete=models.PROTECT, related_name="+"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name="老干部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name="队伍", null=True, blank=True, on_delete=models.SET_NULL, related_name="stories"
    )
    for_reports = models.BooleanField("可用于汇报材料", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "先进典型"
        verbose_name_plural = "先进典型"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["for_reports", "date"], name="story_reports_date")]

    def __str__(self) -> str:
        return self.title


class StoryPhoto(AttachmentBase):
    story = models.ForeignKey(Story, verbose_name="先进典型", on_delete=models.CASCADE, related_name="photos")
    for_reports = models.BooleanField("可用于汇报材料", default=True)

    class Meta:
        verbose_name = "事迹照片"
        verbose_name_plural = "事迹照片"
        ordering = ["uploaded_at", "id"]
