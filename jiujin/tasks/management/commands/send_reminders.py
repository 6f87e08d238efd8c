"""`jiujin send-reminders [--loop] [--interval SECONDS]`: send due reminders from the outbox (retries too)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jiujin.tasks.reminders import notifications_send

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "发送待发的走访提醒（失败的按间隔重试）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="持续运行")
        parser.add_argument("--interval", type=int, default=60, help="持续运行时每轮间隔秒数（默认 60）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            try:
                report = notifications_send(now=timezone.now())
                self.stdout.write(f"发送 {report.sent} 条，失败 {report.failed} 条，放弃 {report.gave_up} 条")
            except Exception:
                if not options["loop"]:
                    raise
                logger.exception("send-reminders pass failed")
            if not options["loop"]:
                return
            time.sleep(max(options["interval"], 1))
