"""Roster import speed against openpyxl's read-only parse of the same file alone.

    python bench/import_roster.py [--rows 100000]            # scratch SQLite under /tmp
    DATABASE_URL=postgres://…/scratch python bench/import_roster.py

The target database is migrated and gets one org tree; cadres already in it are left alone (use a scratch DB).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/jiujin-import-bench.sqlite3")

import django

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402

from jiujin.audit.services import Actor  # noqa: E402
from jiujin.orgs.models import OrgLevel, OrgUnit  # noqa: E402
from jiujin.orgs.services import org_unit_create  # noqa: E402
from jiujin.roster.importing import cadre_import_roster  # noqa: E402
from jiujin.roster.testing import write_roster_xlsx  # noqa: E402

COMMUNITY = "9901001001"


def community() -> OrgUnit:
    if unit := OrgUnit.objects.filter(code=COMMUNITY).first():
        return unit
    city = org_unit_create(code="99", name="基准市", level=OrgLevel.CITY)
    district = org_unit_create(code="9901", name="基准区", level=OrgLevel.DISTRICT, parent=city)
    street = org_unit_create(code="9901001", name="基准街道", level=OrgLevel.STREET, parent=district)
    return org_unit_create(code=COMMUNITY, name="基准社区", level=OrgLevel.COMMUNITY, parent=street)


def parse_only(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return count


def timed(label: str, fn, rows: int, baseline: float | None = None) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    ratio = f"   {seconds / baseline:4.2f}× parse" if baseline else ""
    print(f"{label:<34} {seconds:7.1f} s   {rows / seconds:8,.0f} rows/s{ratio}   {result}", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    unit = community()
    path = Path(f"/tmp/jiujin-roster-{args.rows}.xlsx")
    if not path.exists():
        write_roster_xlsx(path, args.rows, seed=1, community_code=COMMUNITY)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows)", flush=True)
    actor = Actor(user=None, via="bench")

    def run(dry_run: bool):  # type: ignore[no-untyped-def]
        def go() -> str:
            r = cadre_import_roster(source=path, community=unit, actor=actor, dry_run=dry_run)
            return f"新增 {r.created} 更新 {r.updated} 未变 {r.unchanged} 错误 {len(r.errors)}"

        return go

    baseline = timed("openpyxl read-only parse alone", lambda: f"{parse_only(path)} rows", args.rows)
    timed("import, dry run", run(True), args.rows, baseline)
    timed("import, all new", run(False), args.rows, baseline)
    timed("re-import, all unchanged", run(False), args.rows, baseline)


if __name__ == "__main__":
    main()
