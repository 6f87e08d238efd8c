"""Five must-visits (五必访): generating visit tasks, events, visit records and reminders."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache, partial, reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from lunar_python import LunarYear, Solar

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.models import BirthdayCalendar, Cadre, CadreStatus
from jiujin.cadres.services import cadre_change_status
from jiujin.lib.calendar import (
    Occurrence,
    age_at,
    holiday_occurrences,
    lunar_birthday_occurrences,
    lunar_label,
    solar_birthday_occurrences,
)
from jiujin.orgs.models import OrgUnit

from . import senders as senders_module
from .models import (
    CadreEvent,
    EventKind,
    HolidayRule,
    Notification,
    TaskKind,
    TaskStatus,
    VisitOutcome,
    VisitRecord,
    VisitSettings,
    VisitTask,
)
from .rules import (
    audience_q,
    effective_rules,
    holiday_scopes,
    latest_birth,
    milestone_ages,
    scopes_q,
    settings_scopes,
)

if TYPE_CHECKING:
    from jiujin.accounts.models import User

logger = logging.getLogger(__name__)

GENERATE_DAYS = 60
PRIORITY_NORMAL = 2
PRIORITY_HIGH = 3
OLDEST_AGE = 120  # ages past this get the plain title; they are data errors, not 祝寿 candidates
PENDING = [TaskStatus.OPEN, TaskStatus.OVERDUE]


class TaskAlreadyDone(Exception):
    def __init__(self, message: str = "该任务已由他人完成") -> None:
        super().__init__(message)


class TaskNotOpen(Exception):
    def __init__(self, message: str = "该任务已取消，不能登记走访") -> None:
        super().__init__(message)


# --- Generating birthday and holiday tasks ---------------------------------------------------------------


@transaction.atomic
def visit_tasks_generate(*, today: date, through: date | None = None) -> int:
    """Create the birthday and holiday tasks falling due in [today, through]; returns how many were new.

    Set-based: one INSERT … SELECT per due date (birthdays) and per holiday occurrence, whatever the number
    of cadres; the unique (cadre, rule_key, occurrence) key makes a second run insert nothing.
    """
    through = through or today + timedelta(days=GENERATE_DAYS)
    if through < today:
        return 0
    created = 0
    with _memoized_lunar_years():
        keys_by_due = _birthday_keys_by_due(today, through)
        oldest = _active().aggregate(oldest=Min("birth_date"))["oldest"]
        for settings, scopes in settings_scopes():
            ages = _Ages(nominal=settings.nominal_age, oldest=oldest)
            for due, keys in sorted(keys_by_due.items()):
                for rows in _birthday_rows(settings, ages, due, keys, scopes_q(scopes)):
                    created += _insert_tasks(rows)
        for spec, scopes in holiday_scopes():
            for occ in holiday_occurrences(spec.calendar, spec.month, spec.day, today, through):
                cadres = _active().filter(
                    scopes_q(scopes), audience_q(spec.audience, min_age=spec.min_age, on=occ.due)
                )
                rows = _task_rows(
                    cadres,
                    kind=TaskKind.HOLIDAY,
                    rule_key=f"holiday:{spec.code}",
                    occ=occ,
                    window_days=spec.window_days,
                    title=Value(f"{spec.name}慰问"),
                    priority=Value(spec.priority),
                    suggestion=Value(""),
                )
                created += _insert_tasks(rows)
    logger.info("visit tasks generated for %s..%s: %d new", today, through, created)
    return created


@contextmanager
def _memoized_lunar_years() -> Iterator[None]:
    # lunar_python caches a single LunarYear and recomputes one in ~20 ms; a run converts dates across a
    # few dozen lunar years in alternation, which took 15 s instead of 0.5 s. Results are identical.
    original = LunarYear.__dict__["fromYear"]
    LunarYear.fromYear = staticmethod(lru_cache(maxsize=256)(original.__func__))
    try:
        yield
    finally:
        LunarYear.fromYear = original


@dataclass
class _DueKeys:
    """The birthday keys falling due on one date, and the year they count for."""

    solar_year: int = 0  # the occurrence key of solar birthdays
    lunar_year: int = 0  # … and of lunar ones: a 腊月 birthday in January counts for the lunar year before
    solar: list[tuple[int, int]] = field(default_factory=list)
    lunar: list[tuple[int, int, bool]] = field(default_factory=list)


@lru_cache(maxsize=8)  # pure in its dates; the --loop command and tests ask for the same window again
def _birthday_keys_by_due(start: date, end: date) -> dict[date, _DueKeys]:
    """Which birthday keys fall on which date: computed once per key (~366 solar, ~720 lunar), not per cadre."""
    found: dict[date, _DueKeys] = defaultdict(_DueKeys)
    for month in range(1, 13):
        for day in range(1, 32):
            try:
                occurrences = solar_birthday_occurrences(month, day, start, end)
            except ValueError:
                continue  # no such date (4/31)
            for occ in occurrences:
                found[occ.due].solar_year = occ.year_key
                found[occ.due].solar.append((month, day))
    # A lunar key lands in the lunar month of its number (leap or not), so only months the window touches.
    months = {_lunar_ym(start + timedelta(days=n))[1] for n in range((end - start).days + 1)}
    for month in sorted(months):
        for day in range(1, 31):
            for leap in (False, True):
                for occ in lunar_birthday_occurrences(month, day, leap, start, end):
                    found[occ.due].lunar_year = occ.year_key
                    found[occ.due].lunar.append((month, day, leap))
    return dict(found)


@lru_cache(maxsize=1024)
def _lunar_ym(d: date) -> tuple[int, int]:
    """Lunar year and month number (leap or not) of a solar date."""
    lunar = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    return lunar.getYear(), abs(lunar.getMonth())


def _birthday_rows(
    settings: VisitSettings, ages: _Ages, due: date, keys: _DueKeys, scope: Q
) -> list[QuerySet]:
    """The SELECTs of one date's birthday tasks: solar and lunar cadres apart, each on an indexable filter."""
    found = []
    if keys.solar and ages.oldest:
        # birth_date IN (every year's m/d) walks the birth_date index instead of scanning all cadres.
        births = [
            born for y in range(ages.oldest.year, due.year) for m, d in keys.solar if (born := _date(y, m, d))
        ]
        cadres = Q(birthday_calendar=SOLAR, birth_date__in=births)
        found.append(_birthday_select(settings, ages, due, SOLAR, keys.solar_year, scope & cadres))
    if keys.lunar:
        cadres = Q(birthday_calendar=LUNAR) & _any(
            [Q(lunar_month=m, lunar_day=d, lunar_leap=leap) for m, d, leap in keys.lunar]
        )
        found.append(_birthday_select(settings, ages, due, LUNAR, keys.lunar_year, scope & cadres))
    return found


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # Feb 29 of a common year
        return None


