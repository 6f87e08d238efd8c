"""Opinions and requests (意见建议): recorded, routed, answered within a due date, rated — 件件有着落，事事有回音.

The stored `state` is open or answered; "overdue" is read from the dates (`due_date` is the answer date the
cadre was promised and never moves). Escalation is separate: `escalated_to` is the unit up the tree now
holding an unanswered opinion and `escalate_on` the day after which it moves one more level up (see
`services.opinions_escalate`). The community is copied from the cadre at intake so the board, the stats
and the scope read the opinion row alone (the community that took it keeps it if the cadre moves).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone


class OpinionSource(models.TextChoices):
    VISIT = "visit", "走访中提出"
    CALL = "call", "电话反映"
    MEETING = "meeting", "座谈会"
    FAMILY = "family", "家属反映"


class OpinionCategory(models.TextChoices):
    LIVING = "living", "生活待遇"
    POLITICAL = "political", "政治待遇"
    MEDICAL = "medical", "医疗保健"
    HOUSING = "housing", "住房物业"
    SERVICE = "service", "社区服务"
    ADVICE = "advice", "献计献策"
    OTHER = "other", "其他"


class RouteTo(models.TextChoices):
    PARTY_ORG = "party_org", "党组织"
    WORK_UNIT = "work_unit", "原单位"
    BUREAU = "bureau", "老干部局"
    COMMUNITY = "community", "社区自办"


class OpinionState(models.TextChoices):
    """Stored states; "overdue" (open past the due date) is computed, never stored."""

    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


OVERDUE = "overdue"
STATE_LABELS = {OpinionState.OPEN: "待答复", OpinionState.ANSWERED: "已答复", OVERDUE: "已逾期"}


class Outcome(models.TextChoices):
    SOLVED = "solved", "已解决"
    EXPLAINED = "explained", "已解释说明"
    UNSOLVABLE = "unsolvable", "无法解决"


DEFAULT_ANSWER_DAYS = 15


class AnswerDays(models.Model):
    """Days from intake to the answer, set by a unit and inherited by its subtree (the nearest unit wins);
    without any row DEFAULT_ANSWER_DAYS applies."""

    org_unit = models.OneToOneField(
        "orgs.OrgUnit", verbose_name="制定单位", on_delete=models.CASCADE, related_name="+"
    )
    days = models.PositiveSmallIntegerField("答复时限（天）")

    class Meta:
        verbose_name = "意见建议答复时限"
        verbose_name_plural = "意见建议答复时限"
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1, days__lte=365), name="answerdays_range"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.days}天"


class OpinionQuerySet(models.QuerySet["Opinion"]):
    def overdue(self, today: date) -> OpinionQuerySet:
        return self.filter(state=OpinionState.OPEN, due_date__lt=today)

    def in_state(self, state: str, today: date) -> OpinionQuerySet:
        """open (not yet late), overdue (open past the due date) or answered (rated or not)."""
        if state == OVERDUE:
            return self.overdue(today)
        if state == OpinionState.OPEN:
            return self.filter(state=OpinionState.OPEN, due_date__gte=today)
        return self.filter(state=state)


def unanswered_first() -> Case:
    """0 for an open opinion, 1 for an answered one: the board's "all" puts the unanswered on top.

    The one definition used by the board's ORDER BY and by the indexes below: PostgreSQL walks an expression
    index in place of a sort only when the ORDER BY expression is the indexed one."""
    return Case(When(state=OpinionState.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())


# What the board filters on besides the scope, carried in its indexes so a filtered walk reads no table row.
_BOARD_FILTERS = ["community", "route_to", "escalated_to"]


class Opinion(models.Model):
    # The foreign keys with db_index=False lead a composite index of Meta.indexes, which serves them too.
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name="老干部",
        on_delete=models.PROTECT,
        related_name="opinions",
        db_index=False,
    )
    community = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="受理社区", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    source = models.CharField("来源", max_length=10, choices=OpinionSource.choices)
    category = models.CharField(
        "类别", max_length=10, choices=OpinionCategory.choices, default=OpinionCategory.OTHER
    )
    content = models.TextField("意见建议内容")
    route_to = models.CharField("转办去向", max_length=10, choices=RouteTo.choices)
    # The cadre's former work unit when routed there (copied at intake: the contact's scope reads it).
    work_unit = models.ForeignKey(
        "cadres.WorkUnit",
        verbose_name="原工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    raised_on = models.DateField("提出日期")
    due_date = models.DateField("答复期限")
    state = models.CharField("状态", max_length=10, choices=OpinionState.choices, default=OpinionState.OPEN)
    escalated_to = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="已升级至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    escalate_on = models.DateField("逾期升级日")  # moves one level up when this day has passed unanswered

    reply = models.TextField("答复内容", blank=True)
    outcome = models.CharField("办理结果", max_length=10, choices=Outcome.choices, blank=True)
    reason = models.CharField("无法解决的原因", max_length=300, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer_days = models.PositiveSmallIntegerField("答复用时（天）", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField("满意度", null=True, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)

    created_at = models.DateTimeField("登记时间", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = OpinionQuerySet.as_manager()

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["due_date", "id"]
        # The board walks one of these in display order and stops after a page: no sort of a scope's rows.
        # Each has a form led by the community (one community's board) and one led by the order with the
        # community carried along (a street's or district's communities, or the whole city).
        indexes = [
            # Unanswered (overdue, not yet due), soonest due first: the open ones, a small share of the table.
            models.Index(
                fields=["community", "due_date", "id"],
                name="opinion_open_community",
                condition=Q(state=OpinionState.OPEN),
                include=["route_to", "escalated_to"],
            ),
            models.Index(
                fields=["due_date", "id"],
                name="opinion_open",
                condition=Q(state=OpinionState.OPEN),
                include=_BOARD_FILTERS,
            ),
            # Answered, newest answer first (walked backwards).
            models.Index(
                fields=["community", "answered_at", "id"],
                name="opinion_answered_community",
                condition=Q(state=OpinionState.ANSWERED),
                include=["route_to", "escalated_to"],
            ),
            models.Index(
                fields=["answered_at", "id"],
                name="opinion_answered",
                condition=Q(state=OpinionState.ANSWERED),
                include=_BOARD_FILTERS,
            ),
            # All: the unanswered first, then by due date. The state is carried too: PostgreSQL reads an
            # expression index alone (an index-only scan) only when it holds the expression's columns.
            models.Index(
                F("community"),
                unanswered_first(),
                F("due_date"),
                F("id"),
                name="opinion_all_community",
                include=["state", "route_to", "escalated_to"],
            ),
            models.Index(
                unanswered_first(),
                F("due_date"),
                F("id"),
                name="opinion_all",
                include=["state", *_BOARD_FILTERS],
            ),
            models.Index(fields=["state", "escalate_on"], name="opinion_escalate"),
            models.Index(fields=["escalated_to", "state", "due_date"], name="opinion_escalated"),
            # A former work unit's contact: the opinions routed to it, all (unanswered first) and answered.
            models.Index(
                F("work_unit"),
                unanswered_first(),
                F("due_date"),
                F("id"),
                name="opinion_work_unit",
                condition=Q(route_to=RouteTo.WORK_UNIT),
                include=["state", "escalated_to"],
            ),
            models.Index(
                fields=["work_unit", "answered_at", "id"],
                name="opinion_work_unit_answered",
                condition=Q(route_to=RouteTo.WORK_UNIT, state=OpinionState.ANSWERED),
            ),
            models.Index(fields=["cadre", "raised_on"], name="opinion_cadre"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="opinion_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=~Q(route_to="work_unit") | Q(work_unit__isnull=False), name="opinion_work_unit_set"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="unsolvable") | ~Q(reason=""), name="opinion_unsolvable_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"意见建议 #{self.pk}"

    def state_on(self, today: date) -> str:
        if self.state == OpinionState.OPEN and self.due_date < today:
            return OVERDUE
        return self.state

    def state_label(self, today: date) -> str:
        return STATE_LABELS[self.state_on(today)]

    @property
    def holder_label(self) -> str:
        """Who answers for it now: the community, or the unit it escalated to."""
        return self.escalated_to.name if self.escalated_to_id else self.community.name  # type: ignore[union-attr]


class Escalation(models.Model):
    """One level up the tree for an opinion left unanswered past its date: the history of levels."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="escalations")
    from_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="原层级", on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="升级至", on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField("升级日期")

    class Meta:
        verbose_name = "逾期升级记录"
        verbose_name_plural = "逾期升级记录"
        ordering = ["on", "id"]
        constraints = [
            # One step a day at most: a second run of the daily job on the same day adds nothing.
            models.UniqueConstraint(fields=["opinion", "on"], name="escalation_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.opinion_id} → {self.to_unit_id} {self.on}"
