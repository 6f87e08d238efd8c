"""学习台账 / 活动台账 as .xlsx: one row per event with its counts and the names of those who came.

Cells go through the project's one formula-safe helper (`excel_safe`): titles, reports and names are free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.lib.dates import format_cn_date
from jiujin.lib.ledger import ledger_workbook

from .models import Attendance, Event, counts_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS: list[tuple[str, int]] = [
    ("序号", 6), ("日期", 16), ("时间", 12), ("名称", 28), ("类别", 14), ("组织单位", 14), ("地点", 16),
    ("参加对象", 14), ("名额", 6), ("报名", 6), ("签到", 6), ("签到人员", 40), ("活动小结", 40),
]  # fmt: skip
CHUNK = 500


def _chunks(events: Iterable[Event]) -> Iterable[list[Event]]:
    it = iter(events)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def write_ledger(user: Any, events: Iterable[Event], *, title: str) -> tuple[bytes, set[int]]:
    """The workbook's bytes and the ids of the cadres it names (for the audit log). Names are those of the
    cadres in the user's scope: a street's event exported by a community shows that community's people."""
    cadre_ids: set[int] = set()
    scoped = Cadre.objects.for_user(user).values("pk")
    content = ledger_workbook(
        sheet=title, columns=COLUMNS, rows=ledger_rows(events, scoped, cadre_ids), title=title
    )
    return content, cadre_ids


def ledger_rows(events: Iterable[Event], scoped: Any, cadre_ids: set[int]) -> Iterator[list[Any]]:
    number = 0
    for chunk in _chunks(events):
        counts = counts_for(chunk)
        names: dict[int, list[str]] = {}
        rows = (
            Attendance.objects.filter(event_id__in=[e.pk for e in chunk], cadre__in=scoped)
            .order_by("checked_in_at")
            .values_list("event_id", "cadre_id", "cadre__name")
        )
        for event_id, cadre_id, name in rows:
            names.setdefault(event_id, []).append(name)
            cadre_ids.add(cadre_id)
        for e in chunk:
            number += 1
            local = timezone.localtime(e.starts_at)
            c = counts[e.pk]
            row = [
                number, format_cn_date(local.date()), f"{local:%H:%M}", e.title, e.get_kind_display(), e.unit.name,
                e.place, e.audience_label(), e.capacity, c["signed_up"], c["attended"], "、".join(names.get(e.pk, [])),
                e.report,
            ]  # fmt: skip
            yield row