def _birthday_select(
    settings: VisitSettings, ages: _Ages, due: date, calendar: str, year: int, cadres: Q
) -> QuerySet:
    celebrated = ages.celebrated(settings, due)
    titles = [When(ages.between(age, age, due, calendar), then=Value(f"{age}岁祝寿")) for age in celebrated]
    milestone = _any([ages.between(*run, due, calendar) for run in _runs(celebrated)])
    return _task_rows(
        _active().filter(cadres, birth_date__lt=due),
        kind=TaskKind.BIRTHDAY,
        rule_key="birthday",
        occ=Occurrence(due, lunar_label(due), year),
        window_days=settings.birthday_window_days,
        title=Case(*titles, default=Value("生日祝福"), output_field=CharField()),
        priority=Case(When(milestone, then=Value(PRIORITY_HIGH)), default=Value(PRIORITY_NORMAL)),
        suggestion=Case(When(milestone, then=Value(settings.milestone_gift)), default=Value("")),
    )


SOLAR, LUNAR = BirthdayCalendar.SOLAR.value, BirthdayCalendar.LUNAR.value


class _Ages:
    """Birth-date ranges for "turns exactly N at this birthday", by the calendar engine's age_at.

    A solar birthday counts 周岁 by the solar date (or 虚岁); a lunar birthday counts completed lunar years
    (虚岁 − 1), or 虚岁. Lunar-year ages depend only on the lunar year of the date, so their bounds are
    cached per lunar year: a binary search of lunar conversions per date would take seconds.
    """

    def __init__(self, *, nominal: bool, oldest: date | None) -> None:
        self.nominal = nominal
        self.oldest = oldest  # the oldest cadre's birth date: no need to test for ages nobody has
        self._latest: dict[tuple, date] = {}

    def celebrated(self, settings: VisitSettings, due: date) -> list[int]:
        top = min(OLDEST_AGE, due.year - self.oldest.year + 1) if self.oldest else OLDEST_AGE
        every_year = range(settings.every_year_after + 1, top + 1)
        return sorted(a for a in {*milestone_ages(settings), *every_year} if a <= top)

    def between(self, youngest: int, oldest: int, due: date, calendar: str) -> Q:
        """Cadres of this birthday calendar turning youngest..oldest (inclusive) at this birthday."""
        return Q(
            birthday_calendar=calendar,
            birth_date__lte=self.latest(youngest, due, calendar),
            birth_date__gt=self.latest(oldest + 1, due, calendar),
        )

    def latest(self, age: int, due: date, calendar: str) -> date:
        age_fn: Callable[[date], int]
        if calendar == SOLAR and not self.nominal:
            key: tuple = (age, due)
            age_fn = partial(_age, on=due, nominal=False, offset=0)
        else:
            offset = 0 if self.nominal else 1
            key = (age, _lunar_ym(due)[0], offset)
            age_fn = partial(_age, on=due, nominal=True, offset=offset)
        if key not in self._latest:
            self._latest[key] = latest_birth(age, due, age_fn)
        return self._latest[key]


