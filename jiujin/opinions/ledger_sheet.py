"""The 意见建议 sheet of the 台账 bundle: the opinions the unit's communities received in the period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.orgs.models import OrgUnit

from .exports import COLUMNS, ledger_row
from .selectors import opinions_for_user

CHUNK = 2000


def _opinions(user: User, unit: OrgUnit, start: date, end: date) -> Any:
    units = OrgUnit.objects.subtree_of(unit).values("pk")
    return opinions_for_user(user).filter(community_id__in=units, raised_on__range=(start, end))


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
    qs = _opinions(user, unit, start, end).select_related("cadre", "community", "escalated_to", "work_unit")
    today = timezone.localdate()  # the state as it stands now (answered since, or overdue)
    for opinion in qs.order_by("raised_on", "id").iterator(CHUNK):
        cadre_ids.add(opinion.cadre_id)
        yield ledger_row(0, opinion, today)


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return _opinions(user, unit, start, end).count()


def register() -> None:
    ledger_sheet_register(LedgerSheet("opinions", "意见建议", 80, COLUMNS, rows, count))
