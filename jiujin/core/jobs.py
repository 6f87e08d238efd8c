"""Background work that several app servers may run at once, each piece done by one of them.

`exclusive(name)` is a lock held across hosts: a PostgreSQL advisory lock (released by the server if the
holder dies), or on SQLite — one host by definition — a file lock beside the database. `daily_job_run`
runs a job once per day for the whole installation and records it in `DailyJobRun`.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import DailyJobRun

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _advisory_key(name: str) -> int:
    # A stable signed 64-bit key (hash() differs between processes).
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    """Yields True while this process alone holds `name`, False (at once, no waiting) if another does."""
    if connection.vendor == "postgresql":
        key = _advisory_key(f"jiujin:{name}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            got = bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got and connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    folder = Path(settings.VAR_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".lock-{name.replace(':', '-').replace('/', '-')}"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def daily_job_run(*, name: str, today: date, job: Callable[[], T], force: bool = False) -> T | None:
    """Run `job` unless it already ran for `today` (or `force`) and no other process is running it.

    Returns the job's result, or None when it was skipped. The day is recorded only after the job
    succeeded, so a host that dies half-way leaves the job to the next pass of any host.
    """
    with exclusive(f"daily:{name}") as got:
        if not got:
            logger.info("daily job %s is running elsewhere; skipped", name)
            return None
        row, _ = DailyJobRun.objects.get_or_create(name=name)
        if row.done_for == today and not force:
            return None
        result = job()
        row.done_for, row.finished_at = today, timezone.now()
        row.save(update_fields=["done_for", "finished_at"])
        return result


def planner_statistics_daily(today: date, through: date | None) -> str:
    """SQLite keeps no planner statistics unless asked (PostgreSQL's autovacuum does): without them it may walk
    the display-order index for a search the initials index answers at once (100,000 cadres: 85 ms → 0.2 ms)."""
    if connection.vendor != "sqlite":
        return "统计信息由数据库自动维护"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "已更新查询统计信息"
