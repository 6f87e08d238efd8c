"""Two sheets of the 台账 bundle: 健康讲座和义诊 (health lectures; the health app adds its check-up days) and
学习和活动 (the events of every other kind), organised in the unit's subtree in the period, in the
学习/活动台账's columns, the names those of the unit's cadres who came."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.orgs.models import OrgUnit

from .exports import COLUMNS, ledger_rows
from .models import EventKind
from .selectors import filtered


def _events(user: User, unit: OrgUnit, start: date, end: date, health: bool) -> Any:
    qs = filtered(user, unit=unit, start=start, end=end)
    return qs.filter(kind=EventKind.HEALTH) if health else qs.exclude(kind=EventKind.HEALTH)


def _sheet_rows(health: bool) -> Any:
    def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
        units = OrgUnit.objects.subtree_of(unit).values("pk")
        scoped = Cadre.objects.for_user(user).filter(community_id__in=units).values("pk")
        events = _events(user, unit, start, end, health).select_related("unit").order_by("starts_at", "id")
        yield from ledger_rows(events.iterator(), scoped, cadre_ids)

    return rows


def _count(health: bool) -> Any:
    def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
        return int(_events(user, unit, start, end, health).count())

    return count


def register() -> None:
    ledger_sheet_register(
        LedgerSheet("health", "健康讲座和义诊", 50, COLUMNS, _sheet_rows(True), _count(True)),
        LedgerSheet("events", "学习和活动", 60, COLUMNS, _sheet_rows(False), _count(False)),
    )
