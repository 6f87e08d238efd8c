"""The 一助一 sheet of the 台账 bundle: the pairings of the unit's cadres current at some time in the period,
with the volunteers' contacts logged in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q

from jiujin.accounts.models import User
from jiujin.cadres.masking import sees_full_numbers, shown_phone
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.lib.dates import format_cn_date
from jiujin.orgs.models import OrgUnit

from .selectors import pairings_for

CHUNK = 2000
COLUMNS: list[tuple[str, float]] = [
    ("序号", 6), ("老干部", 10), ("所在社区", 14), ("志愿者", 10), ("志愿者类型", 10), ("志愿者电话", 14),
    ("结对日期", 16), ("结束日期", 16), ("结束原因", 20), ("期间联系次数", 8), ("最近联系", 16),
]  # fmt: skip


def _pairings(user: User, unit: OrgUnit, start: date, end: date) -> Any:
    units = OrgUnit.objects.subtree_of(unit).values("pk")
    return pairings_for(user).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start), cadre__community_id__in=units, started_on__lte=end
    )


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
    full = sees_full_numbers(user)
    in_period = Q(contacts__on__range=(start, end))
    qs = (
        _pairings(user, unit, start, end)
        .select_related("cadre__community", "volunteer")
        .annotate(logged=Count("contacts", filter=in_period), last=Max("contacts__on", filter=in_period))
        .order_by("cadre__community__path", "started_on", "id")
    )
    for p in qs.iterator(CHUNK):
        cadre_ids.add(p.cadre_id)
        v = p.volunteer
        yield [
            None, p.cadre.name, p.cadre.community.name, v.name, v.get_kind_display(), shown_phone(v.phone, full=full),
            format_cn_date(p.started_on), format_cn_date(p.ended_on), p.end_reason, p.logged, format_cn_date(p.last),
        ]  # fmt: skip


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return _pairings(user, unit, start, end).count()


def register() -> None:
    ledger_sheet_register(LedgerSheet("volunteers", "一助一", 40, COLUMNS, rows, count))
