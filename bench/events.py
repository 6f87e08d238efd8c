"""The event list page and API with 100,000 events (issue 12): median / p95 server time and query count for
a community worker and a district user.

    createdb -h 127.0.0.1 -p 5434 -U postgres jj_bench_events
    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jj_bench_events
    jiujin migrate && JIUJIN_DEMO=1 jiujin demo-data
    python bench/events.py [--events 100000] [--runs 30]

Tops the demo's events up to --events (spread over every unit and three years, 3 sign-ups and 2 check-ins
each), then times the pages in-process (no network). The machine is shared: figures are rough.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import p95
from jiujin.accounts.models import ApiToken, User
from jiujin.cadres.models import Cadre
from jiujin.events.models import Attendance, Event, EventKind, SignUp
from jiujin.orgs.models import OrgUnit

USERS = ["demo-community-a", "demo-district"]


def top_up(target: int) -> None:
    have = Event.objects.count()
    if have >= target:
        return
    rng = random.Random(12)
    units = list(OrgUnit.objects.exclude(level="city"))
    cadres: dict[int, list[int]] = {}
    for pk, community_id in Cadre.objects.values_list("pk", "community_id"):
        cadres.setdefault(community_id, []).append(pk)
    communities = [u for u in units if u.pk in cadres]
    now = timezone.now()
    batch = 5000
    for start in range(have, target, batch):
        events = []
        for _ in range(min(batch, target - start)):
            unit = rng.choice(communities if rng.random() < 0.9 else units)
            at = now - timedelta(days=rng.randint(-60, 3 * 365), minutes=rng.randint(0, 600))
            events.append(Event(title="基准测试活动", kind=rng.choice(EventKind.values), unit=unit, starts_at=at,
                                ends_at=at + timedelta(hours=2), place="活动室"))  # fmt: skip
        Event.objects.bulk_create(events)
        signups, came = [], []
        for e in events:
            pool = cadres.get(e.unit_id) or []
            for i, cadre in enumerate(rng.sample(pool, min(3, len(pool)))):
                signups.append(SignUp(event=e, cadre_id=cadre, state="confirmed"))
                if i < 2:
                    came.append(Attendance(event=e, cadre_id=cadre, via="list", checked_in_at=e.starts_at))
        SignUp.objects.bulk_create(signups, batch_size=5000)
        Attendance.objects.bulk_create(came, batch_size=5000)
        print(f"events: {start + len(events):,}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(client: Client, path: str, params: list[dict[str, str]]) -> tuple[list[float], int, float]:
    """Wall times, the most queries of a request and the median time spent in the database."""
    client.get(path, params[0])
    times, most, db = [], 0, []
    for p in params:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = client.get(f"{path}?{urlencode(p)}")
            times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (path, p, r.status_code)
        most = max(most, len(ctx.captured_queries))
        db.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return times, most, statistics.median(db)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    top_up(args.events)
    print(
        f"database: {connection.vendor}, events: {Event.objects.count():,}, sign-ups: {SignUp.objects.count():,}"
    )
    today = timezone.localdate()
    cases = [
        ("page 1", {}),
        ("kind 政治学习", {"kind": "study"}),
        ("last 30 days", {"start": str(today - timedelta(days=30)), "end": str(today)}),
        ("page 5", {"page": "5"}),
    ]
    print(f"{'user':<18} {'request':<26} {'median':>9} {'p95':>9} {'queries':>8} {'db median':>10}")
    for username in USERS:
        user = User.objects.get(username=username)
        web = Client()
        web.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)[1]}")
        for name, params in cases:
            for label, client, path, p in (
                ("page", web, "/events/", params),
                (
                    "api",
                    api,
                    "/api/v1/events",
                    {("from" if k == "start" else "to" if k == "end" else k): v for k, v in params.items()},
                ),
            ):
                times, queries, db = timed(client, path, [p] * args.runs)
                print(f"{username:<18} {label + ' ' + name:<26} {statistics.median(times):7.1f}ms "
                      f"{p95(times):7.1f}ms {queries:>8} {db:8.1f}ms", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
