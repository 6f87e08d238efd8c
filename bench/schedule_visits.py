"""Visit-task generation at scale, against one hand-written INSERT … SELECT doing the same insert.

    DATABASE_URL=postgres://… JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000
    DATABASE_URL=postgres://… python bench/schedule_visits.py [--today YYYY-MM-DD] [--days 60]

Both runs happen inside a transaction that is rolled back, so the database is left as it was; birthday and
holiday tasks already there (without visit records) are removed inside that transaction first, so both
runs insert the full window. The hand-written statement covers the default rules only (no HolidayRule or
VisitSettings rows) and titles milestones by solar year difference: it is a timing baseline, and the row
counts printed beside it show whether it did the same work.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiujin.cadres.models import Cadre  # noqa: E402
from jiujin.lib.calendar import holiday_occurrences  # noqa: E402
from jiujin.tasks.models import VisitTask  # noqa: E402
from jiujin.visits.generation import (  # noqa: E402
    _birthday_keys_by_due,
    _memoized_lunar_years,
    visit_tasks_generate,
)
from jiujin.visits.models import HolidayRule, VisitSettings  # noqa: E402
from jiujin.visits.rules import DEFAULT_HOLIDAYS, milestone_ages  # noqa: E402


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--today", type=date.fromisoformat, default=timezone.localdate())
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    today, through = args.today, args.today + timedelta(days=args.days)
    vendor = connection.vendor
    print(f"database: {settings.DATABASES['default']['ENGINE']}, cadres: {Cadre.objects.count():,}")
    print(f"window: {today} .. {through}")
    if HolidayRule.objects.exists() or VisitSettings.objects.exists():
        print("note: rules are configured; the hand-written statement applies the defaults only")
    _warm_up()

    ours, ours_rows = _timed(lambda: visit_tasks_generate(today=today, through=through))
    print(f"visit_tasks_generate          {ours:8.2f} s   {ours_rows:>10,} tasks")
    theirs, theirs_rows = _timed(lambda: _hand_written(today, through, vendor))
    print(f"hand-written INSERT … SELECT  {theirs:8.2f} s   {theirs_rows:>10,} tasks")
    print(f"ratio                         {ours / theirs:8.2f} ×")


def _warm_up() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Cadre._meta.db_table}")


def _timed(run) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Run inside a rolled-back transaction, after clearing the generated tasks there; returns (s, rows)."""
    result: list[tuple[float, int]] = []
    try:
        with transaction.atomic():
            _clear_generated_tasks()
            started = time.perf_counter()
            run()
            elapsed = time.perf_counter() - started
            result.append((elapsed, VisitTask.objects.filter(kind__in=["birthday", "holiday"]).count()))
            raise Rollback
    except Rollback:
        pass
    return result[0]


def _clear_generated_tasks() -> None:
    table = VisitTask._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE kind IN ('birthday', 'holiday') AND NOT EXISTS "
            f"(SELECT 1 FROM tasks_visitrecord r WHERE r.task_id = {table}.id)"
        )


