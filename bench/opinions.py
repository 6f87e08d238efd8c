"""The opinion board and the opinion list of the API with 200,000 opinions on PostgreSQL (issue 12: ≤ 50 ms p95),
at every scope: the city, a district, a street, a community, and a former work unit's contact.

    createdb -h 127.0.0.1 -p 5434 -U postgres jj_bench_opinions
    export DATABASE_URL=postgres://postgres@127.0.0.1:5434/jj_bench_opinions
    jiujin migrate && JIUJIN_DEMO=1 jiujin demo-data --cadres 3000
    python bench/opinions.py [--opinions 200000] [--runs 30] [--users demo-district,…] [--no-vacuum]

Tops the demo's opinions up to `--opinions` (bulk-inserted over the whole demo city, a year of them: ~4 %
unanswered, a third of those overdue), VACUUM ANALYZEs the table (what autovacuum does after a bulk load, so
index-only scans find the pages all-visible; `--no-vacuum` times the table as it is), then times in-process
(no network) every state of the board (unanswered overdue first, overdue, not yet due, answered, all, a deep
page), its filters (route, escalated, a community under the user's unit) and the API list in each state.
Prints median / p95 and the query count per user and request, the worst p95 of the board and the API against
the goal, then EXPLAIN (ANALYZE, BUFFERS) of the slowest query of the slowest request. The home page is timed
for information (it carries other apps' panels) and left out of the goal.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.test import Client
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import p95
from bench.search import _explain, time_requests
from jiujin.accounts.models import ApiToken, User
from jiujin.cadres.models import Cadre
from jiujin.core.access import is_work_unit
from jiujin.opinions.models import Opinion, OpinionSource, OpinionState, Outcome, RouteTo
from jiujin.opinions.selectors import opinions_for_user
from jiujin.orgs.models import OrgLevel, OrgUnit

GOAL_MS = 50.0
USERS = ["demo-admin", "demo-district", "demo-street", "demo-community-a", "demo-workunit"]
BOARDS = [
    ("board: unanswered (default)", {}),
    ("board: overdue", {"state": "overdue"}),
    ("board: not yet due", {"state": "open"}),
    ("board: answered", {"state": "answered"}),
    ("board: answered, page 20", {"state": "answered", "page": "20"}),
    ("board: all", {"state": "all"}),
    ("board: all, page 20", {"state": "all", "page": "20"}),
    ("board: route 原单位", {"route": "work_unit"}),
    ("board: all, route 原单位", {"state": "all", "route": "work_unit"}),
    ("board: escalated", {"escalated": "1"}),
]
API = [
    ("api: all", {}),
    ("api: open", {"state": "open"}),
    ("api: overdue", {"state": "overdue"}),
    ("api: answered", {"state": "answered"}),
    ("api: all, page 20", {"page": "20"}),
]
WORK_UNIT_PAGES = [
    ("work unit page: all", {}),
    ("work unit page: open", {"state": "open"}),
    ("work unit page: answered", {"state": "answered"}),
]


def top_up(wanted: int) -> None:
    have = Opinion.objects.count()
    if have >= wanted:
        return
    rng = random.Random(12)
    today = timezone.localdate()
    cadres = list(Cadre.objects.values_list("pk", "community_id", "work_unit_id"))
    rows = []
    for _ in range(wanted - have):
        pk, community_id, work_unit_id = rng.choice(cadres)
        raised = today - timedelta(days=rng.randrange(365))
        route = rng.choice(
            [RouteTo.COMMUNITY, RouteTo.PARTY_ORG, RouteTo.BUREAU] + [RouteTo.WORK_UNIT] * bool(work_unit_id)
        )
        due = raised + timedelta(days=15)
        still_open = rng.random() < 0.04 or raised > today - timedelta(days=10)
        o = Opinion(
            cadre_id=pk,
            community_id=community_id,
            source=rng.choice(OpinionSource.values),
            content="希望社区活动室冬天开放暖气",
            route_to=route,
            work_unit_id=work_unit_id if route == RouteTo.WORK_UNIT else None,
            raised_on=raised,
            due_date=due,
            escalate_on=due,
        )
        if not still_open:
            took = rng.randint(1, 30)
            o.state, o.outcome, o.reply = OpinionState.ANSWERED, Outcome.SOLVED, "已办理"
            o.answered_at = timezone.now() - timedelta(days=max(0, (today - raised).days - took))
            o.answer_days = took
        rows.append(o)
        if len(rows) == 10_000:
            Opinion.objects.bulk_create(rows)
            rows = []
    Opinion.objects.bulk_create(rows)


def settle(vacuum: bool) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE opinions_opinion" if vacuum else "ANALYZE opinions_opinion")


def targets_for(user: User, web: Client, api: Client) -> list[tuple[str, Client, str, dict[str, str]]]:
    """What this user opens: the board (staff) or the work unit's page, the API list, and the home."""
    found: list[tuple[str, Client, str, dict[str, str]]] = []
    if is_work_unit(user):
        found += [(label, web, "/opinions/work-unit/", params) for label, params in WORK_UNIT_PAGES]
    else:
        found += [(label, web, "/opinions/", params) for label, params in BOARDS]
        below = OrgUnit.objects.for_user(user).filter(level=OrgLevel.COMMUNITY).order_by("path").first()
        if below is not None and user.org_unit != below:
            found.append((f"board: unit {below.name}", web, "/opinions/", {"unit": below.code}))
    found += [(label, api, "/api/v1/opinions", params) for label, params in API]
    if not is_work_unit(user):  # a work unit's contact has no home of its own (sent to its page)
        found.append(("home (panels and figures; not in the goal)", web, "/", {}))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opinions", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--users", default=",".join(USERS))
    parser.add_argument("--no-vacuum", action="store_true", help="time the table without a VACUUM first")
    args = parser.parse_args()
    top_up(args.opinions)
    settle(not args.no_vacuum)
    total = Opinion.objects.count()
    open_now = Opinion.objects.filter(state=OpinionState.OPEN).count()
    print(f"database: {connection.vendor}, opinions: {total:,} ({open_now:,} unanswered)", flush=True)
    worst: tuple[float, str, Any] = (0.0, "", None)
    worst_p95: tuple[float, str] = (0.0, "")
    for username in args.users.split(","):
        user = User.objects.get(username=username)
        web = Client()
        web.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)[1]}")
        print(f"\n## {username} ({opinions_for_user(user).count():,} opinions in scope)", flush=True)
        print(f"{'request':<44} {'median':>9} {'p95':>9} {'queries':>8}")
        for label, client, path, params in targets_for(user, web, api):
            times, queries, slowest = time_requests(client, path, [params] * args.runs)
            tail = p95(times)
            print(f"{label:<44} {statistics.median(times):7.1f}ms {tail:7.1f}ms {queries:>8}", flush=True)
            if label.startswith("home"):
                continue
            if tail > worst_p95[0]:
                worst_p95 = (tail, f"{username} {label}")
            if slowest[0] > worst[0]:
                worst = (slowest[0], f"{username} {label}", slowest[1])
    verdict = "met" if worst_p95[0] <= GOAL_MS else "NOT met"
    print(
        f"\nworst p95 of the board and the API: {worst_p95[0]:.1f} ms ({worst_p95[1]}); ≤ {GOAL_MS:.0f} ms {verdict}"
    )
    _explain(worst)


if __name__ == "__main__":
    main()
