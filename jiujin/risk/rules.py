"""Contact frequencies and "due" as query conditions, shared by the daily computation, the pages and the
figures. "Last contact" is the latest of the registered ContactSources, compared as the home's "no contact
for 30 days" does: each source's date is NULL or before the day (so no feature app is named here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Length

from jiujin.core.registry import ContactSource, contact_sources
from jiujin.orgs.models import OrgUnit

from .models import DEFAULT_DAYS, DEFAULT_EVENT_DAYS, ContactFrequency, Level


@dataclass(frozen=True)
class Frequency:
    high: int = DEFAULT_DAYS[Level.HIGH]
    priority: int = DEFAULT_DAYS[Level.PRIORITY]
    general: int = DEFAULT_DAYS[Level.GENERAL]
    event: int = DEFAULT_EVENT_DAYS

    def days(self, level: int) -> int:
        if level == Level.HIGH:
            return self.high
        return self.priority if level == Level.PRIORITY else self.general

    @classmethod
    def of(cls, row: ContactFrequency | None) -> Frequency:
        if row is None:
            return cls()
        return cls(row.high_days, row.priority_days, row.general_days, row.event_days)


def frequency_for(unit: OrgUnit) -> Frequency:
    """The nearest unit's frequencies up the tree, else the defaults."""
    row = (
        ContactFrequency.objects.filter(org_unit__path__in=unit.chain_paths())
        .order_by(Length("org_unit__path").desc())
        .first()
    )
    return Frequency.of(row)


def frequency_map(communities: Any) -> dict[int, Frequency]:
    """{community id: effective frequencies} for the communities of the queryset (two queries)."""
    rows = sorted(ContactFrequency.objects.select_related("org_unit"), key=lambda r: -len(r.org_unit.path))
    out: dict[int, Frequency] = {}
    if not rows:
        return out  # everyone on the defaults: callers use .get(pk, Frequency())
    for pk, path in communities.values_list("pk", "path"):
        nearest = next((r for r in rows if path.startswith(r.org_unit.path)), None)
        if nearest is not None and Frequency.of(nearest) != Frequency():
            out[pk] = Frequency.of(nearest)
    return out


def frequency_groups(freqs: dict[int, Frequency]) -> list[tuple[Frequency, Q]]:
    """The communities grouped by their frequencies, each with a Q over `community_id` (the defaults' group
    as "none of the others", so it needs no id list)."""
    groups: dict[Frequency, list[int]] = {}
    for pk, freq in freqs.items():
        groups.setdefault(freq, []).append(pk)
    return [(Frequency(), ~Q(community_id__in=list(freqs)))] + [
        (freq, Q(community_id__in=ids)) for freq, ids in groups.items()
    ]


# ---------------------------------------------------------------- "not contacted since" over two shapes


NotSince = Callable[[Any], Q]  # day or F(...) -> Q "no contact on or after it"


def live_annotations() -> dict[str, Any]:
    """`last_<source>` per registered ContactSource, for a Cadre queryset."""
    return {f"last_{s.name}": s.last_contact() for s in contact_sources()}


def live_not_since(sources: list[ContactSource] | None = None) -> NotSince:
    """Over a Cadre queryset annotated with live_annotations(): every source NULL or before `day`."""
    names = [s.name for s in (sources if sources is not None else contact_sources())]

    def q(day: Any) -> Q:
        out = Q()
        for name in names:
            out &= Q(**{f"last_{name}__isnull": True}) | Q(**{f"last_{name}__lt": day})
        return out

    return q


def stored_not_since(prefix: str = "") -> NotSince:
    """Over CadreRisk (prefix "") or Cadre (prefix "risk__"): the stored last contact NULL or before `day`."""

    def q(day: Any) -> Q:
        return Q(**{f"{prefix}last_contact__isnull": True}) | Q(**{f"{prefix}last_contact__lt": day})

    return q


def due_q(groups: list[tuple[Frequency, Q]], by: date, not_since: NotSince, prefix: str = "") -> Q:
    """Cadres due for a contact on or before `by`: days since the last contact ≥ their level's frequency, or
    a 重大家事 `event` days old with no contact since it. `prefix` reaches CadreRisk's fields."""
    out = Q(pk__in=[])
    for freq, where in groups:
        for level in Level:
            since = by - timedelta(days=freq.days(level) - 1)  # contacted on or after `since`: not yet due
            out |= where & Q(**{f"{prefix}level": level}) & not_since(since)
        event = Q(**{f"{prefix}family_event_on__lte": by - timedelta(days=freq.event)})
        out |= where & event & not_since(F(f"{prefix}family_event_on"))
    return out
