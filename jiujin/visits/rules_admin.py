"""Changing a unit's visit rules from the 走访规则 pages: its holiday rules and its birthday/event settings
(`rules` reads the rules in effect)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from jiujin.orgs.models import OrgUnit

from .models import HolidayRule, VisitSettings

HOLIDAY_RULE_FIELDS = (
    *("name", "calendar", "month", "day", "audience", "min_age", "window_days", "priority", "enabled"),
)
VISIT_SETTINGS_FIELDS = (
    *("milestones", "every_year_after", "nominal_age", "milestone_gift", "birthday_window_days"),
    *("hospital_days", "family_event_days", "special_days", "condolence_days"),
)


@transaction.atomic
def holiday_rule_save(
    *, unit: OrgUnit, values: Mapping[str, Any], rule: HolidayRule | None = None
) -> HolidayRule:
    """Create a rule at `unit` (same code as an ancestor's = override it below `unit`) or update one of its
    own; the code of an existing rule stays. Tasks already generated keep their dates."""
    if rule is None:
        rule = HolidayRule(org_unit=unit, code=values["code"])
        for name in HOLIDAY_RULE_FIELDS:
            setattr(rule, name, values[name])
        rule.save()
        return rule
    if rule.org_unit_id != unit.pk:
        raise ValueError("a rule is changed only at the unit that set it")
    for name in HOLIDAY_RULE_FIELDS:
        setattr(rule, name, values[name])
    rule.save(update_fields=list(HOLIDAY_RULE_FIELDS))
    return rule


@transaction.atomic
def holiday_rule_delete(*, rule: HolidayRule) -> None:
    """Remove a unit's rule: the ancestor's rule with that code (or the default) applies there again."""
    rule.delete()


@transaction.atomic
def visit_settings_save(*, unit: OrgUnit, values: Mapping[str, Any]) -> VisitSettings:
    """The unit's own birthday/event settings, created on first save (until then an ancestor's apply)."""
    row, created = VisitSettings.objects.select_for_update().get_or_create(
        org_unit=unit, defaults={name: values[name] for name in VISIT_SETTINGS_FIELDS}
    )
    if not created:
        for name in VISIT_SETTINGS_FIELDS:
            setattr(row, name, values[name])
        row.save(update_fields=list(VISIT_SETTINGS_FIELDS))
    return row
