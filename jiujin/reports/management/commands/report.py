"""`jiujin report --unit CODE [--from DATE --to DATE] --out FILE.docx [--user USERNAME]`: a unit's 汇报材料
for a scheduled job (the same file as the page's download). Without dates, this year so far's year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jiujin.accounts.models import Role, User
from jiujin.audit.services import Actor
from jiujin.core.periods import PeriodForm
from jiujin.orgs.models import OrgUnit

from ...views import EXPORT
from ...workreport import ReportTemplateError, work_report_export


class Command(BaseCommand):
    help = "生成一个单位某一期间的汇报材料（.docx），供定时任务使用"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="单位代码")
        parser.add_argument("--from", dest="start", default="", help="开始日期 YYYY-MM-DD（默认本年1月1日）")
        parser.add_argument("--to", dest="end", default="", help="结束日期 YYYY-MM-DD（默认本年12月31日）")
        parser.add_argument("--out", required=True, help="输出文件（.docx）")
        parser.add_argument("--user", help="记入审计日志的操作人用户名（默认：系统）")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = OrgUnit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"没有代码为「{options['unit']}」的单位")
        form = PeriodForm({"from": options["start"], "to": options["end"]}, today=timezone.localdate())
        if not form.is_valid():
            raise CommandError("；".join(str(m) for ms in form.errors.values() for m in ms))
        start, end = form.period()
        user = self._user(options["user"], unit)
        # A scheduled job reads as the system (every story of the unit) and is audited as nobody's act.
        reader = user or User(username="jiujin-report", role=Role.ADMIN)
        try:
            data = work_report_export(
                actor=Actor(user=user, via="cli"), unit=unit, start=start, end=end, reader=reader
            )
        except ReportTemplateError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(
            f"已生成 {unit.name} {start:%Y-%m-%d}至{end:%Y-%m-%d} 的汇报材料：{out}（{len(data)} 字节）"
        )

    def _user(self, username: str | None, unit: OrgUnit) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).select_related("org_unit").first()
        if user is None:
            raise CommandError(f"没有用户「{username}」")
        if not user.can(EXPORT) or not OrgUnit.objects.for_user(user).filter(pk=unit.pk).exists():
            raise CommandError(f"用户「{username}」无权导出「{unit.name}」的汇报材料")
        return user
