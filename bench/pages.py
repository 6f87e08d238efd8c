"""The pages of due work at 1,000,000 cadres (issue 11): agenda, month calendar, visit stats, the dispatcher's
board and the home page, for each demo login where the page applies.

    DATABASE_URL=postgres://… JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000
    DATABASE_URL=postgres://… jiujin schedule-visits          # 60 days of tasks (~180,000), kept
    psql … -c "VACUUM ANALYZE tasks_visittask"
    DATABASE_URL=postgres://… python bench/pages.py [--runs 20] [--users demo-street] [--pages board] [--explain]

Everything runs inside one transaction that is rolled back: OPEN_REQUESTS open service requests are created
across demo-street's street first (the board and the home pages then show a working day's load). Prints
median / p95 server time (Django handler in-process, no network) and the query count per request; with
`--explain`, EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each page.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from bench.dispatcher_board import create_requests
from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import PENDING, VisitTask

OPEN_REQUESTS = 200
USERS = ["demo-community-a", "demo-street", "demo-district", "demo-admin"]


class _Rollback(Exception):
    pass


def pages_for(user: User) -> list[tuple[str, str, dict[str, str]]]:
    """(name, url, headers) of the pages this user has; a street user also drills into one community."""
    next_month = (timezone.localdate().replace(day=1) + timezone.timedelta(days=31)).strftime("%Y-%m")
    pages = [
        ("home", "/", {}),
        ("agenda", "/visits/", {}),
        ("calendar", "/visits/calendar/", {}),
        ("calendar next month", f"/visits/calendar/?month={next_month}", {}),
    ]
    if user.sees_everything or user.role in {"city", "district", "street"}:
        pages.append(("stats", "/visits/stats/", {}))
        community = OrgUnit.objects.for_user(user).communities().order_by("path").first()
        if community is not None and not user.sees_everything:
            pages.append(("stats ?community=", f"/visits/stats/?community={community.code}", {}))
    if user.can("dispatch_services"):
        pages.append(("board", "/requests/board/", {}))
        pages.append(("board refresh (htmx)", "/requests/board/", {"HTTP_HX_REQUEST": "true"}))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--users", default=",".join(USERS))
    parser.add_argument("--pages", default="", help="only pages whose name starts with one of these")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    pending = VisitTask.objects.pending().count()
    print(
        f"database: {settings.DATABASES['default']['NAME']}, cadres: {Cadre.objects.count():,}, "
        f"pending tasks: {pending:,}, load average: {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    wanted = tuple(p for p in args.pages.split(",") if p)
    try:
        with transaction.atomic():
            street = User.objects.get(username="demo-street")
            create_requests(OPEN_REQUESTS, Cadre.objects.for_user(street))
            for username in args.users.split(","):
                user = User.objects.get(username=username)
                mine = VisitTask.objects.filter(assignee=user, status__in=PENDING).count()
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                for name, url, headers in pages_for(user):
                    if wanted and not name.startswith(wanted):
                        continue
                    label = f"{username} ({mine:,} own) {name}"
                    get = _getter(client, url, headers)
                    measure(label, get, runs=args.runs)
                    if args.explain:
                        _explain_slowest(get)
            raise _Rollback
    except _Rollback:
        print(
            f"rolled back: the bench database is unchanged; load average {os.getloadavg()[0]:.2f}", flush=True
        )


def _getter(client: Client, url: str, headers: dict[str, str]) -> Callable[[], Any]:
    def get() -> Any:
        response = client.get(url, **headers)  # type: ignore[arg-type]
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def _explain_slowest(get: Callable[[], Any]) -> None:
    with CaptureQueriesContext(connection) as ctx:
        get()
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    print(f"    slowest query {float(slowest['time']) * 1000:.1f} ms:\n    {slowest['sql'][:600]}")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
        for (line,) in cursor.fetchall():
            print(f"      {line}")


if __name__ == "__main__":
    main()
