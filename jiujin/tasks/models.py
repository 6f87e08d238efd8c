"""The worker's due work: tasks (of every kind an app registers), their completion records and the reminders.

The kind is stored as a code without `choices`: each app registers its kinds (`task_kind_register` in its
AppConfig.ready()), and labels and validation come from that registry, so a new kind needs no migration here.
The tables moved here from the visits app with their ids (migrations 0001/0002).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q

from jiujin.core.access import staff_community_ids
from jiujin.core.registry import TASK_KIND_MAX_LENGTH, task_kind

if TYPE_CHECKING:
    from jiujin.accounts.models import User


def validate_task_kind(code: str) -> None:
    if task_kind(code) is None:
        raise ValidationError("未知的任务类型：%(code)s", params={"code": code}, code="invalid_kind")


class TaskStatus(models.TextChoices):
    OPEN = "open", "待访"
    DONE = "done", "已访"
    OVERDUE = "overdue", "逾期"
    CANCELLED = "cancelled", "已取消"


PENDING = [TaskStatus.OPEN, TaskStatus.OVERDUE]


def scope_field() -> str:
    """The task's community as queries read it: the task's own copy where PostgreSQL keeps one (scope.py),
    else its cadre's (SQLite: small installations, a cheap join)."""
    return "community" if connection.vendor == "postgresql" else "cadre__community"


class VisitTaskQuerySet(models.QuerySet["VisitTask"]):
    def for_user(self, user: User) -> VisitTaskQuerySet:
        """The tasks of the cadres `Cadre.objects.for_user` returns: the same access policy, read by community
        (on PostgreSQL from the task row itself, without joining the cadres)."""
        community_ids = staff_community_ids(user)
        if community_ids is None:
            return self.all()
        return self.filter(**{f"{scope_field()}__in": community_ids}) if community_ids else self.none()

    def pending(self) -> VisitTaskQuerySet:
        return self.filter(status__in=PENDING)


class VisitTask(models.Model):
    """One visit owed to one cadre for one rule and occurrence; (cadre, rule_key, occurrence) is unique so
    generating twice creates nothing twice."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="visit_tasks"
    )
    # The cadre's community, copied and kept by PostgreSQL's triggers (scope.py; not kept on SQLite): scoping,
    # the calendar and the stats read the task row alone. Queries name it through scope_field().
    community = models.ForeignKey(
        "orgs.OrgUnit", null=True, editable=False, db_index=False, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类型", max_length=TASK_KIND_MAX_LENGTH, validators=[validate_task_kind])
    rule_key = models.CharField("规则", max_length=40)
    occurrence = models.CharField("期次", max_length=20)
    title = models.CharField("事项", max_length=100)
    due_date = models.DateField("应访日期")
    window_start = models.DateField("可访起始日")
    lunar_label = models.CharField("农历", max_length=20, blank=True)
    priority = models.PositiveSmallIntegerField("优先级", default=2)
    status = models.CharField("状态", max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="责任人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_tasks",
    )
    suggestion = models.CharField("建议", max_length=100, blank=True)
    # The event that called for the task (住院, 去世 …), kept by the visits app; a lazy reference, no import.
    event = models.ForeignKey(
        "visits.CadreEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VisitTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "走访任务"
        verbose_name_plural = "走访任务"
        ordering = ["due_date", "-priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "rule_key", "occurrence"], name="visittask_unique_occurrence"
            ),
            # A cadre dies once: parallel 去世 events make one 吊唁慰问 (a cancelled one may be re-made).
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(kind="condolence") & ~Q(status="cancelled"),
                name="visittask_one_condolence",
            ),
        ]
        indexes = [
            # The agenda and the home's due visits, read in their order up to the page's limit: a worker's
            # own tasks, and a community's (its workers' and the unassigned); counted from the index alone.
            models.Index(
                fields=["assignee", "due_date", "-priority", "id"],
                include=["community", "status"],
                condition=Q(status__in=PENDING),
                name="visittask_agenda_pending",
            ),
            models.Index(
                fields=["community", "due_date", "-priority", "id"],
                include=["assignee", "status"],
                condition=Q(status__in=PENDING),
                name="visittask_community_pending",
            ),
            # Calendar counts and completion stats of a scope: one index range per community, no table read.
            models.Index(
                fields=["community", "due_date"],
                include=["kind", "status"],
                condition=~Q(status=TaskStatus.CANCELLED),
                name="visittask_community_due",
            ),
            models.Index(fields=["status", "due_date"], name="visittask_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        """The registered label of the kind ("生日祝寿"), or the code of a kind no app registers any more."""
        kind = task_kind(self.kind)
        return kind.label if kind else self.kind


class VisitForm(models.TextChoices):
    HOME = "home", "上门"
    PHONE = "phone", "电话"
    HOSPITAL = "hospital", "医院"
    VIDEO = "video", "视频"


class VisitOutcome(models.TextChoices):
    VISITED = "visited", "已见到本人"
    FAMILY = "family", "见到家属"
    NOBODY_HOME = "nobody_home", "空访（无人在家）"


class VisitRecord(models.Model):
    task = models.ForeignKey(VisitTask, verbose_name="任务", on_delete=models.PROTECT, related_name="records")
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人", max_length=100)
    form = models.CharField("形式", max_length=10, choices=VisitForm.choices, default=VisitForm.HOME)
    outcome = models.CharField(
        "结果", max_length=12, choices=VisitOutcome.choices, default=VisitOutcome.VISITED
    )
    gifts = models.CharField("慰问品", max_length=200, blank=True)
    money = models.DecimalField("慰问金（元）", max_digits=9, decimal_places=2, null=True, blank=True)
    findings = models.TextField("了解到的情况", blank=True)
    needs = models.TextField("提出的需求", blank=True)
    # A visit worth telling: its findings appear among the 典型事例 of the 汇报材料 (reports app).
    for_reports = models.BooleanField("可用于汇报材料（典型事例）", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]
        constraints = [
            # A task is completed once: two phones submitting at once make one completing record.
            models.UniqueConstraint(
                fields=["task"], condition=~Q(outcome="nobody_home"), name="visitrecord_one_completion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.visited_on}"


class Channel(models.TextChoices):
    IN_APP = "in_app", "站内"
    EMAIL = "email", "邮件"
    WEBHOOK = "webhook", "企业微信机器人"
    SMS = "sms", "短信"


class Notification(models.Model):
    """The outbox: reminders are rows first, sent by a claim-and-send loop; failures are kept and retried."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    key = models.CharField("去重键", max_length=60)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "channel", "key"], name="notification_once")]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return self.subject
