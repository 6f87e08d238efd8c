"""Retirees' party branches (离退休党支部): branches, memberships with their history, party dues as local rules
set them, the 光荣在党50年 badge, and the branch's meetings (recorded as events of the events app).

Where a branch sits: a branch with a `work_unit` sits in the cadre's former work unit (原单位支部); one
without sits in the community or street `org_unit`. Every branch has an `org_unit`, the unit that keeps its
record, so scope stays a subtree filter; a work-unit branch is also seen through its members' communities
(see `BranchQuerySet.for_user`).

Memberships are never deleted: leaving or a transfer ends the row (`left_on`) and a transfer opens a new one;
the database allows one open membership per cadre and one secretary per branch.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jiujin.core.access import staff_community_ids

if TYPE_CHECKING:
    from jiujin.accounts.models import User


class BranchQuerySet(models.QuerySet["Branch"]):
    def for_user(self, user: User) -> BranchQuerySet:
        """Branches kept by a unit of the user's subtree, and work-unit branches with an open membership of a
        cadre living in one of the user's communities (the worker looks after that member)."""
        community_ids = staff_community_ids(user)
        if community_ids is None:
            return self.all()
        if not community_ids or user.org_unit is None:
            return self.none()
        members_here = Membership.objects.filter(
            branch=OuterRef("pk"), left_on__isnull=True, cadre__community_id__in=community_ids
        )
        return self.filter(
            Q(org_unit__path__startswith=user.org_unit.path)
            | (Q(work_unit__isnull=False) & Exists(members_here))
        )


class Branch(models.Model):
    name = models.CharField("支部名称", max_length=100)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="所在社区/街道（登记单位）",
        on_delete=models.PROTECT,
        related_name="party_branches",
    )
    work_unit = models.ForeignKey(
        "cadres.WorkUnit",
        verbose_name="所在原单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_branches",
        help_text="支部设在老干部原单位时填写",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = BranchQuerySet.as_manager()

    class Meta:
        verbose_name = "离退休党支部"
        verbose_name_plural = "离退休党支部"
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["org_unit", "name"], name="branch_unit_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def place_label(self) -> str:
        return f"原单位：{self.work_unit}" if self.work_unit_id else str(self.org_unit)


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PUBLICITY = "publicity", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    MEMBER = "member", "党员"


class LeaveReason(models.TextChoices):
    TRANSFER = "transfer", "转出"
    DECEASED = "deceased", "去世"
    MOVED = "moved", "迁出"
    OTHER = "other", "其他"


class Membership(models.Model):
    branch = models.ForeignKey(
        Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="memberships"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="党员", on_delete=models.PROTECT, related_name="party_memberships"
    )
    role = models.CharField("职务", max_length=14, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField("转入日期")
    left_on = models.DateField("转出日期", null=True, blank=True)
    left_reason = models.CharField("转出原因", max_length=10, choices=LeaveReason.choices, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "党员组织关系"
        verbose_name_plural = "党员组织关系"
        ordering = ["-joined_on", "-id"]
        indexes = [models.Index(fields=["branch", "left_on"], name="membership_branch_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(left_on__isnull=True), name="membership_one_open_per_cadre"
            ),
            models.UniqueConstraint(
                fields=["branch"],
                condition=Q(left_on__isnull=True, role="secretary"),
                name="membership_one_secretary",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id}@{self.branch_id}"

    @property
    def is_open(self) -> bool:
        return self.left_on is None


class PartyProfile(models.Model):
    """The party facts of one cadre that outlive any branch: 入党日期."""

    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name="党员", on_delete=models.PROTECT, related_name="party_profile"
    )
    joined_party_on = models.DateField("入党日期")

    class Meta:
        verbose_name = "党员信息"
        verbose_name_plural = "党员信息"

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.joined_party_on}"

    def party_years(self, on: date) -> int:
        """Full years of membership on `on` (党龄)."""
        years = on.year - self.joined_party_on.year
        return years - ((on.month, on.day) < (self.joined_party_on.month, self.joined_party_on.day))


class Pension(models.Model):
    """月基本离退休费 from a date: the base of the party dues. Personal data: shown to those who need it."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="党员", on_delete=models.PROTECT, related_name="pensions"
    )
    amount = models.DecimalField("月基本离退休费（元）", max_digits=10, decimal_places=2)
    effective_from = models.DateField("起始月份")
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "基本离退休费"
        verbose_name_plural = "基本离退休费"
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "effective_from"], name="pension_cadre_from"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pension_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.effective_from}"


class Rounding(models.TextChoices):
    HALF_UP = "half_up", "四舍五入到分"
    DOWN = "down", "舍去分以下"
    UP = "up", "分以下进一"


class DuesRule(models.Model):
    """How much a retired member pays a month, set by a district (or the city) from a date.

    Brackets give the rate by the basic pension: the rate of the highest bracket whose `above` the pension
    exceeds applies to the whole pension (0.5 % up to ¥5,000 inclusive, 1 % above, as most places rule).
    A rule with no unit is the installation's default, written by the data migration."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="制定单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空为全市默认",
    )
    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("执行日期")
    rounding = models.CharField("取整", max_length=8, choices=Rounding.choices, default=Rounding.HALF_UP)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="制定人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "党费标准"
        verbose_name_plural = "党费标准"
        ordering = ["-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "effective_from"], name="duesrule_unit_from"),
            models.UniqueConstraint(
                fields=["effective_from"], condition=Q(org_unit__isnull=True), name="duesrule_default_from"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.effective_from}起）"


class DuesBracket(models.Model):
    rule = models.ForeignKey(
        DuesRule, verbose_name="党费标准", on_delete=models.CASCADE, related_name="brackets"
    )
    above = models.DecimalField("基本离退休费超过（元）", max_digits=10, decimal_places=2)
    rate_percent = models.DecimalField("比例（%）", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "党费档次"
        verbose_name_plural = "党费档次"
        ordering = ["above"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "above"], name="duesbracket_rule_above"),
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0, rate_percent__lte=100, above__gte=0), name="duesbracket_sane"
            ),
        ]

    def __str__(self) -> str:
        return f">{self.above} {self.rate_percent}%"


