"""Which holidays and birthday settings apply where.

Rules are set by a unit (usually a district) and inherited by its subtree. A lower unit's holiday rule with
the same `code` overrides an ancestor's (`enabled=False` switches the holiday off there); the nearest
VisitSettings row applies. When no holiday rule exists anywhere up the tree, DEFAULT_HOLIDAYS apply:
春节 and 重阳 for every cadre (visits open 15 days ahead) and 七一 for party members (7 days ahead).
端午, 中秋 and 国庆 are seeded switched off by `visit_rules_seed_defaults`, ready to be switched on.

`effective_rules(unit)` answers for one unit (pages); `holiday_scopes()` / `settings_scopes()` answer for
the whole tree at once as subtree filters, so task generation stays one query per rule and date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import TypeVar

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length

from jiujin.cadres.models import Category, HealthStatus, LivingArrangement, Rank
from jiujin.core.registry import party_members_q
from jiujin.lib.calendar import HOLIDAY_NAMES, HOLIDAYS, age_at
from jiujin.orgs.models import OrgUnit

from .models import Audience, HolidayRule, VisitSettings

T = TypeVar("T")


@dataclass(frozen=True)
class HolidaySpec:
    """A holiday rule as it applies: a HolidayRule row's values, or a built-in default."""

    code: str
    name: str
    calendar: str
    month: int
    day: int
    audience: str = Audience.ALL
    min_age: int | None = None
    window_days: int = 15
    priority: int = 2
    unit_id: int | None = field(default=None, compare=False)  # who set it; None for a built-in default

    @classmethod
    def from_rule(cls, rule: HolidayRule) -> HolidaySpec:
        return cls(
            code=rule.code,
            name=rule.name,
            calendar=rule.calendar,
            month=rule.month,
            day=rule.day,
            audience=rule.audience,
            min_age=rule.min_age,
            window_days=rule.window_days,
            priority=rule.priority,
            unit_id=rule.org_unit_id,
        )


def _builtin(code: str, audience: str = Audience.ALL, window_days: int = 15) -> HolidaySpec:
    calendar, month, day = HOLIDAYS[code]
    return HolidaySpec(code, HOLIDAY_NAMES[code], calendar, month, day, audience, None, window_days)


DEFAULT_HOLIDAYS: tuple[HolidaySpec, ...] = (
    _builtin("spring_festival"),
    _builtin("double_ninth"),
    _builtin("july_first", Audience.PARTY, window_days=7),
)
# Seeded switched off so a district can switch them on without typing dates.
OPTIONAL_HOLIDAYS: tuple[HolidaySpec, ...] = (
    _builtin("dragon_boat", window_days=7),
    _builtin("mid_autumn", window_days=10),
    _builtin("national_day", window_days=7),
)


@dataclass(frozen=True)
class EffectiveRules:
    holidays: tuple[HolidaySpec, ...]  # enabled ones only
    settings: VisitSettings  # the nearest row, or an unsaved one with the model defaults
    defaults: bool  # True when no holiday rule exists anywhere up the tree


def effective_rules(unit: OrgUnit) -> EffectiveRules:
    codes = unit.chain_codes()
    rules = (
        HolidayRule.objects.filter(org_unit__code__in=codes)
        .annotate(depth=Length("org_unit__path"))
        .order_by("depth", "code")
    )
    by_code: dict[str, HolidayRule] = {}
    for rule in rules:  # shallow first, so the deepest rule for a code wins
        by_code[rule.code] = rule
    settings = (
        VisitSettings.objects.filter(org_unit__code__in=codes)
        .annotate(depth=Length("org_unit__path"))
        .order_by("-depth")
        .first()
    ) or VisitSettings()
    if not by_code:
        return EffectiveRules(DEFAULT_HOLIDAYS, settings, defaults=True)
    holidays = tuple(HolidaySpec.from_rule(r) for r in by_code.values() if r.enabled)
    return EffectiveRules(holidays, settings, defaults=False)


@transaction.atomic
def visit_rules_seed_defaults(*, unit: OrgUnit) -> list[HolidayRule]:
    """Write the default rules (and a settings row) for a unit so they can be edited; existing rows stay."""
    specs = [(s, True) for s in DEFAULT_HOLIDAYS] + [(s, False) for s in OPTIONAL_HOLIDAYS]
    HolidayRule.objects.bulk_create(
        [
            HolidayRule(
                org_unit=unit,
                code=s.code,
                name=s.name,
                calendar=s.calendar,
                month=s.month,
                day=s.day,
                audience=s.audience,
                min_age=s.min_age,
                window_days=s.window_days,
                priority=s.priority,
                enabled=enabled,
            )
            for s, enabled in specs
        ],
        ignore_conflicts=True,
    )
    VisitSettings.objects.get_or_create(org_unit=unit)
    return list(HolidayRule.objects.filter(org_unit=unit).order_by("id"))