def _age(birth: date, *, on: date, nominal: bool, offset: int) -> int:
    return age_at(birth, on, nominal=nominal) - offset


def _runs(ages: list[int]) -> list[tuple[int, int]]:
    """[70, 75, 101, 102, 103] → [(70, 70), (75, 75), (101, 103)]: fewer ranges, shorter SQL."""
    runs: list[tuple[int, int]] = []
    for age in ages:
        if runs and runs[-1][1] == age - 1:
            runs[-1] = (runs[-1][0], age)
        else:
            runs.append((age, age))
    return runs


def _any(conditions: list[Q]) -> Q:
    return reduce(or_, conditions, Q(pk__in=[]))


def _active() -> QuerySet[Cadre]:
    return Cadre.objects.filter(status=CadreStatus.ACTIVE)


# The INSERT column order; each is selected as an annotation named `v_<column>`.
_TASK_COLUMNS = [
    "cadre_id",
    "kind",
    "rule_key",
    "occurrence",
    "title",
    "due_date",
    "window_start",
    "lunar_label",
    "priority",
    "status",
    "assignee_id",
    "suggestion",
    "cancel_reason",
    "created_at",
]


def _task_rows(
    cadres: QuerySet[Cadre],
    *,
    kind: str,
    rule_key: str,
    occ: Occurrence,
    window_days: int,
    title: Value | Case,
    priority: Value | Case,
    suggestion: Value | Case,
) -> QuerySet:
    """A SELECT of one task row per cadre, in _TASK_COLUMNS order, for INSERT … SELECT."""
    values = {
        "cadre_id": F("pk"),
        "kind": Value(kind),
        "rule_key": Value(rule_key),
        "occurrence": Value(str(occ.year_key)),
        "title": title,
        "due_date": Value(occ.due, output_field=DateField()),
        "window_start": Value(occ.due - timedelta(days=window_days), output_field=DateField()),
        "lunar_label": Value(occ.lunar_label),
        "priority": priority,
        "status": Value(TaskStatus.OPEN.value),
        "assignee_id": F("responsible_worker_id"),
        "suggestion": suggestion,
        "cancel_reason": Value(""),
        "created_at": Value(timezone.now(), output_field=DateTimeField()),
    }
    names = [f"v_{c}" for c in _TASK_COLUMNS]
    annotated = cadres.order_by().annotate(**{f"v_{c}": values[c] for c in _TASK_COLUMNS})
    return annotated.values(*names)


