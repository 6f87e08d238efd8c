"""`jiujin import-roster FILE --community CODE [--dry-run] [--user USERNAME]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiujin.accounts.models import User
from jiujin.audit.services import Actor
from jiujin.lib.roster import RosterColumnsError, RosterFormatError
from jiujin.orgs.models import OrgUnit
from jiujin.roster.headers import ignored_columns_message
from jiujin.roster.importing import cadre_import_roster

PROGRESS_EVERY = 5000


class Command(BaseCommand):
    help = "导入花名册（.xlsx/.xls/.et/.ods/.csv）。有任何错误时不写入任何数据，退出码为1。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--community", required=True, help="社区代码；文件有「社区」列时也可以是街道代码")
        parser.add_argument("--dry-run", action="store_true", help="只校验和统计，不写入")
        parser.add_argument("--user", help="记入审计日志的操作人用户名（默认：系统）")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["community"]).first()
        if unit is None:
            raise CommandError(f"没有代码为「{options['community']}」的单位")
        actor = Actor(user=self._user(options["user"], unit), via="cli")
        try:
            result = cadre_import_roster(
                source=options["file"],
                community=unit,
                actor=actor,
                dry_run=options["dry_run"],
                progress=self._progress(),
            )
        except RosterColumnsError as exc:
            columns = "、".join(f"{c.letter}「{c.text}」" for c in exc.columns)
            raise CommandError(f"{exc}\n第{exc.header_row}行的列：{columns}") from exc
        except (RosterFormatError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        if ignored := ignored_columns_message(result.unknown_columns):
            self.stderr.write(ignored)
        for notice in result.notices:
            self.stderr.write(notice)
        for error in result.errors:
            self.stderr.write(str(error))
        if result.errors:
            raise CommandError(f"共 {len(result.errors)} 处错误，未写入任何数据")
        prefix = "（试运行，未写入）" if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{result.summary}")

    def _user(self, username: str | None, unit: OrgUnit) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有用户「{username}」")
        if not user.can("import_roster") or not OrgUnit.objects.for_user(user).filter(pk=unit.pk).exists():
            raise CommandError(f"用户「{username}」无权向「{unit.name}」导入花名册")
        return user

    def _progress(self) -> Any:
        reported = 0

        def report(done: int, total: int | None) -> None:
            nonlocal reported
            if done - reported >= PROGRESS_EVERY:
                reported = done - done % PROGRESS_EVERY
                self.stderr.write(f"已读取 {done} 行" + (f" / 约 {total} 行" if total else ""))

        return report
