"""Every search and filter of the cadre list and API, as people type them, at every scope (issue 11).

    DATABASE_URL=postgres://… JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000
    DATABASE_URL=postgres://… python bench/search.py [--runs 20] [--users demo-admin,demo-community-a]

Query values are drawn from the data in each user's scope (a different cadre each run): a full name, a
2-character part of a name, a surname, full pinyin and initials, the pinyin prefix nearest 2 % of the city,
two letters of a pinyin or of initials (`zh` is both), ID-number tails of 4, 6 and 8 characters (one set
ending in X), a phone's last 4 digits; each filter alone and two together; page 1 and a deep page. Prints median / p95 server time (in-process, no network) and the
query count per request — for the whole list page, for the results alone as the live search asks for them
while one types (`typed`: htmx) and with --api for the API — then EXPLAIN (ANALYZE, BUFFERS) of the slowest
query of the slowest request.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection
from django.db.models import Count
from django.db.models.functions import Left
from django.test import Client
from django.test.utils import CaptureQueriesContext

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import p95
from jiujin.accounts.models import ApiToken, User
from jiujin.cadres.models import Cadre

USERS = ["demo-admin", "demo-district", "demo-street", "demo-community-a"]
Sample = dict[str, str]
Query = Callable[[Sample], dict[str, str]]

FILTERS: list[tuple[str, dict[str, str]]] = [
    ("filter 独居", {"living": "alone"}),
    ("filter 县处级", {"rank": "chu"}),
    ("filter 离休", {"category": "lixiu"}),
    ("filter 80–89岁", {"age": "80-89"}),
    ("filter 健康较差", {"health": "poor"}),
    ("filters 独居 + 县处级", {"living": "alone", "rank": "chu"}),
    ("filters 80–89岁 + 独居", {"age": "80-89", "living": "alone"}),
    ("filters 离休 + 健康较差", {"category": "lixiu", "health": "poor"}),
]


def searches(prefix_2pct: str) -> list[tuple[str, Query]]:
    return [
        ("full Chinese name", lambda s: {"q": s["name"]}),
        ("2-character part of a name", lambda s: {"q": s["name"][1:3]}),
        ("surname alone", lambda s: {"q": s["name"][0]}),
        ("full pinyin", lambda s: {"q": s["name_pinyin"]}),
        ("initials", lambda s: {"q": s["name_initials"]}),
        ("2 letters of pinyin (zh, li…; may be initials)", lambda s: {"q": s["name_pinyin"][:2]}),
        ("2 initials (zd, wh…)", lambda s: {"q": s["name_initials"][:2]}),
        (f"pinyin prefix ~2% of the city ({prefix_2pct})", lambda s: {"q": prefix_2pct}),
        ("ID tail, 4", lambda s: {"q": s["id_number"][-4:]}),
        ("ID tail, 6", lambda s: {"q": s["id_number"][-6:]}),
        ("ID tail, 8", lambda s: {"q": s["id_number"][-8:]}),
        ("ID tail, 6, ending in X", lambda s: {"q": s["id_x"][-6:]}),
        ("phone tail, 4", lambda s: {"q": s["phone_mobile"][-4:]}),
        ("page 1", lambda s: {}),
        ("a deep page (300)", lambda s: {"page": "300"}),
        *[(label, lambda s, f=f: f) for label, f in FILTERS],
    ]


def samples_for(user: User, n: int) -> list[Sample]:
    """n cadres of the user's scope with a 3-character name and a mobile, one with an ID ending in X each."""
    scope = Cadre.objects.for_user(user).active()
    fields = ["name", "name_pinyin", "name_initials", "id_number", "phone_mobile"]
    rows = list(
        scope.filter(name__regex=r"^.{3}$", phone_mobile__regex=r"^\d{11}$").order_by("?").values(*fields)[:n]
    )
    with_x = list(scope.filter(id_number__endswith="X").order_by("?").values_list("id_number", flat=True)[:n])
    return [{**row, "id_x": with_x[i % len(with_x)]} for i, row in enumerate(rows)]


def prefix_near(share: float) -> str:
    """The 3- or 4-letter pinyin prefix whose share of all cadres is nearest `share`."""
    total = Cadre.objects.count()
    shares = []
    for length in (3, 4):
        grouped = (
            Cadre.objects.annotate(p=Left("name_pinyin", length))
            .values("p")
            .annotate(n=Count("id"))
            .order_by()
        )
        shares += [(abs(row["n"] / total - share), row["p"]) for row in grouped]
    return min(shares)[1]


def time_requests(client: Client, path: str, params: list[dict[str, str]]) -> tuple[list[float], int, Any]:
    """Time GET path?params for each params (after one warm-up); the times, max queries, slowest capture."""
    client.get(path, params[0])
    times, most, slowest = [], 0, (0.0, None)
    for p in params:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(f"{path}?{urlencode(p)}")
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, p, response.status_code)
        times.append(elapsed)
        most = max(most, len(ctx.captured_queries))
        if elapsed > slowest[0]:
            slowest = (elapsed, list(ctx.captured_queries))
    return times, most, slowest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--users", default=",".join(USERS))
    parser.add_argument("--api", action="store_true", help="also time /api/v1/cadres with the same queries")
    args = parser.parse_args()
    gc.freeze()  # as each production worker does once the app is loaded (deploy/gunicorn.conf.py)
    total = Cadre.objects.count()
    print(f"database: {connection.vendor}, cadres: {total:,}", flush=True)
    prefix = prefix_near(0.02)
    share = Cadre.objects.filter(name_pinyin__startswith=prefix).count() / total
    print(f"pinyin prefix nearest 2% of the city: {prefix!r} ({share:.1%})", flush=True)
    worst: tuple[float, str, Any] = (0.0, "", None)
    for username in args.users.split(","):
        user = User.objects.get(username=username)
        web = Client()
        web.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user)[1]}")
        samples = samples_for(user, args.runs)
        in_scope = Cadre.objects.for_user(user).count()
        print(f"\n## {username} ({in_scope:,} cadres in scope)", flush=True)
        print(f"{'query':<46} {'median':>9} {'p95':>9} {'queries':>8}")
        typed = Client(
            HTTP_HX_REQUEST="true"
        )  # the live search: htmx asks for the results alone as one types
        typed.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        targets = [("list", web, "/cadres/"), ("typed", typed, "/cadres/")]
        targets += [("api", api, "/api/v1/cadres")] if args.api else []
        for kind, client, path in targets:
            for label, build in searches(prefix):
                params = [build(s) for s in samples]
                times, queries, slowest = time_requests(client, path, params)
                name = f"{kind}: {label}"
                print(
                    f"{name:<46} {statistics.median(times):7.1f}ms {p95(times):7.1f}ms {queries:>8}",
                    flush=True,
                )
                if slowest[0] > worst[0]:
                    worst = (slowest[0], f"{username} {name}", slowest[1])
    _explain(worst)


def _explain(worst: tuple[float, str, Any]) -> None:
    elapsed, label, captured = worst
    if not captured:
        return
    query = max(captured, key=lambda q: float(q["time"]))
    print(
        f"\n## slowest request: {label} ({elapsed:.1f} ms); its slowest query ({float(query['time']) * 1000:.1f} ms):"
    )
    print(query["sql"][:2000])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
