"""Party dues arithmetic: which rule applies where and when, and what a pension owes under it.

Rates are data (`DuesRule` with `DuesBracket`s), never constants here: the data migration writes the
installation's default (0.5 % of the basic pension up to ¥5,000 inclusive, 1 % above, the common rule), and a
district or the city may set its own from a date. The nearest unit up a community's chain with a rule in
force that month wins; the default (no unit) comes last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from django.db.models import Q

from jiujin.orgs.models import OrgUnit

from .models import DuesBracket, DuesRule, Pension, Rounding

FEN = Decimal("0.01")
_ROUNDING = {Rounding.HALF_UP: ROUND_HALF_UP, Rounding.DOWN: ROUND_DOWN, Rounding.UP: ROUND_UP}


@dataclass(frozen=True)
class Dues:
    rule: DuesRule
    base: Decimal
    rate_percent: Decimal
    amount: Decimal


def month_start(day: date) -> date:
    return day.replace(day=1)


def rate_for(brackets: Iterable[DuesBracket], base: Decimal) -> Decimal:
    """The rate of the highest bracket the base exceeds (a bracket at 0 covers everything from 0 up)."""
    rate = Decimal(0)
    for bracket in sorted(brackets, key=lambda b: b.above):
        if base > bracket.above or bracket.above == 0:
            rate = bracket.rate_percent
    return rate


def dues_amount(rule: DuesRule, brackets: Iterable[DuesBracket], base: Decimal) -> Dues:
    rate = rate_for(brackets, base)
    raw = base * rate / Decimal(100)
    return Dues(rule, base, rate, raw.quantize(FEN, rounding=_ROUNDING[Rounding(rule.rounding)]))


def rules_for_communities(communities: Iterable[OrgUnit], month: date) -> dict[int, DuesRule]:
    """{community id: the rule in force in `month`} with its brackets prefetched, in one query."""
    units = list(communities)
    paths = {p for u in units for p in u.chain_paths()}
    rules = list(
        DuesRule.objects.filter(
            Q(org_unit__path__in=paths) | Q(org_unit__isnull=True), effective_from__lte=month
        )
        .select_related("org_unit")
        .prefetch_related("brackets")
        .order_by("-effective_from", "-id")
    )
    found: dict[int, DuesRule] = {}
    for unit in units:
        chain = unit.chain_paths()
        # Deepest unit first, then the default; within one unit the latest rule in force (rules are sorted so).
        ranked = sorted(
            (r for r in rules if r.org_unit is None or r.org_unit.path in chain),
            key=lambda r: -(len(r.org_unit.path) if r.org_unit else 0),
        )
        if ranked:
            found[unit.pk] = ranked[0]
    return found


def pensions_on(cadre_ids: Iterable[int], month: date) -> dict[int, Pension]:
    """{cadre id: the pension row in force in `month`} for these cadres."""
    latest: dict[int, Pension] = {}
    rows = Pension.objects.filter(cadre_id__in=list(cadre_ids), effective_from__lte=month).order_by(
        "cadre_id", "effective_from"
    )
    for row in rows:
        latest[row.cadre_id] = row  # ascending: the last one seen is in force
    return latest
