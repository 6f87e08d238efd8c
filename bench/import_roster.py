"""Roster import speed against calamine's bare parse of the same file (the import's reader for it).

    python bench/import_roster.py [--rows 100000]            # scratch SQLite under /tmp
    DATABASE_URL=postgres://…/scratch_import python bench/import_roster.py
    python bench/import_roster.py --openpyxl                 # also time openpyxl's parse (~30 s)

Give it an empty database: the first import must create every cadre. It is migrated and gets one org tree.
Each step runs in a child process, so its peak memory (RSS) is its own, printed with what it adds to the
Django process it starts in: the bare parse, a dry run, the first import, a re-import of the same file, and a
re-import of a copy where every tenth row has a new address.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
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
from python_calamine import CalamineWorkbook  # noqa: E402

from jiujin.audit.services import Actor  # noqa: E402
from jiujin.lib.roster_xlsx import _check_xlsx  # noqa: E402
from jiujin.lib.roster_xlsx_scan import MAX_CALAMINE_BYTES  # noqa: E402
from jiujin.orgs.models import OrgLevel, OrgUnit  # noqa: E402
from jiujin.orgs.services import org_unit_create  # noqa: E402
from jiujin.roster import testing  # noqa: E402
from jiujin.roster.importing import cadre_import_roster  # noqa: E402

COMMUNITY = "9901001001"
ADDRESS = testing.TOP_HEADERS.index("家庭住址")
STEPS = {
    "parse": "calamine's bare parse",
    "openpyxl": "openpyxl read-only parse alone",
    "dry": "import, dry run",
    "first": "import, all new",
    "again": "re-import, all unchanged",
    "changed": "re-import, 10 % changed",
}


def community() -> OrgUnit:
    if unit := OrgUnit.objects.filter(code=COMMUNITY).first():
        return unit
    city = org_unit_create(code="99", name="基准市", level=OrgLevel.CITY)
    district = org_unit_create(code="9901", name="基准区", level=OrgLevel.DISTRICT, parent=city)
    street = org_unit_create(code="9901001", name="基准街道", level=OrgLevel.STREET, parent=district)
    return org_unit_create(code=COMMUNITY, name="基准社区", level=OrgLevel.COMMUNITY, parent=street)


def roster(rows: int, *, changed: bool) -> Path:
    path = Path(f"/tmp/jiujin-roster-{rows}{'-changed' if changed else ''}.xlsx")
    if not path.exists():
        plain = testing.roster_row

        def every_tenth_moved(i: int, rng: object) -> list[object]:
            row = plain(i, rng)  # type: ignore[arg-type]
            if i % 10 == 0:
                row[ADDRESS] = f"{row[ADDRESS]}（新址）"
            return row

        testing.roster_row = every_tenth_moved if changed else plain  # type: ignore[assignment]
        try:
            testing.write_roster_xlsx(path, rows, seed=1, community_code=COMMUNITY)
        finally:
            testing.roster_row = plain  # type: ignore[assignment]
    return path


def step(name: str, rows: int) -> str:
    """Run one step in this process; its outcome."""
    path = roster(rows, changed=name == "changed")
    if name == "openpyxl":
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        return f"{sum(1 for _ in workbook.active.iter_rows(values_only=True))} rows"
    if name == "parse":
        with CalamineWorkbook.from_path(str(path)) as workbook:
            return f"{sum(1 for _ in workbook.get_sheet_by_index(0).iter_rows())} rows"
    result = cadre_import_roster(
        source=path,
        community=community(),
        actor=Actor(user=None, via="bench"),
        dry_run=name == "dry",
    )
    return f"新增 {result.created} 更新 {result.updated} 未变 {result.unchanged} 错误 {len(result.errors)}"


def child(name: str, rows: int) -> tuple[float, float, str, float, float]:
    """Seconds, CPU seconds (all threads), outcome, peak RSS and RSS before the step (MB) of a step run in a
    fresh process."""
    args = [sys.executable, __file__, "--rows", str(rows), "--step", name]
    output = subprocess.run(args, stdout=subprocess.PIPE, text=True, check=True).stdout
    seconds, cpu, outcome, peak, before = json.loads(output.splitlines()[-1])
    return seconds, cpu, outcome, peak, before


def memory(kind: str) -> float:
    """This process's resident memory in MB: VmRSS now, or VmHWM, its peak since exec (unlike ru_maxrss,
    which counts the parent's memory at fork)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(kind))) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl's parse")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        before = memory("VmRSS:")
        start, cpu = time.perf_counter(), time.process_time()
        outcome = step(args.step, args.rows)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(json.dumps([seconds, cpu, outcome, memory("VmHWM:"), before]))
        return
    call_command("migrate", verbosity=0)
    community()
    for changed in (False, True):
        roster(args.rows, changed=changed)
    path = roster(args.rows, changed=False)
    cost, _active = _check_xlsx(path)
    reader = "calamine" if cost is not None and cost <= MAX_CALAMINE_BYTES else "openpyxl"
    print(
        f"file: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows); read by {reader} "
        f"(estimate {(cost or 0) >> 20} MB); load {os.getloadavg()[0]:.1f}"
    )
    baseline = None
    for name in STEPS:
        if name == "openpyxl" and not args.openpyxl:
            continue
        seconds, cpu, outcome, peak, before = child(name, args.rows)
        ratio = f"{seconds / baseline:5.2f}× parse" if baseline else " " * 11
        baseline = baseline or seconds
        print(
            f"{STEPS[name]:<32} {seconds:6.1f} s {args.rows / seconds:8,.0f} rows/s  {ratio}  "
            f"cpu {cpu:5.1f} s  peak {peak:4.0f} MB (+{peak - before:3.0f})  load {os.getloadavg()[0]:3.1f}   "
            f"{outcome}",
            flush=True,
        )


if __name__ == "__main__":
    main()
