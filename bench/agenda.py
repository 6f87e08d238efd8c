"""The worker's agenda (我的走访) and the supervisors' pages at scale.

DATABASE_URL=postgres://… JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000
DATABASE_URL=postgres://… jiujin schedule-visits            # 60 days of tasks, kept
DATABASE_URL=postgres://… python bench/agenda.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings
from django.test import Client

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from jiujin.accounts.models import User
from jiujin.tasks.models import VisitTask


def main() -> None:
    print(
        f"database: {settings.DATABASES['default']['ENGINE']}, visit tasks: {VisitTask.objects.count():,}",
        flush=True,
    )
    pages = {
        "demo-community-a": ["/visits/", "/visits/calendar/"],
        "demo-street": ["/visits/stats/"],
        "demo-district": ["/visits/stats/"],
    }
    for username, urls in pages.items():
        user = User.objects.get(username=username)
        assigned = VisitTask.objects.filter(assignee=user).count()
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for url in urls:
            measure(f"{username} ({assigned:,} tasks) {url}", lambda u=url, c=client: _ok(c.get(u)), runs=20)


def _ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response


if __name__ == "__main__":
    main()
