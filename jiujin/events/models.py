"""Learning and activities nearby (就近学习·活动): events, sign-ups, attendance, 老年大学 courses.

An event belongs to one organising unit at any level: a community's event is for its own cadres, a street's
is open to the cadres of all its communities, a district's to all of its cadres. Attendance is one row per
(event, cadre) under a unique constraint, so a cadre checked in twice (list, card, API, two phones at once)
counts once. A weekly class is a series of events, so its sessions reuse sign-up and check-in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from jiujin.cadres.models import Category
from jiujin.core.access import is_volunteer
from jiujin.core.attachments import AttachmentBase
from jiujin.core.registry import cadre_group, party_members_q
from jiujin.orgs.models import OrgUnit

if TYPE_CHECKING:
    from jiujin.accounts.models import User


class EventKind(models.TextChoices):
    STUDY = "study", "政治学习"
    PARTY_CLASS = "party_class", "党课/党校社区课堂"
    HEALTH = "health", "健康讲座"
    CULTURE = "culture", "文体活动"
    CONTEST = "contest", "比赛"
    COLLEGE = "college", "老年大学课程"
    SERVICE = "service", "志愿服务"
    OTHER = "other", "其他"


# 学习台账 holds these kinds; 活动台账 the others.
STUDY_KINDS = (EventKind.STUDY, EventKind.PARTY_CLASS, EventKind.HEALTH, EventKind.COLLEGE)


class Audience(models.TextChoices):
    ALL = "all", "全体老干部"
    PARTY = "party", "党员"
    CATEGORY = "category", "按类别（离休/退休）"
    AGE = "age", "按年龄段"
    GROUP = "group", "指定群体（如党支部）"


class SignUpState(models.TextChoices):
    CONFIRMED = "confirmed", "已报名"
    WAITING = "waiting", "候补"
    CANCELLED = "cancelled", "已取消"


class CheckInVia(models.TextChoices):
    LIST = "list", "名单勾选"
    CARD = "card", "扫服务卡"
    API = "api", "接口"


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def unit_ids_for(user: User) -> list[int] | None:
    """Units whose events the user sees: the subtree of their unit plus its ancestors. None: all."""
    if not user.is_authenticated or not user.is_active or is_volunteer(user):
        return []
    if user.sees_everything:
        return None
    if user.org_unit_id is None:
        return []
    if not hasattr(user, "_event_unit_ids"):
        unit = user.org_unit
        assert unit is not None
        ancestors = unit.chain_paths()[:-1]
        ids = OrgUnit.objects.filter(Q(path__startswith=unit.path) | Q(path__in=ancestors)).values_list(
            "pk", flat=True
        )
        user._event_unit_ids = list(ids)  # type: ignore[attr-defined]
    return user._event_unit_ids  # type: ignore[attr-defined]


class EventQuerySet(models.QuerySet["Event"]):
    def for_user(self, user: User) -> EventQuerySet:
        """Events of units in the user's tree, plus those of ancestor units (open to their communities)."""
        ids = unit_ids_for(user)
        if ids is None:
            return self.all()
        return self.filter(unit_id__in=ids) if ids else self.none()

    def managed_by(self, user: User) -> EventQuerySet:
        """Events the user may edit: those organised within their own subtree."""
        if user.sees_everything:
            return self.for_user(user)
        if user.org_unit is None:
            return self.none()
        return self.for_user(user).filter(unit__path__startswith=user.org_unit.path)

    def between(self, start: date | None, end: date | None) -> EventQuerySet:
        # Bounds as aware datetimes, not `starts_at__date`: a cast of the column would not use the index.
        qs = self
        if start:
            qs = qs.filter(starts_at__gte=_day_start(start))
        if end:
            qs = qs.filter(starts_at__lt=_day_start(end + timedelta(days=1)))
        return qs


