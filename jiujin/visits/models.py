from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TaskKind(models.TextChoices):
    BIRTHDAY = "birthday", "生日祝寿"
    HOLIDAY = "holiday", "节日慰问"
    HOSPITAL = "hospital", "住院探视"
    FAMILY_EVENT = "family_event", "大事看望"
    SPECIAL = "special", "特殊情况"
    CONDOLENCE = "condolence", "吊唁慰问"
    MEDICAL_ROUND = "medical_round", "上门巡诊"  # from a health record's 巡诊 schedule
    PLAN_SERVICE = "plan_service", "方案服务"  # from an individual service plan


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


class TaskStatus(models.TextChoices):
    OPEN = "open", "待访"
    DONE = "done", "已访"
    OVERDUE = "overdue", "逾期"
    CANCELLED = "cancelled", "已取消"


class VisitTaskQuerySet(models.QuerySet["VisitTask"]):
    def for_user(self, user: object) -> VisitTaskQuerySet:
        from jiujin.cadres.models import Cadre

        return self.filter(cadre__in=Cadre.objects.for_user(user).values("pk"))  # type: ignore[arg-type]

    def pending(self) -> VisitTaskQuerySet:
        return self.filter(status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE])


class VisitTask(models.Model):
    """One visit owed to one cadre for one rule and occurrence; (cadre, rule_key, occurrence) is unique so
    generating twice creates nothing twice."""

    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.PROTECT, related_name="visit_tasks"
    )
    kind = models.CharField("类型", max_length=16, choices=TaskKind.choices)
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
    event = models.ForeignKey(
        CadreEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
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
            models.Index(fields=["assignee", "status", "due_date"], name="visittask_agenda"),
            models.Index(fields=["status", "due_date"], name="visittask_status_due"),
        ]

    def __str__(self) -> str:
        return self.title


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
