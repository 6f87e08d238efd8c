"""The 汇报材料 (issue 14, point 4) on the 1M-cadre bench database: build a unit's work report over a year — a
district's is the goal (≤ 5 s) — timing the context (the summary tables, the survey, the assessment, the
stories) and the docx rendering apart.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jiujin_bench
    python bench/work_report.py --unit 429902 --user demo-admin
    python bench/work_report.py --unit 4299020002001 --user demo-admin --runs 5

The summaries must have been built (`jiujin rebuild-summaries`). The audit rows an export writes are rolled
back, so the database is left as it was. Prints each run's time, the median and the query count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
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
from jiujin.reports.workreport import report_context, work_report_export

GOAL_S = 5.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--unit", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    user = User.objects.select_related("org_unit").get(username=args.user)
    unit = access_unit(user, args.unit)
    start, end = date(args.year, 1, 1), date(args.year, 12, 31)
    print(f"{unit.name} ({unit.code}, {unit.level}) {start}..{end} as {user.username}")

    t0 = time.perf_counter()
    context = report_context(user=user, unit=unit, start=start, end=end)
    print(f"context (first, cold): {(time.perf_counter() - t0) * 1000:.0f} ms, "
          f"{len(context['appendix'])} appendix rows, {len(context['children'])} child units, "
          f"{len(context['stories'])} stories")  # fmt: skip

    times = []
    size = queries = 0
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx, transaction.atomic():
            t0 = time.perf_counter()
            data = work_report_export(actor=Actor(user=user, via="bench"), unit=unit, start=start, end=end)
            times.append(time.perf_counter() - t0)
            transaction.set_rollback(True)  # leave no audit rows behind
        size, queries = len(data), len(ctx.captured_queries)
    median = statistics.median(times)
    print("runs: " + ", ".join(f"{t * 1000:.0f} ms" for t in times))
    print(f"report: median {median * 1000:.0f} ms, {size / 1024:.0f} KB, {queries} queries")
    print(f"goal ≤ {GOAL_S:.0f} s for a district: {'within' if median <= GOAL_S else 'over'}")


if __name__ == "__main__":
    main()
