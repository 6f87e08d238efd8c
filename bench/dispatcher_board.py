"""The dispatcher's board with 10,000 open service requests: server time and query count.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/jiujin_bench python bench/dispatcher_board.py

Runs against a demo database (`JIUJIN_DEMO=1 jiujin demo-data --cadres 1000000`). Everything happens inside one
transaction that is rolled back at the end: on PostgreSQL this app's migrations are applied inside it when the
database has not been migrated that far yet (DDL is transactional there), so the bench database is
left exactly as it was. Times the Django handler in-process (no network), as the server sees it.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

import bench._django  # noqa: F401  (sets Django up for the imports below)
from bench._timing import measure
from jiujin.accounts.models import ApiToken, User
from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.servicerequests.models import (
    OPEN_STATES,
    ServiceCategory,
    ServiceRequest,
    Urgency,
)

OPEN_REQUESTS = 10_000
USERS = ["demo-admin", "demo-district", "demo-street", "demo-community-a"]


class _Rollback(Exception):
    pass


def main() -> None:
    print(
        f"database: {settings.DATABASES['default']['ENGINE']}, cadres: {Cadre.objects.count():,}", flush=True
    )
    try:
        with transaction.atomic():
            _ensure_tables()
            create_requests(OPEN_REQUESTS, Cadre.objects.all())
            for username in USERS:
                _bench_user(User.objects.get(username=username))
            raise _Rollback
    except _Rollback:
        print("rolled back: the bench database is unchanged", flush=True)


def _ensure_tables() -> None:
    """Apply this app's migrations (and those it depends on) inside the transaction, if not yet applied."""
    if connection.vendor != "postgresql":
        return  # SQLite: run `jiujin migrate` on the scratch database first
    call_command("migrate", "servicerequests", verbosity=0)


def create_requests(n: int, cadres: CadreQuerySet) -> None:
    """n open requests spread evenly over the active cadres given (so over every community of them): a tenth
    emergencies, half still waiting, received over the last two days — some past their target."""
    ids = list(cadres.active().order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // n)
    cadre_ids = ids[::step][:n]
    now = timezone.now()
    categories = ServiceCategory.values
    rows = []
    for i, cadre_id in enumerate(cadre_ids):
        emergency = i % 10 == 0
        minutes = 20 if emergency else 1440
        created = now - timedelta(minutes=(i * 7) % (2 * 1440))
        state = OPEN_STATES[i % 3] if i % 2 else OPEN_STATES[0]
        rows.append(
            ServiceRequest(
                cadre_id=cadre_id,
                category=ServiceCategory.EMERGENCY_HELP
                if emergency
                else categories[1 + i % (len(categories) - 1)],
                urgency=Urgency.EMERGENCY if emergency else Urgency.NORMAL,
                description="基准测试工单",
                state=state,
                created_at=created,
                target_minutes=minutes,
                due_at=created + timedelta(minutes=minutes),
                dispatched_at=created + timedelta(minutes=3) if state != OPEN_STATES[0] else None,
                arrived_at=created + timedelta(minutes=15 + i % 20) if state == OPEN_STATES[2] else None,
                provider_name="演示服务商" if state != OPEN_STATES[0] else "",
            )
        )
    ServiceRequest.objects.bulk_create(rows, batch_size=2000)
    print(f"created {len(rows):,} open requests", flush=True)


def _bench_user(user: User) -> None:
    web = Client()
    web.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _, key = ApiToken.issue(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    name = user.username
    if user.can("dispatch_services"):
        cards = web.get("/requests/board/").content.decode().count('<li id="sr-')
        print(f"{name}: the board shows {cards} cards", flush=True)
        measure(f"{name} board page", lambda: _ok(web.get("/requests/board/")))
        measure(
            f"{name} board refresh (htmx partial)",
            lambda: _ok(web.get("/requests/board/", HTTP_HX_REQUEST="true")),
        )
    measure(f"{name} list ?overdue=true", lambda: _ok(web.get("/requests/?overdue=true")))
    measure(f"{name} api ?overdue=true", lambda: _ok(api.get("/api/v1/service-requests?overdue=true")))


def _ok(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response


if __name__ == "__main__":
    main()
