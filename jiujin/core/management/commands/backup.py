"""`jiujin backup FILE`: the database and the uploaded media in one file (see jiujin/core/backup/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiujin.core.backup import BackupError, backup_create, backup_summary


class Command(BaseCommand):
    help = (
        "备份数据库和上传的媒体文件到一个文件（tar；文件名以 .gz/.tgz 结尾时压缩）。"
        "应用运行时也可以备份，备份文件只有属主可读。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件，例如 /backup/jiujin-2025-01-31.tar")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            manifest = backup_create(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(backup_summary(Path(file), manifest)))
