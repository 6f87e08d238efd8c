"""`jiujin schedule-visits [--through DATE] [--loop] [--interval SECONDS]`

One pass: mark overdue, generate birthday/holiday tasks (60 days ahead), queue the daily digests and send
due reminders. Every step is idempotent, so cron may run it as often as it likes. `--loop` keeps running
(`make run` starts it beside the web server): it regenerates when the date changes, queues the digest once
the reminder hour (JIUJIN_REMINDER_HOUR, default 8) has come, and sends reminders every interval. Several
hosts may each run the loop against one database: one of them does each day's generation and digest
(recorded in DailyJobRun, under a PostgreSQL advisory lock) and each reminder is sent once.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiujin.core.jobs import daily_job_run
from jiujin.health.services import medical_rounds_generate
from jiujin.lib.dates import DateParseError, parse_loose_date
from jiujin.plans.services import plan_tasks_generate
from jiujin.visits.services import (
    notifications_send,
    reminders_queue_daily,
    visit_tasks_generate,
    visit_tasks_mark_overdue,
)

logger = logging.getLogger(__name__)


def run_tick(*, through: date | None = None, once_a_day: bool = False, wait_for_hour: bool = False) -> str:
    """One pass. Safe on several hosts at once: the daily jobs run under a cross-host lock, each once a day
    when `once_a_day` (the loop) and on every call otherwise (cron, by hand — they are idempotent); each
    reminder is claimed by one sender."""
    now = timezone.localtime()
    today = now.date()
    parts = []
    generated = daily_job_run(
        name="visit-tasks", today=today, force=not once_a_day, job=lambda: _generate(today, through)
    )
    if generated:
        parts.append(generated)
    reminder_hour = getattr(settings, "JIUJIN_REMINDER_HOUR", 8)
    if not wait_for_hour or now.hour >= reminder_hour:
        queued = daily_job_run(
            name="reminder-digest",
            today=today,
            force=not once_a_day,
            job=lambda: reminders_queue_daily(today=today),
        )
        if queued is not None:
            parts.append(f"提醒入队 {queued} 条")
    report = notifications_send(now=timezone.now())
    parts.append(f"发送 {report.sent} 条，失败 {report.failed} 条，放弃 {report.gave_up} 条")
    return "；".join(parts)


def _generate(today: date, through: date | None) -> str:
    overdue = visit_tasks_mark_overdue(today=today)
    created = visit_tasks_generate(today=today, through=through)
    created += plan_tasks_generate(today=today)
    rounds = medical_rounds_generate(today=today)
    return f"逾期 {overdue} 项，新生成任务 {created} 项；新生成巡诊任务 {rounds} 项"


class Command(BaseCommand):
    help = "生成走访任务（生日、节日）、标记逾期、发送走访提醒"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--through", help="生成到哪一天（默认今天起 60 天）")
        parser.add_argument("--loop", action="store_true", help="持续运行")
        parser.add_argument("--interval", type=int, default=600, help="持续运行时每轮间隔秒数（默认 600）")

    def handle(self, *args: Any, **options: Any) -> None:
        through = _parse_date(options["through"]) if options["through"] else None
        if through and options["loop"]:
            raise CommandError("--through 只用于单次运行；持续运行时总是生成到今天起 60 天")
        if not options["loop"]:
            self.stdout.write(run_tick(through=through))
            return
        while True:
            try:
                self.stdout.write(run_tick(once_a_day=True, wait_for_hour=True))
            except Exception:  # keep the loop alive: the next pass retries, the error is in the log
                logger.exception("schedule-visits pass failed")
            time.sleep(max(options["interval"], 1))


def _parse_date(text: str) -> date:
    try:
        return parse_loose_date(text)
    except DateParseError as exc:
        raise CommandError(str(exc)) from exc