def _insert_tasks(rows: QuerySet) -> int:
    """INSERT … SELECT, skipping rows whose (cadre, rule_key, occurrence) already exists."""
    select_sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    qn = connection.ops.quote_name
    table = qn(VisitTask._meta.db_table)
    columns = ", ".join(qn(c) for c in _TASK_COLUMNS)
    if connection.vendor == "sqlite":
        sql = f"INSERT OR IGNORE INTO {table} ({columns}) {select_sql}"
    else:
        sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def visit_tasks_mark_overdue(*, today: date) -> int:
    """Open tasks past their due date become overdue; they stay visitable."""
    return VisitTask.objects.filter(status=TaskStatus.OPEN, due_date__lt=today).update(
        status=TaskStatus.OVERDUE
    )


# --- Events ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _EventTask:
    kind: str
    title: str
    days_setting: str  # the VisitSettings field giving "due within N days"
    priority: int


DECEASED_NO_EVENTS = "该老干部已去世，不能登记事件"

EVENT_TASKS: dict[str, _EventTask] = {
    EventKind.HOSPITALISED: _EventTask(TaskKind.HOSPITAL, "住院探视", "hospital_days", PRIORITY_HIGH),
    EventKind.FAMILY_EVENT: _EventTask(
        TaskKind.FAMILY_EVENT, "重大家事看望", "family_event_days", PRIORITY_HIGH
    ),
    EventKind.SPECIAL: _EventTask(TaskKind.SPECIAL, "特殊情况走访", "special_days", PRIORITY_NORMAL),
    EventKind.DEATH: _EventTask(TaskKind.CONDOLENCE, "吊唁慰问家属", "condolence_days", PRIORITY_HIGH),
}


@transaction.atomic
def cadre_event_record(*, actor: Actor, cadre: Cadre, kind: str, on: date, note: str = "") -> CadreEvent:
    """Record 住院/重大家事/特殊情况/去世 and create the visit it calls for; a death also closes the file."""
    if kind not in EVENT_TASKS:
        raise ValidationError({"kind": "未知的事件类型"})
    # Lock the cadre: parallel 去世 events wait here, then see the file closed (one event, one 吊唁).
    locked = Cadre.objects.select_for_update().only("status").get(pk=cadre.pk)
    cadre.status = locked.status
    if cadre.status == CadreStatus.DECEASED:
        raise ValidationError(DECEASED_NO_EVENTS)
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError("只能为在册老干部登记事件")
    event = CadreEvent.objects.create(cadre=cadre, kind=kind, date=on, note=note, created_by=actor.user)
    label = EventKind(kind).label
    audit_record(
        actor=actor, action=AuditAction.CREATE, cadre=cadre, detail=f"登记事件：{label} {on:%Y-%m-%d}"
    )
    if kind == EventKind.DEATH:
        # Also cancels the scheduled birthday/holiday visits (visit_tasks_cancel_scheduled).
        cadre_change_status(
            actor=actor, cadre=cadre, status=CadreStatus.DECEASED, on=on, reason=note or label
        )
    _event_task_create(cadre=cadre, event=event)
    return event


