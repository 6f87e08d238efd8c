"""`jiujin schedule-visits [--through DATE] [--loop] [--interval SECONDS]`

One pass: every app's daily job (registered in jiujin/core/registry.py: overdue marking and birthday/holiday
tasks 60 days ahead, service-plan and 巡诊 tasks, the daily digest), then the due reminders. Every step is idempotent, so cron may run it as often as it likes. `--loop` keeps running
(`make run` starts it beside the web server): it regenerates when the date changes, queues the digest once
the reminder hour (JIUJIN_REMINDER_HOUR, default 8) has come, and sends reminders every interval. Several
hosts may each run the loop against one database: one of them does each day's generation and digest
(recorded in DailyJobRun, under a PostgreSQL advisory lock) and each reminder is sent once.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiujin.core.jobs import daily_job_run
from jiujin.core.registry import daily_jobs
from jiujin.lib.dates import DateParseError, parse_loose_date
from jiujin.tasks.reminders import notifications_send

logger = logging.getLogger(__name__)


def run_tick(*, through: date | None = None, once_a_day: bool = False, wait_for_hour: bool = False) -> str:
    """One pass: every app's daily job (core.registry), then the due reminders.

    Safe on several hosts at once: each daily job runs under a cross-host lock, once a day when
    `once_a_day` (the loop) and on every call otherwise (cron, by hand — the jobs are idempotent); each
    reminder is claimed by one sender."""
    now = timezone.localtime()
    today = now.date()
    parts = []
    for job in daily_jobs():
        if wait_for_hour and job.hour_setting and now.hour < getattr(settings, job.hour_setting):
            continue
        report = daily_job_run(
            name=job.name,
            today=today,
            force=not once_a_day or job.every_pass,
            job=partial(job.run, today, through),
        )
        if report is not None:
            parts.append(report)
    sent = notifications_send(now=timezone.now())
    parts.append(f"发送 {sent.sent} 条，失败 {sent.failed} 条，放弃 {sent.gave_up} 条")
    return "；".join(parts)


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