def _hand_written(today: date, through: date, vendor: str) -> None:
    """Key tables filled from the calendar engine, then ONE INSERT … SELECT for birthdays and holidays."""
    with _memoized_lunar_years():
        keys = _birthday_keys_by_due(today, through)
    defaults = VisitSettings()
    milestones = ", ".join(str(a) for a in milestone_ages(defaults))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_keys")
        cursor.execute("DROP TABLE IF EXISTS bench_holidays")
        cursor.execute(
            "CREATE TEMP TABLE bench_keys (calendar varchar(5), month integer, day integer, leap boolean, "
            "due date, solar_year integer, lunar_year integer, label varchar(20))"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_holidays (code varchar(40), name varchar(30), audience varchar(16), "
            "window_days integer, due date, occurrence varchar(20), label varchar(20))"
        )
        rows = [
            (cal, m, d, leap, due, k.solar_year, k.lunar_year, _label(due))
            for due, k in keys.items()
            for cal, m, d, leap in [("solar", m, d, False) for m, d in k.solar]
            + [("lunar", m, d, leap) for m, d, leap in k.lunar]
        ]
        cursor.executemany("INSERT INTO bench_keys VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)
        holidays = [
            (
                f"holiday:{s.code}",
                f"{s.name}慰问",
                s.audience,
                s.window_days,
                o.due,
                str(o.year_key),
                o.lunar_label,
            )
            for s in DEFAULT_HOLIDAYS
            for o in holiday_occurrences(s.calendar, s.month, s.day, today, through)
        ]
        cursor.executemany("INSERT INTO bench_holidays VALUES (%s, %s, %s, %s, %s, %s, %s)", holidays)
        cursor.execute(_insert_sql(vendor, milestones, defaults), [timezone.now()] * 3)


def _label(due: date) -> str:
    from jiujin.lib.calendar import lunar_label

    return lunar_label(due)


def _insert_sql(vendor: str, milestones: str, defaults: VisitSettings) -> str:
    def part(unit: str, column: str) -> str:
        if vendor == "sqlite":
            fmt = {"year": "%Y", "month": "%m", "day": "%d"}[unit]
            return f"CAST(strftime('{fmt}', {column}) AS INTEGER)"
        return f"CAST(EXTRACT({unit.upper()} FROM {column}) AS INTEGER)"

    age = f"({part('year', 'k.due')} - {part('year', 'c.birth_date')})"
    celebrated = f"({age} IN ({milestones}) OR {age} > {defaults.every_year_after})"
    window = "date(k.due, '-{n} days')" if vendor == "sqlite" else "CAST(k.due - INTERVAL '{n} days' AS date)"
    holiday_window = (
        "date(h.due, '-' || h.window_days || ' days')"
        if vendor == "sqlite"
        else "CAST(h.due - h.window_days * INTERVAL '1 day' AS date)"
    )
    birthday = f"""
        SELECT c.id, 'birthday', 'birthday', CAST({{occurrence}} AS varchar(20)),
               CASE WHEN {celebrated} THEN CAST({age} AS varchar(5)) || '岁祝寿' ELSE '生日祝福' END,
               k.due, {window.format(n=defaults.birthday_window_days)}, k.label,
               CASE WHEN {celebrated} THEN 3 ELSE 2 END, 'open', c.responsible_worker_id,
               CASE WHEN {celebrated} THEN '{defaults.milestone_gift}' ELSE '' END, '', %s
        FROM cadres_cadre c JOIN bench_keys k ON {{join}}
        WHERE c.status = 'active' AND c.birth_date < k.due"""
    solar = birthday.format(
        occurrence="k.solar_year",
        join=f"k.calendar = 'solar' AND c.birthday_calendar = 'solar' "
        f"AND {part('month', 'c.birth_date')} = k.month AND {part('day', 'c.birth_date')} = k.day",
    )
    lunar = birthday.format(
        occurrence="k.lunar_year",
        join="k.calendar = 'lunar' AND c.birthday_calendar = 'lunar' "
        "AND c.lunar_month = k.month AND c.lunar_day = k.day AND c.lunar_leap = k.leap",
    )
    holiday = f"""
        SELECT c.id, 'holiday', h.code, h.occurrence, h.name, h.due, {holiday_window}, h.label,
               2, 'open', c.responsible_worker_id, '', '', %s
        FROM cadres_cadre c JOIN bench_holidays h ON (h.audience = 'all' OR (h.audience = 'party' AND c.is_party_member))
        WHERE c.status = 'active'"""
    columns = (
        "cadre_id, kind, rule_key, occurrence, title, due_date, window_start, lunar_label, priority, status, "
        "assignee_id, suggestion, cancel_reason, created_at"
    )
    body = f"{solar} UNION ALL {lunar} UNION ALL {holiday}"
    if vendor == "sqlite":
        return f"INSERT OR IGNORE INTO tasks_visittask ({columns}) {body}"
    return f"INSERT INTO tasks_visittask ({columns}) {body} ON CONFLICT DO NOTHING"


if __name__ == "__main__":
    main()
