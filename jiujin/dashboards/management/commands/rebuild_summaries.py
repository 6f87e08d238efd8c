"""`jiujin rebuild-summaries [--from DATE] [--to DATE]`: recompute the summary tables now.

Without dates, every day (what the loop does once a day); with them, those days only. Today's snapshot of
the stock figures is recomputed either way. Safe beside a running loop (they take turns).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiujin.lib.dates import DateParseError, parse_loose_date

from ...services import summaries_refresh


class Command(BaseCommand):
    help = "重新计算数据看板和汇报材料使用的汇总数"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="从哪一天起（默认全部日期）")
        parser.add_argument("--to", dest="end", help="到哪一天（默认今天起 92 天）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = parse_loose_date(options["start"]) if options["start"] else None
            end = parse_loose_date(options["end"]) if options["end"] else None
        except DateParseError as exc:
            raise CommandError(str(exc)) from exc
        today = timezone.localdate()
        if start and end and start > end:
            raise CommandError("开始日期不能晚于结束日期")
        self.stdout.write(summaries_refresh(today=today, start=start, end=end).line())