def visit_tasks_add(rows: list[VisitTask]) -> int:
    """Insert the tasks whose (cadre, rule_key, occurrence) is not there yet; returns how many were new.

    For the engines that compute their tasks in Python (巡诊 schedules, service plans)."""
    if not rows:
        return 0
    existing = set(
        VisitTask.objects.filter(
            cadre_id__in={r.cadre_id for r in rows},  # the unique key's index leads with cadre
            rule_key__in={r.rule_key for r in rows},
            occurrence__in={r.occurrence for r in rows},
        ).values_list("cadre_id", "rule_key", "occurrence")
    )
    new = [r for r in rows if (r.cadre_id, r.rule_key, r.occurrence) not in existing]
    # ignore_conflicts: a concurrent run may have inserted the same key since the read above.
    VisitTask.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def visit_tasks_cancel_scheduled(*, cadre: Cadre, reason: str) -> int:
    """A cadre who died or moved out gets no more scheduled visits (birthday, holiday, 巡诊, plan services);
    visits called for by an event stay open for the worker to close."""
    scheduled = [TaskKind.BIRTHDAY, TaskKind.HOLIDAY, TaskKind.MEDICAL_ROUND, TaskKind.PLAN_SERVICE]
    return VisitTask.objects.filter(cadre=cadre, kind__in=scheduled, status__in=PENDING).update(
        status=TaskStatus.CANCELLED, cancel_reason=reason
    )


def _event_task_create(*, cadre: Cadre, event: CadreEvent) -> VisitTask:
    spec = EVENT_TASKS[event.kind]
    days = getattr(effective_rules(cadre.community).settings, spec.days_setting)
    due = event.date + timedelta(days=days)
    overdue = due < timezone.localdate()  # an event recorded late is already overdue
    if spec.kind != TaskKind.CONDOLENCE:
        return _event_task_insert(cadre=cadre, event=event, spec=spec, due=due, overdue=overdue)
    try:
        with transaction.atomic():  # a savepoint: visittask_one_condolence is the backstop of the lock
            return _event_task_insert(cadre=cadre, event=event, spec=spec, due=due, overdue=overdue)
    except IntegrityError:
        raise ValidationError(DECEASED_NO_EVENTS) from None


def _event_task_insert(
    *, cadre: Cadre, event: CadreEvent, spec: _EventTask, due: date, overdue: bool
) -> VisitTask:
    return VisitTask.objects.create(
        cadre=cadre,
        kind=spec.kind,
        rule_key=spec.kind,
        occurrence=f"event-{event.pk}",
        title=spec.title,
        due_date=due,
        window_start=event.date,
        lunar_label=lunar_label(due),
        priority=spec.priority,
        status=TaskStatus.OVERDUE if overdue else TaskStatus.OPEN,
        assignee_id=cadre.responsible_worker_id,
        event=event,
    )


# --- Visit records --------------------------------------------------------------------------------------


@transaction.atomic
def visit_task_complete(
    *,
    actor: Actor,
    task: VisitTask,
    visited_on: date,
    visitors: str,
    form: str,
    outcome: str,
    gifts: str = "",
    money: Decimal | None = None,
    findings: str = "",
    needs: str = "",
) -> VisitRecord:
    """Record a visit. 空访 (nobody home) keeps the task open to be retried; any other outcome completes it.

    Completion claims the task with a conditional UPDATE, so of two phones submitting at once only one
    writes the completing record; the other gets TaskAlreadyDone.
    """
    if outcome == VisitOutcome.NOBODY_HOME:
        _raise_unless_pending(VisitTask.objects.select_for_update().get(pk=task.pk).status)
    else:
        now = timezone.now()
        claimed = VisitTask.objects.filter(pk=task.pk, status__in=PENDING).update(
            status=TaskStatus.DONE, done_at=now
        )
        if not claimed:
            _raise_unless_pending(VisitTask.objects.get(pk=task.pk).status)
        task.status, task.done_at = TaskStatus.DONE, now
    record = VisitRecord.objects.create(
        task=task,
        visited_on=visited_on,
        visitors=visitors,
        form=form,
        outcome=outcome,
        gifts=gifts,
        money=money,
        findings=findings,
        needs=needs,
        recorded_by=actor.user,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=task.cadre,
        detail=f"走访记录：{task.title}（{VisitOutcome(outcome).label}）",
    )
    return record


