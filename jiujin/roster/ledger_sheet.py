"""The 名册 sheet of the 台账 bundle: the unit's cadres on file, in the roster export's columns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from jiujin.accounts.models import User
from jiujin.cadres.masking import sees_full_numbers
from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.core.registry import LedgerSheet, ledger_sheet_register
from jiujin.orgs.models import OrgUnit

from .exporting import EXPORT_COLUMNS, _ExportContext

CHUNK = 2000


def _cadres(user: User, unit: OrgUnit) -> CadreQuerySet:
    units = OrgUnit.objects.subtree_of(unit).values("pk")
    return Cadre.objects.for_user(user).active().filter(community_id__in=units)


def rows(user: User, unit: OrgUnit, start: date, end: date, cadre_ids: set[int]) -> Iterator[list[Any]]:
    # The roster as it stands at the period's end; ID numbers and phones masked unless view_sensitive.
    ctx = _ExportContext(today=end, sensitive=sees_full_numbers(user))
    qs = _cadres(user, unit).select_related("community", "work_unit", "responsible_worker")
    for cadre in qs.prefetch_related("tags").order_by("community__path", "name_pinyin", "id").iterator(CHUNK):
        cadre_ids.add(cadre.pk)
        yield [None, *(get(cadre, ctx) for _header, _width, get in EXPORT_COLUMNS[1:])]


def count(user: User, unit: OrgUnit, start: date, end: date) -> int:
    return _cadres(user, unit).count()


def register() -> None:
    ledger_sheet_register(
        LedgerSheet(
            code="roster",
            title="名册",
            order=10,
            columns=[(header, width) for header, width, _get in EXPORT_COLUMNS],
            rows=rows,
            count=count,
        )
    )
