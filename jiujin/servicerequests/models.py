"""Service requests (服务工单): a call or a visit's needs, dispatched, arrived, completed — against a target time.

The state machine lives in `services.TRANSITIONS`; this module only holds the columns. `due_at` is stored
next to `target_minutes` so "overdue" is a plain column comparison in SQL (no interval arithmetic that
differs between SQLite and PostgreSQL) and the board can filter it set-based.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ServiceCategory(models.TextChoices):
    EMERGENCY_HELP = "emergency_help", "紧急求助"
    MEDICAL_ESCORT = "medical_escort", "医疗陪诊"
    HOME_MEDICAL = "home_medical", "上门巡诊"
    CLEANING = "cleaning", "家政保洁"
    HAIRCUT = "haircut", "上门理发"
    ERRANDS = "errands", "代购代办"
    REPAIR = "repair", "维修"
    COUNSELLING = "counselling", "心理慰藉"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", "紧急"
    NORMAL = "normal", "一般"


class RequestState(models.TextChoices):
    RECEIVED = "received", "受理"
    DISPATCHED = "dispatched", "派单"
    ARRIVED = "arrived", "到达"
    COMPLETED = "completed", "完成"
    CANCELLED = "cancelled", "取消"


OPEN_STATES = [RequestState.RECEIVED, RequestState.DISPATCHED, RequestState.ARRIVED]
# Before arrival the clock is still running against the target.
WAITING_STATES = [RequestState.RECEIVED, RequestState.DISPATCHED]


class RequestSource(models.TextChoices):
    PHONE = "phone", "电话求助"
    VISIT = "visit", "走访提出"
    OTHER = "other", "其他"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    FAIR = "fair", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ResponseTarget(models.Model):
    """Minutes from intake to arrival, set by a unit and inherited by its subtree (the nearest unit wins).

    An empty `category` covers every category of that urgency; a category-specific row of the same unit
    beats it. Without any row the defaults in `services.DEFAULT_TARGET_MINUTES` apply.
    """

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="制定单位", on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(
        "服务类别", max_length=16, choices=ServiceCategory.choices, blank=True, help_text="留空表示全部类别"
    )
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices)
    minutes = models.PositiveIntegerField("到达时限（分钟）")

    class Meta:
        verbose_name = "响应时限"
        verbose_name_plural = "响应时限"
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "category", "urgency"], name="responsetarget_unit_cat_urgency"
            ),
            models.CheckConstraint(condition=Q(minutes__gt=0), name="responsetarget_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.get_category_display() or '全部'} {self.get_urgency_display()} {self.minutes}分钟"


class ServiceRequest(models.Model):
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="service_requests"
    )
    category = models.CharField("服务类别", max_length=16, choices=ServiceCategory.choices)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField("需求描述")
    caller_name = models.CharField("来电人", max_length=50, blank=True)
    caller_relation = models.CharField("与老干部关系", max_length=20, blank=True)
    caller_phone = models.CharField("来电号码", max_length=24, blank=True)
    source = models.CharField(
        "来源", max_length=10, choices=RequestSource.choices, default=RequestSource.PHONE
    )
    visit_record = models.ForeignKey(
        "tasks.VisitRecord",
        verbose_name="走访记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )

    state = models.CharField(
        "状态", max_length=12, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    # `timezone.now` (not auto_now_add) so a frozen clock and a back-dated bench row both work.
    created_at = models.DateTimeField("受理时间", default=timezone.now)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    target_minutes = models.PositiveIntegerField("到达时限（分钟）")
    due_at = models.DateTimeField("应到达时间")

    # Who goes: a worker, a volunteer, or an outside provider (name and phone).
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    assignee_volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name="志愿者",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    provider_name = models.CharField("服务商", max_length=100, blank=True)
    provider_phone = models.CharField("服务商电话", max_length=24, blank=True)

    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    satisfaction_comment = models.CharField("评价", max_length=300, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受理人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "服务工单"
        verbose_name_plural = "服务工单"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The board: per state, emergencies first ("emergency" < "normal"), newest first — read in index order.
            models.Index(fields=["state", "urgency", "-created_at", "-id"], name="sr_board"),
            models.Index(fields=["cadre", "created_at"], name="sr_cadre_created"),
            models.Index(fields=["assignee_user", "state"], name="sr_assignee_state"),
            models.Index(fields=["assignee_volunteer", "state"], name="sr_volunteer_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(assignee_user__isnull=False) & Q(assignee_volunteer__isnull=False)),
                name="sr_one_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def assignee_label(self) -> str:
        if self.assignee_user_id:
            return self.assignee_user.display_name  # type: ignore[union-attr]
        if self.assignee_volunteer_id:
            return f"{self.assignee_volunteer.name}（志愿者）"  # type: ignore[union-attr]
        if self.provider_name:
            return f"{self.provider_name}（服务商）"
        return ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ServiceRequestEvent(models.Model):
    """One row per state change: the timeline on the detail page."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    state = models.CharField("状态", max_length=12, choices=RequestState.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.CharField("处理人", max_length=120, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    class Meta:
        verbose_name = "工单记录"
        verbose_name_plural = "工单记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_state_display()} {self.at:%H:%M}"
