"""The worker's agenda (我的走访) and the supervisors' pages at scale.

DATABASE_URL=postgres://… JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000
DATABASE_URL=postgres://… jiujin schedule-visits            # 60 days of tasks, kept
DATABASE_URL=postgres://… python bench/agenda.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujin.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from bench._timing import measure  # noqa: E402
from jiujin.accounts.models import User  # noqa: E402
from jiujin.tasks.models import VisitTask  # noqa: E402

settings.ALLOWED_HOSTS = ["testserver"]
settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


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