class EventSeries(models.Model):
    """A weekly series over a term (a study group, a class): its sessions are Events."""

    title = models.CharField("名称", max_length=100)
    unit = models.ForeignKey(OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    first_date = models.DateField("首次日期")
    until = models.DateField("截止日期")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "活动系列"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    title = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=EventKind.choices)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="events"
    )
    place = models.CharField("地点", max_length=100, blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    capacity = models.PositiveIntegerField("名额", null=True, blank=True, help_text="留空表示不限")
    waiting_list = models.BooleanField("满员后候补", default=True)
    description = models.TextField("内容", blank=True)
    audience = models.CharField("参加对象", max_length=10, choices=Audience.choices, default=Audience.ALL)
    audience_category = models.CharField("类别", max_length=10, choices=Category.choices, blank=True)
    age_min = models.PositiveSmallIntegerField("最小年龄", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("最大年龄", null=True, blank=True)
    group_code = models.CharField("群体类型", max_length=30, blank=True)
    group_value = models.CharField("群体", max_length=60, blank=True)
    series = models.ForeignKey(
        EventSeries,
        verbose_name="系列",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    report = models.TextField("活动小结", blank=True)
    report_at = models.DateTimeField("小结时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "学习活动"
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The list of a unit set, newest first, and its date filters.
            models.Index(fields=["unit", "starts_at", "id"], name="event_unit_start"),
            models.Index(fields=["starts_at", "id"], name="event_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_happened(self) -> bool:
        return self.starts_at <= timezone.now()

    def audience_q(self) -> Q:
        """The cadres this event is for, as a Q over Cadre (scope comes on top)."""
        q = Q(community__path__startswith=self.unit.path)
        if self.audience == Audience.PARTY:
            q &= party_members_q()
        elif self.audience == Audience.CATEGORY and self.audience_category:
            q &= Q(category=self.audience_category)
        elif self.audience == Audience.AGE:
            on = timezone.localtime(self.starts_at).date()
            if self.age_min is not None:
                q &= Q(birth_date__lte=_years_before(on, self.age_min))
            if self.age_max is not None:
                q &= Q(birth_date__gt=_years_before(on, self.age_max + 1))
        elif self.audience == Audience.GROUP:
            group = cadre_group(self.group_code)
            q &= group.q(self.group_value) if group else Q(pk__in=[])
        return q

    def audience_label(self) -> str:
        if self.audience == Audience.CATEGORY:
            return f"{self.get_audience_category_display()}干部"
        if self.audience == Audience.AGE:
            return f"{self.age_min or ''}–{self.age_max or ''} 岁"
        if self.audience == Audience.GROUP:
            group = cadre_group(self.group_code)
            return f"{group.label if group else self.group_code}：{self.group_value}"
        return self.get_audience_display()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class EventPhoto(AttachmentBase):
    event = models.ForeignKey(Event, verbose_name="活动", on_delete=models.CASCADE, related_name="photos")

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = verbose_name


class SignUp(models.Model):
    event = models.ForeignKey(Event, verbose_name="活动", on_delete=models.CASCADE, related_name="signups")
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.CASCADE, related_name="event_signups"
    )
    state = models.CharField("状态", max_length=10, choices=SignUpState.choices)
    # The waiting list's order: set again when a cancelled sign-up is renewed.
    queued_at = models.DateTimeField("报名时间", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["event", "cadre"], name="signup_event_cadre")]
        indexes = [models.Index(fields=["event", "state", "queued_at"], name="signup_queue")]

    def __str__(self) -> str:
        return f"{self.cadre_id}@{self.event_id} {self.state}"


class Attendance(models.Model):
    event = models.ForeignKey(
        Event, verbose_name="活动", on_delete=models.CASCADE, related_name="attendances"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.CASCADE, related_name="event_attendances"
    )
    checked_in_at = models.DateTimeField("签到时间", default=timezone.now)
    via = models.CharField("方式", max_length=6, choices=CheckInVia.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["event", "cadre"], name="attendance_event_cadre")]
        indexes = [models.Index(fields=["cadre", "checked_in_at"], name="attendance_cadre_time")]

    def __str__(self) -> str:
        return f"{self.cadre_id}@{self.event_id}"


# ---------------------------------------------------------------- 老年大学


class CourseQuerySet(models.QuerySet["Course"]):
    def for_user(self, user: User) -> CourseQuerySet:
        """Courses of units in the user's tree or above it (a district's 老年大学 is open to its communities)."""
        ids = unit_ids_for(user)
        if ids is None:
            return self.all()
        return self.filter(unit_id__in=ids) if ids else self.none()


class Course(models.Model):
    name = models.CharField("课程", max_length=100)
    unit = models.ForeignKey(OrgUnit, verbose_name="开课单位", on_delete=models.PROTECT, related_name="+")
    description = models.TextField("简介", blank=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "老年大学课程"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    course = models.ForeignKey(Course, verbose_name="课程", on_delete=models.CASCADE, related_name="terms")
    name = models.CharField("学期", max_length=50)
    starts_on = models.DateField("开学日期")
    ends_on = models.DateField("结业日期")

    class Meta:
        verbose_name = "学期"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.course.name} {self.name}"


class CourseClass(models.Model):
    term = models.ForeignKey(Term, verbose_name="学期", on_delete=models.CASCADE, related_name="classes")
    name = models.CharField("班级", max_length=50)
    teacher = models.CharField("任课老师", max_length=50)
    weekday = models.PositiveSmallIntegerField(
        "星期", choices=[(i, f"星期{'一二三四五六日'[i]}") for i in range(7)]
    )
    start_time = models.TimeField("上课时间")
    end_time = models.TimeField("下课时间")
    place = models.CharField("教室", max_length=100)
    capacity = models.PositiveIntegerField("招生人数")
    series = models.OneToOneField(
        EventSeries, verbose_name="课次", null=True, on_delete=models.SET_NULL, related_name="course_class"
    )

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.term} {self.name}"


class Enrolment(models.Model):
    course_class = models.ForeignKey(
        CourseClass, verbose_name="班级", on_delete=models.CASCADE, related_name="enrolments"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="老干部", on_delete=models.CASCADE, related_name="enrolments"
    )
    state = models.CharField("状态", max_length=10, choices=SignUpState.choices)
    queued_at = models.DateTimeField("报名时间", default=timezone.now)

    class Meta:
        verbose_name = "学员"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["course_class", "cadre"], name="enrolment_class_cadre")
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id}@{self.course_class_id}"


def counts_for(events: list[Event]) -> dict[int, dict[str, Any]]:
    """{event id: {"signed_up", "waiting", "attended"}} for a page of events, in two grouped queries."""
    ids = [e.pk for e in events]
    out: dict[int, dict[str, Any]] = {i: {"signed_up": 0, "waiting": 0, "attended": 0} for i in ids}
    rows = (
        SignUp.objects.filter(event_id__in=ids)
        .exclude(state=SignUpState.CANCELLED)
        .values_list("event_id", "state")
        .annotate(n=models.Count("id"))
    )
    for event_id, state, n in rows:
        out[event_id]["signed_up" if state == SignUpState.CONFIRMED else "waiting"] = n
    attended = (
        Attendance.objects.filter(event_id__in=ids).values_list("event_id").annotate(n=models.Count("id"))
    )
    for event_id, n in attended:
        out[event_id]["attended"] = n
    return out
