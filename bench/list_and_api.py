"""Cadre list page and API server time at scale.

    DATABASE_URL=postgres://… JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000
    DATABASE_URL=postgres://… python bench/list_and_api.py

Times the Django handler in-process (no network), as the server sees it, for the users of the demo.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings
from django.core.cache import cache
from django.test import Client

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from jiujin.accounts.models import ApiToken, User
from jiujin.cadres.models import Cadre


def main() -> None:
    print(
        f"database: {settings.DATABASES['default']['ENGINE']}, cadres: {Cadre.objects.count():,}", flush=True
    )
    for username in ["demo-admin", "demo-district", "demo-community-a"]:
        _bench_user(User.objects.get(username=username))


def _bench_user(user: User) -> None:
    web = Client()
    web.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _, key = ApiToken.issue(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for query in ["", "?q=zdm", "?q=wang", "?page=300", "?age=80-89&living=alone"]:
        measure(f"{user.username} list {query or '(all)'}", lambda q=query: _ok(web.get(f"/cadres/{q}")))
    cache.clear()
    measure(
        f"{user.username} completeness (first, uncached)",
        lambda: _ok(web.get("/cadres/completeness/")),
        runs=1,
        warmup=0,
    )
    measure(f"{user.username} completeness (cached)", lambda: _ok(web.get("/cadres/completeness/")))
    for query in ["?q=zdm", "?page=2", "?age=80-89&living=alone"]:
        measure(f"{user.username} api /cadres{query}", lambda q=query: _ok(api.get(f"/api/v1/cadres{q}")))


def _ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response


if __name__ == "__main__":
    main()
