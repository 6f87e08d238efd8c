"""Dashboards at 1M cadres and a year of activity (issue 14): the summary tables' recomputation, then the
city's, a district's and a street's dashboard page and API read from them.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jiujin_bench
    jiujin migrate
    python bench/dashboard.py [--top-up] [--runs 30]

`--top-up` (once) adds a year of activity to the bench database, tagged so it is added only once: a visit
task due in the last 365 days for every cadre (75 % done on time, 15 % done late, 10 % still open, so
overdue), 100,000 service requests received over the year (rated, some late) and the events bench's events
and check-ins (bench/events.py). Then: the full recomputation (what the loop does once a day), the recent
one (every pass: since the first of last month), and the pages and API timed in-process as the city's,
district's and street's users. The machine is shared: figures are rough.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test import Client
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from bench.events import top_up as events_top_up
from jiujin.accounts.models import ApiToken, User
from jiujin.cadres.models import Cadre
from jiujin.dashboards.services import recent_start, summaries_refresh
from jiujin.servicerequests.models import RequestState, Satisfaction, ServiceCategory, ServiceRequest
from jiujin.tasks.models import TaskStatus, VisitTask

GOAL_MS = 300.0
RULE = "bench-dashboard"
BATCH = 20000


def top_up(today: date) -> None:
    if VisitTask.objects.filter(rule_key=RULE).exists():
        print("activity already added")
        return
    rng = random.Random(14)
    tz = timezone.get_current_timezone()
    cadres = list(Cadre.objects.values_list("pk", "community_id").order_by("pk"))
    tasks = []
    for n, (pk, community_id) in enumerate(cadres, start=1):
        due = today - timedelta(days=rng.randint(0, 364))
        roll = rng.random()
        done_at = None
        if roll < 0.75:
            done_at = datetime.combine(due - timedelta(days=rng.randint(0, 5)), datetime.min.time(), tz)
        elif roll < 0.9:
            done_at = datetime.combine(due + timedelta(days=rng.randint(1, 20)), datetime.min.time(), tz)
            done_at = min(done_at, timezone.now())
        tasks.append(
            VisitTask(cadre_id=pk, community_id=community_id, kind="birthday", rule_key=RULE, occurrence="1",
                      title="生日祝寿", due_date=due, window_start=due - timedelta(days=7),
                      status=TaskStatus.DONE if done_at else TaskStatus.OPEN, done_at=done_at)
        )  # fmt: skip
        if len(tasks) == BATCH or n == len(cadres):
            VisitTask.objects.bulk_create(tasks)
            tasks = []
            if n % 200000 < BATCH:
                print(f"visit tasks: {n:,}", flush=True)
    requests = []
    for _ in range(100000):
        pk, _community = cadres[rng.randrange(len(cadres))]
        at = timezone.now() - timedelta(days=rng.randint(0, 364), minutes=rng.randint(0, 1440))
        late = rng.random() < 0.1
        arrived = at + timedelta(minutes=rng.randint(70, 200) if late else rng.randint(10, 55))
        requests.append(
            ServiceRequest(cadre_id=pk, category=rng.choice(ServiceCategory.values), description="基准测试",
                           state=RequestState.COMPLETED, created_at=at, dispatched_at=at, arrived_at=arrived,
                           completed_at=arrived + timedelta(hours=1), target_minutes=60,
                           due_at=at + timedelta(minutes=60),
                           satisfaction=rng.choice([*Satisfaction.values, ""]))
        )  # fmt: skip
        if len(requests) == BATCH:
            ServiceRequest.objects.bulk_create(requests)
            requests = []
    print("service requests: 100,000", flush=True)
    events_top_up(30000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--top-up", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    today = timezone.localdate()
    if args.top_up:
        top_up(today)
    for label, start in (("full (daily job)", None), ("recent (every pass)", recent_start(today))):
        began = time.perf_counter()
        report = summaries_refresh(today=today, start=start)
        print(f"summaries_refresh {label}: {time.perf_counter() - began:.1f} s — {report.line()}", flush=True)

    year = f"from={today.year}-01-01&to={today.year}-12-31"
    for username in ("demo-admin", "demo-district", "demo-street"):
        user = User.objects.select_related("org_unit").get(username=username)
        client = Client()
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, name='bench')[1]}"}
        where = user.org_unit.name if user.org_unit else "全市"
        measure(f"{where} dashboard page, this year", lambda c=client: c.get(f"/dashboards/?{year}"),
                runs=args.runs)  # fmt: skip
        measure(f"{where} dashboard page, a custom period", lambda c=client: c.get(
            f"/dashboards/?from={today.year}-02-10&to={today.year}-11-20"), runs=args.runs)  # fmt: skip
        measure(f"{where} GET /api/v1/dashboard, this year", lambda c=client, h=headers: c.get(
            f"/api/v1/dashboard?{year}", **h), runs=args.runs)  # fmt: skip
    print(f"goal: the city's dashboard ≤ {GOAL_MS:.0f} ms p95")


if __name__ == "__main__":
    main()
