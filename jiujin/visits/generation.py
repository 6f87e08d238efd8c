"""Generating the five must-visits' scheduled tasks: birthdays (lunar-aware, 祝寿 at milestone ages) and
holidays, set-based (INSERT … SELECT into the tasks app's table); overdue marking is the tasks app's."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, partial, reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Case, CharField, DateField, DateTimeField, F, Min, Q, QuerySet, Value, When
from django.utils import timezone
from lunar_python import LunarYear, Solar

from jiujin.cadres.models import BirthdayCalendar, Cadre, CadreStatus
from jiujin.lib.calendar import (
    Occurrence,
    age_at,
    holiday_occurrences,
    lunar_birthday_occurrences,
    lunar_label,
    solar_birthday_occurrences,
)
from jiujin.tasks.models import TaskStatus, VisitTask

from .models import VisitSettings
from .rules import audience_q, holiday_scopes, latest_birth, milestone_ages, scopes_q, settings_scopes
from .task_kinds import BIRTHDAY, HOLIDAY

logger = logging.getLogger(__name__)

GENERATE_DAYS = 60
PRIORITY_NORMAL = 2
PRIORITY_HIGH = 3
OLDEST_AGE = 120  # ages past this get the plain title; they are data errors, not 祝寿 candidates


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
                    kind=HOLIDAY.code,
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
        kind=BIRTHDAY.code,
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
    "community_id",
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
        "community_id": F("community_id"),  # read with the cadre: PostgreSQL's trigger need not look it up
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
