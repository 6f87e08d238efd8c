"""Reading the service directory: the effective entries of a unit, resolved down the org tree."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.volunteers.models import Pairing

from .models import KIND_RANK, DirectoryEntry


@dataclass(frozen=True)
class Resolved:
    """An entry as a unit sees it: `entry` is the row that wins; `inherited` when it belongs to an ancestor."""

    entry: DirectoryEntry
    inherited: bool


def _entries_on(paths: Iterable[str]) -> QuerySet[DirectoryEntry]:
    return DirectoryEntry.objects.filter(org_unit__path__in=set(paths)).select_related("org_unit")


def _resolve(unit: OrgUnit, entries: Iterable[DirectoryEntry]) -> list[Resolved]:
    own_chain = set(unit.chain_paths())
    winners: dict[str, DirectoryEntry] = {}
    # Shallow to deep: a deeper unit's row replaces its ancestors' row of the same key.
    for entry in sorted(entries, key=lambda e: len(e.org_unit.path)):
        if entry.org_unit.path in own_chain:
            winners[entry.key] = entry
    shown = [e for e in winners.values() if not e.hidden]
    shown.sort(key=lambda e: (KIND_RANK.get(e.kind, 99), e.order, e.name))
    return [Resolved(e, inherited=e.org_unit_id != unit.pk) for e in shown]


def directory_for(unit: OrgUnit) -> list[Resolved]:
    """The effective directory of a unit (one query): its ancestors' entries overridden by its own."""
    return _resolve(unit, _entries_on(unit.chain_paths()))


def directories_for(units: Iterable[OrgUnit]) -> dict[int, list[Resolved]]:
    """The effective directory of many units in one query (a batch of cards over several communities)."""
    units = list(units)
    paths = {p for u in units for p in u.chain_paths()}
    entries = list(_entries_on(paths))
    return {u.pk: _resolve(u, entries) for u in units}


def own_entries(unit: OrgUnit) -> QuerySet[DirectoryEntry]:
    """The rows a unit keeps itself, hidden ones included (its edit page)."""
    return DirectoryEntry.objects.filter(org_unit=unit).order_by("order", "id")


def can_edit(user: User, unit: OrgUnit) -> bool:
    """manage_cadres users of the unit or above; the caller has already scoped `unit` to the user."""
    return user.can("manage_cadres")


def card_cadres(user: User, unit: OrgUnit) -> QuerySet[Cadre]:
    """Active cadres under a unit that the user may see, with what a card prints beside the directory."""
    return (
        Cadre.objects.for_user(user)
        .active()
        .filter(community__path__startswith=unit.path)
        .select_related("community", "responsible_worker")
        .order_by("community__path", "name_pinyin", "id")
    )


def active_partners(cadres: QuerySet[Cadre]) -> dict[int, Pairing]:
    """Each cadre's current 一助一 partner, in one query whatever the number of cadres."""
    pairings = Pairing.objects.filter(cadre__in=cadres.order_by().values("pk"), ended_on__isnull=True)
    return {p.cadre_id: p for p in pairings.select_related("volunteer")}
