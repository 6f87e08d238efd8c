"""Recomputing the summary tables (models.Summary) from the figures the apps register (core.registry).

`summaries_refresh(today, start, end)`, in one transaction: for the days [start, end], every flow figure's
community rows are replaced by the registered counts, the streets', districts' and city's rows by their
communities' sums (one INSERT … SELECT), and the month rows of every month those days touch by the sums of
their days; today's snapshot of the stock figures is replaced the same way. Readers in other transactions
see the old rows until it commits; running it twice changes nothing.

The loop runs it on every pass for the recent days (from the first of last month: where nearly every write
lands) and once a day over all days (a visit entered for last spring, a task done long after its due day,
a cadre who moved); `jiujin rebuild-summaries` runs it on demand.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jiujin.core.registry import SummaryFigure, summary_figures
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import Span, Summary, SummaryRun

# The first day a full recomputation asks the figures about: before any record the system can hold.
EPOCH = date(1900, 1, 1)
# And the last, by default: a flow may count days ahead of today (a visit done before its due day counts on
# that day), up to the visit tasks planned 60 days ahead.
AHEAD_DAYS = 92
BATCH = 5000


@dataclass(frozen=True)
class RefreshReport:
    start: date | None
    end: date
    rows: int
    seconds: float

    def line(self) -> str:
        days = f"{self.start}—{self.end}" if self.start else f"全部日期至 {self.end}"
        return f"汇总数 {self.rows} 行（{days}），用时 {self.seconds:.1f} 秒"


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _lock() -> None:
    """Two refreshes (the loop's pass on two hosts, a rebuild by hand) take turns instead of colliding on the
    unique rows; SQLite serialises writers by itself."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.blake2b(b"jiujin:summaries", digest_size=8).digest(), "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _community_rows(
    figures: Iterable[SummaryFigure], start: date, end: date, span: str, communities: set[int]
) -> list[Summary]:
    """The figures' rows for the communities, summed per (community, day, code), zeros left out."""
    values: dict[tuple[int, date, str], int] = defaultdict(int)
    for figure in figures:
        for community_id, day, key, value in figure.rows(start, end):
            if value and community_id in communities:
                values[(community_id, day, f"{figure.code}:{key}" if key else figure.code)] += int(value)
    return [
        Summary(unit_id=unit_id, span=span, day=day, code=code, value=value)
        for (unit_id, day, code), value in values.items()
        if value
    ]


def _table() -> tuple[str, str]:
    return Summary._meta.db_table, OrgUnit._meta.db_table


def _day(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def _roll_up(span: str, start: date, end: date) -> None:
    """Every ancestor's rows = the sums of its communities' rows (the only rows of these days so far)."""
    summary, units = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {summary} (unit_id, span, day, code, value) "
            f"SELECT m.aid, s.span, s.day, s.code, SUM(s.value) FROM {summary} s "
            f"JOIN (SELECT c.id AS cid, a.id AS aid FROM {units} c JOIN {units} a "
            "ON a.id <> c.id AND substr(c.path, 1, length(a.path)) = a.path WHERE c.level = %s) m "
            "ON m.cid = s.unit_id WHERE s.span = %s AND s.day BETWEEN %s AND %s "
            "GROUP BY m.aid, s.span, s.day, s.code",
            [OrgLevel.COMMUNITY, span, _day(start), _day(end)],
        )


def _months(start: date, end: date) -> None:
    """The month rows of [start's month, end's month] = the sums of their day rows, at every level."""
    summary, _ = _table()
    month = (
        "CAST(date_trunc('month', day) AS date)"
        if connection.vendor == "postgresql"
        else "date(day, 'start of month')"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {summary} (unit_id, span, day, code, value) "
            f"SELECT unit_id, %s, {month}, code, SUM(value) FROM {summary} "
            f"WHERE span = %s AND day BETWEEN %s AND %s GROUP BY unit_id, {month}, code",
            [Span.MONTH, Span.DAY, _day(month_start(start)), _day(month_end(end))],
        )


def _write(rows: list[Summary]) -> None:
    for i in range(0, len(rows), BATCH):
        Summary.objects.bulk_create(rows[i : i + BATCH])


@transaction.atomic
def summaries_refresh(*, today: date, start: date | None = None, end: date | None = None) -> RefreshReport:
    """Recompute the flow figures of the days [start (None: all), end (None: today + AHEAD_DAYS)] and today's
    snapshot of the stocks."""
    began = time.monotonic()
    _lock()
    end = end or today + timedelta(days=AHEAD_DAYS)
    first = start or EPOCH
    figures = summary_figures()
    communities = set(OrgUnit.objects.communities().values_list("pk", flat=True))

    Summary.objects.filter(span=Span.DAY, day__range=(first, end)).delete()
    Summary.objects.filter(span=Span.MONTH, day__range=(month_start(first), end)).delete()
    flows = _community_rows([f for f in figures if not f.stock], first, end, Span.DAY, communities)
    _write(flows)
    _roll_up(Span.DAY, first, end)
    _months(first, end)

    Summary.objects.filter(span=Span.SNAPSHOT, day=today).delete()
    stocks = _community_rows([f for f in figures if f.stock], today, today, Span.SNAPSHOT, communities)
    _write(stocks)
    _roll_up(Span.SNAPSHOT, today, today)

    report = RefreshReport(start, end, len(flows) + len(stocks), time.monotonic() - began)
    SummaryRun.objects.update_or_create(
        name="all" if start is None else "recent",
        defaults={"start": start, "end": end, "finished_at": timezone.now(), "seconds": report.seconds},
    )
    return report


def recent_start(today: date) -> date:
    """The first day of last month: the loop's every-pass refresh covers where nearly every write lands."""
    return month_start(month_start(today) - timedelta(days=1))


def recent_job(today: date, through: date | None = None) -> str:
    return summaries_refresh(today=today, start=recent_start(today)).line()


def daily_job(today: date, through: date | None = None) -> str:
    return summaries_refresh(today=today).line()
