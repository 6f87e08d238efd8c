"""The 走访 sheet of the 台账 bundle: the visit records of the unit's cadres in the period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from jiujin.accounts.models import User
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import VisitRecord

from .exports import CHUNK, COLUMNS, ledger_row
from .selectors import ledger_records


def _records(user: User, unit: OrgUnit, start: date, end: date) -> Any:
    units = OrgUnit.objects.subtree_of(unit).values("pk")
    return ledger_records(user, start, end).filter(task__cadre__community_id__in=units)


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
    record: VisitRecord
    for record in _records(user, unit, start, end).select_related("task").iterator(CHUNK):
        cadre_ids.add(record.task.cadre_id)
        yield ledger_row(0, record)


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return _records(user, unit, start, end).count()


def register() -> None:
    ledger_sheet_register(LedgerSheet("visits", "走访", 20, COLUMNS, rows, count))
