"""Read-side queries of the home page: who has gone quiet (a worker's home) and the units side by side (a
street's or district's home).

Both read only registries (`contact_sources`, `unit_figures_for`), so the home names no feature app. Sizes
are constant in the number of rows and units: one query per list, one grouped query per figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import Cadre, LivingArrangement
from jiujin.core.access import access_unit
from jiujin.core.registry import UnitFigure, contact_sources, unit_figures_for
from jiujin.orgs.models import OrgUnit

QUIET_DAYS = 30  # "no contact of any kind for 30 days"; the risk app's care levels set their own frequencies
QUIET_AGE = 80
QUIET_LIMIT = 10  # a phone screen or two; the count says how many more
SUPERVISOR_ROLES = {Role.ADMIN, Role.CITY, Role.DISTRICT, Role.STREET}


def is_supervisor(user: User) -> bool:
    """Street, district, city and admin users supervise units; a community worker has cadres to see to."""
    return bool(user.sees_everything or user.role in SUPERVISOR_ROLES)


# ---------------------------------------------------------------- a worker's home: gone quiet


@dataclass(frozen=True)
class QuietCadre:
    cadre: Cadre
    age: int
    last_contact: date | None  # the latest contact of any kind, None: never
    last_kind: str

    @property
    def reason(self) -> str:
        alone = self.cadre.living_arrangement == LivingArrangement.ALONE
        return "独居" if alone and self.age < QUIET_AGE else f"{self.age}岁" + ("·独居" if alone else "")


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def quiet_cadres(user: User, *, today: date, limit: int = QUIET_LIMIT) -> tuple[list[QuietCadre], int]:
    """Active cadres aged 80+ or living alone whom no registered kind of contact reached in QUIET_DAYS days,
    the oldest first, and how many there are in all. Two queries."""
    since = today - timedelta(days=QUIET_DAYS)
    sources = contact_sources()
    qs = (
        Cadre.objects.for_user(user)
        .active()
        .filter(
            Q(birth_date__lte=years_before(today, QUIET_AGE)) | Q(living_arrangement=LivingArrangement.ALONE)
        )
        .annotate(**{f"last_{s.name}": s.last_contact() for s in sources})
    )
    for s in sources:
        qs = qs.filter(Q(**{f"last_{s.name}__isnull": True}) | Q(**{f"last_{s.name}__lt": since}))
    total = qs.count()
    rows = []
    for cadre in qs.select_related("community").order_by("birth_date", "pk")[:limit]:
        seen = [(getattr(cadre, f"last_{s.name}"), s.label) for s in sources]
        dated = [(d, label) for d, label in seen if d is not None]
        last, kind = max(dated, key=lambda pair: pair[0]) if dated else (None, "")
        rows.append(QuietCadre(cadre, cadre.age(today), last, kind))
    return rows, total


# ---------------------------------------------------------------- a supervisor's home: units side by side


@dataclass
class UnitRow:
    unit: OrgUnit | None  # None: the line of the whole scope
    label: str
    values: list[tuple[int, int]] = field(default_factory=list)
    drill: bool = False  # has communities below it to drill into

    def cells(self, figures: list[UnitFigure]) -> list[dict[str, Any]]:
        out = []
        for figure, (part, whole) in zip(figures, self.values, strict=True):
            pct = round(part * 100 / whole) if whole else None
            out.append(
                {
                    "label": figure.label,
                    "percent": figure.percent,
                    "part": part,
                    "whole": whole,
                    "pct": pct,
                    "alarm": figure.alarm and part > 0,
                }
            )
        return out


@dataclass
class Overview:
    unit: OrgUnit | None  # the unit looked at; None: an admin's whole installation
    chain: list[OrgUnit]  # the units above it within the caller's scope, for the way back up
    figures: list[UnitFigure]
    rows: list[UnitRow]
    whole: UnitRow

    @property
    def headers(self) -> list[str]:
        return [f.label for f in self.figures]


def overview_unit(user: User, code: str | None) -> OrgUnit | None:
    """`?unit=CODE` in the caller's scope (NoAccess, a 404, otherwise), else the caller's own unit; an admin
    without one looks at the single top unit, or at all top units (None)."""
    if code:
        return access_unit(user, code)
    if user.org_unit_id is not None:
        return OrgUnit.objects.filter(pk=user.org_unit_id).select_related("parent").first()
    roots = list(OrgUnit.objects.for_user(user).filter(parent__isnull=True)[:2])
    return roots[0] if len(roots) == 1 else None


def overview_for(user: User, code: str | None, *, today: date) -> Overview:
    """The unit's children side by side, each the sum of its communities' figures, and the whole line.

    A fixed number of queries whatever the number of units: the children, the communities below, the chain
    above, and one grouped query per registered figure."""
    unit = overview_unit(user, code)
    scope = OrgUnit.objects.for_user(user)
    below = scope.subtree_of(unit) if unit else scope
    children = list(below.filter(parent=unit) if unit else below.filter(parent__isnull=True))
    communities = below.communities()
    paths = dict(communities.values_list("pk", "path"))
    figures = unit_figures_for(user)
    data = [figure.by_community(user, communities, today) for figure in figures]

    def line(unit_path: str) -> list[tuple[int, int]]:
        ids = [pk for pk, path in paths.items() if path.startswith(unit_path)]
        return [_add(values, ids) for values in data]

    rows = [UnitRow(child, child.name, line(child.path), drill=not child.is_community) for child in children]
    if unit is not None:
        whole = UnitRow(None, f"{unit.name}合计", line(unit.path))
    else:  # an admin over several top units
        whole = UnitRow(None, "全部合计", [_add(values, list(paths)) for values in data])
    return Overview(unit=unit, chain=_chain(user, unit), figures=figures, rows=rows, whole=whole)


def _add(values: dict[int, tuple[int, int]], ids: list[int]) -> tuple[int, int]:
    pairs = [values[pk] for pk in ids if pk in values]
    return sum(p for p, _w in pairs), sum(w for _p, w in pairs)


def _chain(user: User, unit: OrgUnit | None) -> list[OrgUnit]:
    """The ancestors of `unit` the caller may open, top first (one query)."""
    if unit is None:
        return []
    paths = unit.chain_paths()[:-1]
    return list(OrgUnit.objects.for_user(user).filter(path__in=paths).order_by("path"))