def _raise_unless_pending(status: str) -> None:
    if status == TaskStatus.DONE:
        raise TaskAlreadyDone()
    if status == TaskStatus.CANCELLED:
        raise TaskNotOpen()


@transaction.atomic
def visit_task_cancel(*, actor: Actor, task: VisitTask, reason: str) -> VisitTask:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    cancelled = VisitTask.objects.filter(pk=task.pk, status__in=PENDING).update(
        status=TaskStatus.CANCELLED, cancel_reason=reason
    )
    if not cancelled:
        status = VisitTask.objects.get(pk=task.pk).status
        _raise_unless_pending(status)
    task.status, task.cancel_reason = TaskStatus.CANCELLED, reason
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=task.cadre,
        detail=f"取消走访任务：{task.title}：{reason}",
    )
    return task


# --- Reminders ------------------------------------------------------------------------------------------


@transaction.atomic
def reminders_queue_daily(*, today: date) -> int:
    """One digest per worker with tasks due today or overdue, in the app and on each configured channel.

    Keyed by date, so running it again the same day adds nothing. Bodies carry counts, not names: they may
    leave the system (email, a group robot), and the agenda page shows the rest.
    """
    key = f"digest:{today.isoformat()}"
    workload = (
        VisitTask.objects.pending()
        .filter(due_date__lte=today, assignee__isnull=False, assignee__is_active=True)
        .values("assignee")
        .annotate(
            due_today=Count("pk", filter=Q(due_date=today)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
    )
    counts = {row["assignee"]: (row["due_today"], row["overdue"]) for row in workload}
    if not counts:
        return 0
    from jiujin.accounts.models import User

    users = User.objects.in_bulk(list(counts))
    existing = set(Notification.objects.filter(key=key).values_list("user_id", "channel"))
    channels = senders_module.configured_senders()
    now = timezone.now()
    rows = []
    for user_id, (due_today, overdue) in counts.items():
        subject, body = _digest_text(today, due_today, overdue)
        for channel, sender in channels.items():
            if (user_id, channel) in existing or not sender.accepts(users[user_id]):
                continue
            in_app = channel == senders_module.IN_APP
            rows.append(
                Notification(
                    user_id=user_id,
                    channel=channel,
                    key=key,
                    subject=subject,
                    body=body,
                    sent_at=now if in_app else None,  # shown in the app; nothing to send
                )
            )
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _digest_text(today: date, due_today: int, overdue: int) -> tuple[str, str]:
    subject = f"今日走访提醒：今天应访 {due_today} 项，逾期 {overdue} 项"
    lines = [f"{today.month}月{today.day}日（{lunar_label(today)}）走访提醒："]
    if due_today:
        lines.append(f"今天应访 {due_today} 项。")
    if overdue:
        lines.append(f"已逾期 {overdue} 项，请尽快走访。")
    lines.append("详情请打开“我的走访”。")
    return subject, "\n".join(lines)


MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # will be retried
    gave_up: int = 0  # reached MAX_ATTEMPTS; kept with last_error
    errors: list[str] = field(default_factory=list)


def notifications_send(*, now: datetime, limit: int = 500) -> SendReport:
    """Send due notifications. Each row is claimed by a conditional UPDATE (a lease), so two senders never
    send the same row; network calls run outside any transaction. Failures are retried with exponential
    backoff and kept with last_error after MAX_ATTEMPTS — never dropped.
    """
    report = SendReport()
    channels = senders_module.configured_senders()
    due = (
        Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    candidates = list(due.order_by("id").values_list("pk", flat=True)[:limit])
    for pk in candidates:
        if not due.filter(pk=pk).update(claimed_until=now + LEASE):
            continue  # another sender took it
        notification = Notification.objects.select_related("user").get(pk=pk)
        _send_one(notification, channels.get(notification.channel), now, report)
    return report


def _send_one(
    notification: Notification, sender: senders_module.Sender | None, now: datetime, report: SendReport
) -> None:
    try:
        if sender is None:
            raise senders_module.SendError(f"渠道未配置：{notification.channel}")
        sender.send(notification)
    except Exception as exc:  # a sender may fail in any way; the row must survive it
        _record_failure(notification, exc, now, report)
        return
    Notification.objects.filter(pk=notification.pk).update(sent_at=now, claimed_until=None, last_error="")
    report.sent += 1


def _record_failure(notification: Notification, exc: Exception, now: datetime, report: SendReport) -> None:
    attempts = notification.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_MAX)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=attempts, last_error=error, next_attempt_at=now + delay, claimed_until=None
    )
    report.errors.append(error)
    if attempts >= MAX_ATTEMPTS:
        report.gave_up += 1
        logger.error(
            "notification %s (%s to user %s) failed %d times, giving up: %s",
            notification.pk,
            notification.channel,
            notification.user_id,
            attempts,
            error,
        )
    else:
        report.failed += 1
        logger.warning(
            "notification %s (%s) failed (attempt %d), retry at %s: %s",
            notification.pk,
            notification.channel,
            attempts,
            now + delay,
            error,
        )


def notifications_retry(*, notification: Notification) -> None:
    """Give a notification that stopped retrying another round (e.g. after fixing the gateway)."""
    Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
        attempts=0, next_attempt_at=None, claimed_until=None
    )