class DuesCharge(models.Model):
    """One member's dues for one month (the ledger's row): due from the rule, then paid or in arrears."""

    cadre = models.ForeignKey("cadres.Cadre", verbose_name="党员", on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="dues")
    month = models.DateField("月份")  # the first day of the month
    base = models.DecimalField("计缴基数（元）", max_digits=10, decimal_places=2)
    rate_percent = models.DecimalField("比例（%）", max_digits=5, decimal_places=2)
    rule = models.ForeignKey(DuesRule, verbose_name="党费标准", on_delete=models.PROTECT, related_name="+")
    amount_due = models.DecimalField("应缴（元）", max_digits=10, decimal_places=2)
    paid_on = models.DateField("缴纳日期", null=True, blank=True)
    amount_paid = models.DecimalField("实缴（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    receipt_no = models.CharField("收据号", max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "党费台账"
        verbose_name_plural = "党费台账"
        ordering = ["month", "id"]
        indexes = [models.Index(fields=["branch", "month"], name="duescharge_branch_month")]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "month"], name="duescharge_cadre_month"),
            # No CHECK on the month's day: on SQLite it would call a Django-registered SQL function, and the
            # backup's integrity check (plain sqlite3) could not read the schema. dues.month_start normalises.
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True, amount_paid__isnull=True)
                | Q(paid_on__isnull=False, amount_paid__isnull=False),
                name="duescharge_paid_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.month:%Y-%m}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class BadgeAward(models.Model):
    """光荣在党50年 纪念章: awarded once in a member's life."""

    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("颁发年度")
    awarded_on = models.DateField("颁发日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "光荣在党50年纪念章"
        verbose_name_plural = "光荣在党50年纪念章"

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.year}"


class MeetingKind(models.TextChoices):
    GENERAL = "general", "支部党员大会"
    COMMITTEE = "committee", "支委会"
    GROUP = "group", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    LIFE = "life", "组织生活会"
    REVIEW = "review", "民主评议党员"


class BranchMeeting(models.Model):
    """A branch meeting or study session: the event (time, place, sign-ups, attendance) is the events app's;
    this row says which of the required meetings it was, and keeps the minutes."""

    event = models.OneToOneField(
        "events.Event", verbose_name="活动", on_delete=models.PROTECT, related_name="branch_meeting"
    )
    branch = models.ForeignKey(
        Branch, verbose_name="党支部", on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField("会议类型", max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField("日期")  # the event's local date, kept here for the yearly check's grouping
    minutes = models.TextField("会议记录", blank=True)

    class Meta:
        verbose_name = "支部会议"
        verbose_name_plural = "支部会议"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["branch", "held_on"], name="branchmeeting_branch_day")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.get_kind_display()} {self.held_on}"
