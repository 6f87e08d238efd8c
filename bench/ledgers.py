"""The 台账 bundle (issue 14, point 5) on the 1M-cadre bench database: build the whole workbook of a unit over
a year — the largest community and a street — timing it and measuring the process's peak memory.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jiujin_bench
    python bench/ledgers.py --unit 4299020002001 --user demo-worker-4299020002001
    python bench/ledgers.py --unit 4299020002 --user demo-admin

Run one unit per process: the peak RSS (ru_maxrss) is the process's high-water mark. The audit rows the
export writes are rolled back, so the database is left as it was. Prints the time of the count queries (what
the page shows), the build time, the rows per sheet, the file size, the query count and the peak RSS over the
process's RSS before the build; the goal is ≤ 5 s for a community.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import bench._django  # noqa: F401  (sets Django up for the imports below)
from jiujin.accounts.models import User
from jiujin.audit.services import Actor
from jiujin.core.access import access_unit
from jiujin.reports.ledgers import ledger_counts, ledgers_export

GOAL_S = 5.0


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--unit", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--year", type=int, default=date.today().year)
    args = parser.parse_args()
    user = User.objects.select_related("org_unit").get(username=args.user)
    unit = access_unit(user, args.unit)
    start, end = date(args.year, 1, 1), date(args.year, 12, 31)

    t0 = time.perf_counter()
    counts = ledger_counts(user, unit, start, end)
    counted = time.perf_counter() - t0
    print(f"{unit.name} ({unit.code}) {start}..{end} as {user.username}")
    print(f"counts for the page: {counted * 1000:.0f} ms, {sum(c.count for c in counts)} rows")

    before = rss_mb()
    with tempfile.TemporaryFile() as out, CaptureQueriesContext(connection) as ctx, transaction.atomic():
        t0 = time.perf_counter()
        contents = ledgers_export(
            actor=Actor(user=user, via="bench"), unit=unit, start=start, end=end, out=out
        )
        built = time.perf_counter() - t0
        size = out.tell()
        transaction.set_rollback(True)  # leave no audit rows behind
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for name, count in contents:
        print(f"  {name:<12} {count:>8} rows")
    rows = sum(count for _name, count in contents)
    verdict = "within" if built <= GOAL_S else "over"
    print(
        f"bundle: {built:.1f} s ({rows / built:,.0f} rows/s), {size / 1e6:.1f} MB, {len(ctx.captured_queries)} queries"
    )
    print(f"memory: RSS before {before:.0f} MB, peak {peak:.0f} MB (+{peak - before:.0f} MB)")
    print(f"goal ≤ {GOAL_S:.0f} s for a community: {verdict}")


if __name__ == "__main__":
    main()