# --- Visit rules and in-app reminders (pages) -----------------------------------------------------------

HOLIDAY_RULE_FIELDS = (
    *("name", "calendar", "month", "day", "audience", "min_age", "window_days", "priority", "enabled"),
)
VISIT_SETTINGS_FIELDS = (
    *("milestones", "every_year_after", "nominal_age", "milestone_gift", "birthday_window_days"),
    *("hospital_days", "family_event_days", "special_days", "condolence_days"),
)


@transaction.atomic
def holiday_rule_save(
    *, unit: OrgUnit, values: Mapping[str, Any], rule: HolidayRule | None = None
) -> HolidayRule:
    """Create a rule at `unit` (same code as an ancestor's = override it below `unit`) or update one of its
    own; the code of an existing rule stays. Tasks already generated keep their dates."""
    if rule is None:
        rule = HolidayRule(org_unit=unit, code=values["code"])
        for name in HOLIDAY_RULE_FIELDS:
            setattr(rule, name, values[name])
        rule.save()
        return rule
    if rule.org_unit_id != unit.pk:
        raise ValueError("a rule is changed only at the unit that set it")
    for name in HOLIDAY_RULE_FIELDS:
        setattr(rule, name, values[name])
    rule.save(update_fields=list(HOLIDAY_RULE_FIELDS))
    return rule


@transaction.atomic
def holiday_rule_delete(*, rule: HolidayRule) -> None:
    """Remove a unit's rule: the ancestor's rule with that code (or the default) applies there again."""
    rule.delete()


@transaction.atomic
def visit_settings_save(*, unit: OrgUnit, values: Mapping[str, Any]) -> VisitSettings:
    """The unit's own birthday/event settings, created on first save (until then an ancestor's apply)."""
    row, created = VisitSettings.objects.select_for_update().get_or_create(
        org_unit=unit, defaults={name: values[name] for name in VISIT_SETTINGS_FIELDS}
    )
    if not created:
        for name in VISIT_SETTINGS_FIELDS:
            setattr(row, name, values[name])
        row.save(update_fields=list(VISIT_SETTINGS_FIELDS))
    return row


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark all of the user's unread in-app reminders read; returns how many."""
    return Notification.objects.filter(user=user, channel=senders_module.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )
