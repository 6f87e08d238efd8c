"""`jiujin demo-data [--cadres N] [--seed S]`: the demo city, its logins and cadres (once)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiujin.demo.services import (
    DEMO_PASSWORD,
    DemoLogin,
    demo_data_create,
    demo_data_exists,
    demo_logins,
    real_data_exists,
)


class Command(BaseCommand):
    help = "生成演示数据：虚构的江城市（代码4299）、演示账号和老干部档案。已生成过则不再重复。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cadres", type=int, default=1000, help="老干部人数（默认1000；基准测试用1000000）"
        )
        parser.add_argument("--seed", type=int, default=2024, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--force", action="store_true", help="库中已有真实老干部数据时仍然生成")

    def handle(self, *args: Any, cadres: int, seed: int, force: bool, **options: Any) -> None:
        if not settings.JIUJIN_DEMO:
            raise CommandError(
                f"演示数据的账号使用公开密码 {DEMO_PASSWORD}，只能在演示环境生成：请设置 JIUJIN_DEMO=1"
                "（make run 已设置）或 JIUJIN_DEBUG=1。"
            )
        if cadres < 0:
            raise CommandError("--cadres 不能为负数。")
        if demo_data_exists():
            self.stdout.write("演示数据已存在（江城市 4299），未做改动。")
            self._print_logins(demo_logins())
            return
        # Demo logins have a published password: never add them next to real people's records.
        if real_data_exists() and not force:
            raise CommandError("库中已有真实老干部数据，不生成演示数据（确需生成请加 --force）。")
        started = time.monotonic()
        logins = demo_data_create(cadres=cadres, seed=seed, progress=self.stderr.write)
        self.stderr.write(f"用时 {time.monotonic() - started:.1f} 秒")
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成：江城市，{cadres} 名老干部。"))
        self._print_logins(logins)

    def _print_logins(self, logins: list[DemoLogin]) -> None:
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<32} {login.role}（{login.unit}）")
