"""The risk radar at 1M cadres on PostgreSQL (issue 14 point 3): the daily computation (goal ≤ 60 s) and the
worker's home panel and the radar page of the largest community (goal ≤ 100 ms p95).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jiujin_bench
    jiujin migrate risk
    python bench/risk.py [--runs 20] [--skip-compute]

Times risk_recompute over every active cadre (run twice: the second is the daily upsert over existing rows),
then, as the worker of the largest community, the "本周需要联系" panel, the radar page (all, 高风险, due this
week, a deep page) and the API, and the street/district figure (risk_figures over all communities).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.db.models import Count
from django.test import Client, RequestFactory
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.risk.home_panels import due_panel
from jiujin.risk.models import CadreRisk
from jiujin.risk.selectors import risk_figures
from jiujin.risk.services import risk_recompute

GOAL_COMPUTE_S = 60.0
GOAL_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-compute", action="store_true")
    args = parser.parse_args()
    today = timezone.localdate()
    if not args.skip_compute:
        for label in ("first computation", "daily recomputation (upsert)"):
            start = time.perf_counter()
            placed = risk_recompute(today=today)
            took = time.perf_counter() - start
            print(
                f"{label:<52} {took:7.1f} s for {placed:,} cadres (goal ≤ {GOAL_COMPUTE_S:.0f} s)", flush=True
            )
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {CadreRisk._meta.db_table}")
    spread = dict(CadreRisk.objects.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    print("levels:", spread)
    big: Any = Cadre.objects.active().values("community_id").annotate(n=Count("pk")).order_by("-n").first()
    community = OrgUnit.objects.get(pk=big["community_id"])
    worker = User.objects.filter(org_unit=community, role="community", is_active=True).first()
    if worker is None:
        print("no worker in the largest community")
        return
    print(f"largest community: {community.name} ({big['n']:,} cadres), worker {worker.username}")
    request = RequestFactory().get("/")
    request.user = worker
    results = [measure("home panel 本周需要联系", lambda: due_panel(request), runs=args.runs)]
    client = Client()
    client.force_login(worker, backend="django.contrib.auth.backends.ModelBackend")
    for label, query in [
        ("radar page: all", {}),
        ("radar page: 高风险", {"level": "1"}),
        ("radar page: due this week", {"due": "on"}),
        ("radar page: page 50", {"page": "50"}),
    ]:
        results.append(measure(label, _get(client, query), runs=args.runs))
    ids = list(OrgUnit.objects.communities().values_list("pk", flat=True))
    measure("risk_figures over all communities (dashboard)", lambda: risk_figures(ids, today), runs=5)
    worst = max(r["p95_ms"] for r in results)
    print(f"worst p95 of the panel and the radar page: {worst:.1f} ms (goal ≤ {GOAL_MS:.0f} ms)")


def _get(client: Client, query: dict[str, str]) -> Any:
    return lambda: client.get("/risk/", query)


if __name__ == "__main__":
    main()
