"""The 发挥作用 sheet of the 台账 bundle: the contributions logged in the unit's subtree in the period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from jiujin.accounts.models import User
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.orgs.models import OrgUnit

from .exports import COLUMNS, ledger_row
from .selectors import ledger_rows

CHUNK = 2000


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
    for row in ledger_rows(user, unit, start, end).iterator(CHUNK):
        cadre_ids.add(row.cadre_id)
        yield ledger_row(0, row)


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return ledger_rows(user, unit, start, end).count()


def register() -> None:
    ledger_sheet_register(LedgerSheet("contributions", "发挥作用", 70, COLUMNS, rows, count))
