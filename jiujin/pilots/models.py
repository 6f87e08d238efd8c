"""Pilot communities (试点) in eight steps, the evidence of each step and the pilot's leading group (领导小组).

A pilot is one community of a district for one year; its eight steps are created with it, in order
(`STEP_NAMES`). A step is done when it has a done date; whether it is late is read against the day asked
about (`state_on`), so "overdue" is a plain date comparison in SQL too (`overdue_q`).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jiujin.core.access import staff_community_ids
from jiujin.core.attachments import AttachmentBase

# The city's notice: a pilot runs in these eight steps, in this order.
STEP_NAMES = ("摸底调研", "培训骨干", "成立组织", "构建网络", "宣传发动", "建章立制", "开展活动", "总结提高")
STEP_COUNT = len(STEP_NAMES)
# Each district picks one or two pilot communities a year; more is allowed with a warning.
PILOTS_PER_YEAR = 2


class PilotStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    FINISHED = "finished", "已完成"


class StepState(models.TextChoices):
    DONE = "done", "已完成"
    DUE = "due", "未到期"
    OVERDUE = "overdue", "已逾期"


class PilotQuerySet(models.QuerySet["Pilot"]):
    def for_user(self, user: object) -> PilotQuerySet:
        """Pilots of the communities in the user's staff scope; volunteers and work units reach none."""
        ids = staff_community_ids(user)  # type: ignore[arg-type]
        return self if ids is None else self.filter(community_id__in=ids)


class Pilot(models.Model):
    community = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="试点社区", on_delete=models.PROTECT, related_name="pilots"
    )
    # The community's district, kept so the board filters and groups by district without walking the tree.
    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="所属区县", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("试点名称", max_length=100)
    theme = models.TextField("试点主题", blank=True)
    status = models.CharField("状态", max_length=10, choices=PilotStatus.choices, default=PilotStatus.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = PilotQuerySet.as_manager()

    class Meta:
        verbose_name = "试点社区"
        verbose_name_plural = "试点社区"
        ordering = ["-year", "district_id", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="pilot_community_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="pilot_year_range"),
        ]
        indexes = [models.Index(fields=["district", "year"], name="pilot_district_year")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.name}"


def overdue_q(today: date, prefix: str = "") -> Q:
    """Not done and past its target date."""
    return Q(**{f"{prefix}done_date__isnull": True, f"{prefix}target_date__lt": today})


class PilotStep(models.Model):
    pilot = models.ForeignKey(Pilot, verbose_name="试点", on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField("步骤序号")
    name = models.CharField("步骤", max_length=20)
    target_date = models.DateField("计划完成日期")
    done_date = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("情况说明", blank=True)
    responsible = models.CharField("责任人", max_length=50, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="标记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "试点步骤"
        verbose_name_plural = "试点步骤"
        ordering = ["pilot_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "number"], name="pilotstep_pilot_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=STEP_COUNT), name="pilotstep_number_range"
            ),
        ]
        indexes = [models.Index(fields=["done_date", "target_date"], name="pilotstep_open_target")]

    def __str__(self) -> str:
        return f"第{self.number}步 {self.name}"

    def state_on(self, today: date) -> str:
        if self.done_date is not None:
            return StepState.DONE
        return StepState.OVERDUE if self.target_date < today else StepState.DUE


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "文件材料"
    PHOTO = "photo", "照片"
    MINUTES = "minutes", "会议记录"


class PilotEvidence(AttachmentBase):
    step = models.ForeignKey(
        PilotStep, verbose_name="步骤", on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(
        "材料类别", max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.DOCUMENT
    )

    class Meta:
        verbose_name = "试点佐证材料"
        verbose_name_plural = "试点佐证材料"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["step", "uploaded_at"], name="pilotevidence_step_at")]


class GroupPosition(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


POSITION_ORDER = {GroupPosition.LEADER: 0, GroupPosition.DEPUTY: 1, GroupPosition.MEMBER: 2}


class GroupMember(models.Model):
    """A member of the pilot's leading group (领导小组). One 组长 per pilot (the constraint)."""

    pilot = models.ForeignKey(Pilot, verbose_name="试点", on_delete=models.CASCADE, related_name="group")
    position = models.CharField("小组职务", max_length=10, choices=GroupPosition.choices)
    name = models.CharField("姓名", max_length=50)
    role = models.CharField("组内分工", max_length=50, blank=True, help_text="如：社区书记、街道分管领导")
    unit_position = models.CharField("单位及职务", max_length=100, blank=True)
    phone = models.CharField("电话", max_length=24, blank=True)

    class Meta:
        verbose_name = "领导小组成员"
        verbose_name_plural = "领导小组成员"
        ordering = ["pilot_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot"], condition=Q(position=GroupPosition.LEADER), name="groupmember_one_leader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.name}"
