"""`jiujin restore FILE [--force] [--database-url URL] [--media-root DIR | --no-media]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiujin.core.backup import BackupError, backup_restore, database_from_url, restore_summary


class Command(BaseCommand):
    help = (
        "从 jiujin backup 生成的文件恢复数据库和媒体文件。目标数据库须为空（新建或只做过 migrate），"
        "否则须加 --force。恢复前请先停止应用服务和后台循环。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="备份文件")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时也覆盖")
        parser.add_argument(
            "--database-url",
            help="恢复到另一个数据库（例如演练用的库），而不是本程序配置的数据库；不写审计日志",
        )
        parser.add_argument("--media-root", help="媒体文件恢复到此目录（默认 MEDIA_ROOT）")
        parser.add_argument("--no-media", action="store_true", help="不恢复媒体文件")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        if options["no_media"] and options["media_root"]:
            raise CommandError("--no-media 和 --media-root 只能选一个")
        media_root = None if options["no_media"] else Path(options["media_root"] or settings.MEDIA_ROOT)
        try:
            db = database_from_url(options["database_url"]) if options["database_url"] else None
            result = backup_restore(Path(file), db=db, media_root=media_root, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(restore_summary(Path(file), result)))