# --- The whole tree at once, for set-based generation ---------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Cadres in the subtree at `path` (None: everywhere) except the subtrees that decide for themselves."""

    path: str | None
    excluded: tuple[str, ...] = ()

    def q(self) -> Q:
        q = Q(community__path__startswith=self.path) if self.path else Q()
        for path in self.excluded:
            q &= ~Q(community__path__startswith=path)
        return q


def scopes_q(scopes: list[Scope]) -> Q:
    return reduce(or_, (s.q() for s in scopes))


def _outermost(paths: list[str]) -> tuple[str, ...]:
    # Dropping nested paths keeps the SQL short: excluding a subtree already excludes what is inside it.
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _below(path: str, paths: list[str]) -> list[str]:
    return [p for p in paths if p != path and p.startswith(path)]


def holiday_scopes() -> list[tuple[HolidaySpec, list[Scope]]]:
    """Every enabled holiday rule with the cadres it covers; equal rules set in several places are merged."""
    rules = list(HolidayRule.objects.select_related("org_unit"))
    paths_by_code: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        paths_by_code[rule.code].append(rule.org_unit.path)
    found = [
        (
            HolidaySpec.from_rule(r),
            Scope(r.org_unit.path, _outermost(_below(r.org_unit.path, paths_by_code[r.code]))),
        )
        for r in rules
        if r.enabled
    ]
    deciding = _outermost([r.org_unit.path for r in rules])
    found += [(spec, Scope(None, deciding)) for spec in DEFAULT_HOLIDAYS]
    return _group(found, key=lambda spec: spec)  # unit_id is left out of equality


def settings_scopes() -> list[tuple[VisitSettings, list[Scope]]]:
    """Every birthday settings row with the cadres it covers, plus the defaults for the rest of the tree."""
    rows = list(VisitSettings.objects.select_related("org_unit"))
    paths = [s.org_unit.path for s in rows]
    found = [(s, Scope(s.org_unit.path, _outermost(_below(s.org_unit.path, paths)))) for s in rows]
    found.append((VisitSettings(), Scope(None, _outermost(paths))))
    return _group(found, key=birthday_key)


def birthday_key(settings: VisitSettings) -> tuple:
    return (
        settings.birthday_window_days,
        milestone_ages(settings),
        settings.every_year_after,
        settings.nominal_age,
        settings.milestone_gift,
    )


def _group(found: list[tuple[T, Scope]], key: Callable[[T], object]) -> list[tuple[T, list[Scope]]]:
    groups: dict[object, tuple[T, list[Scope]]] = {}
    for item, scope in found:
        groups.setdefault(key(item), (item, []))[1].append(scope)
    return list(groups.values())


def milestone_ages(settings: VisitSettings) -> tuple[int, ...]:
    """ "70,75，80" → (70, 75, 80); anything unreadable is skipped rather than failing the whole run."""
    text = settings.milestones.replace("，", ",").replace("、", ",")
    return tuple(sorted({int(p) for p in text.split(",") if p.strip().isdigit()}))


# --- Audiences -------------------------------------------------------------------------------------------


def audience_q(audience: str, *, min_age: int | None, on: date) -> Q:
    """The cadres a holiday rule is for; `aged` counts 周岁 on the holiday."""
    if audience == Audience.AGED:
        return Q(birth_date__lte=latest_birth(min_age or 0, on, lambda b: age_at(b, on)))
    if audience == Audience.PARTY:
        # Asked each run, not at import: the branches app (when installed) registers its members OR the
        # cadres whose 中共党员 box is ticked, so an installation without branches entered keeps its 七一 visits.
        return party_members_q()
    return AUDIENCES[audience]


AUDIENCES: dict[str, Q] = {
    Audience.ALL: Q(),
    Audience.LIXIU: Q(category=Category.LIXIU),
    Audience.CHU_UP: Q(rank__in=[Rank.TING, Rank.CHU]),
    Audience.ALONE: Q(living_arrangement__in=[LivingArrangement.ALONE, LivingArrangement.EMPTY_NEST]),
    Audience.POOR_HEALTH: Q(health_status__in=[HealthStatus.POOR, HealthStatus.DISABLED]),
}


def latest_birth(age: int, on: date, age_fn: Callable[[date], int]) -> date:
    """The latest birth date that is `age` or older on `on`, by binary search over days.

    Ages are computed by the calendar engine (周岁 or 虚岁), so SQL range filters agree with it exactly;
    `age_fn` must not increase with the birth date.
    """
    lo = date(on.year - age - 2, 1, 1).toordinal()  # old enough
    hi = min(date(on.year - age + 2, 12, 31), on).toordinal()  # too young (or born on the day)
    if age_fn(date.fromordinal(hi)) >= age:
        return date.fromordinal(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if age_fn(date.fromordinal(mid)) >= age:
            lo = mid
        else:
            hi = mid
    return date.fromordinal(lo)
