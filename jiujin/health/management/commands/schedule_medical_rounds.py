"""`jiujin schedule-medical-rounds [--through DATE]`

Creates the 上门巡诊 visit tasks of active 巡诊 schedules for the next 30 days (or through DATE). Idempotent:
cron or the `schedule-visits --loop` may run it as often as they like.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiujin.health.services import medical_rounds_generate
from jiujin.lib.dates import DateParseError, parse_loose_date


class Command(BaseCommand):
    help = "按巡诊安排生成上门巡诊任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--through", help="生成到哪一天（默认今天起 30 天）")

    def handle(self, *args: Any, **options: Any) -> None:
        through = None
        if options["through"]:
            try:
                through = parse_loose_date(options["through"])
            except DateParseError as exc:
                raise CommandError(str(exc)) from exc
        created = medical_rounds_generate(today=timezone.localdate(), through=through)
        self.stdout.write(f"新生成上门巡诊任务 {created} 项")
