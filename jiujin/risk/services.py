"""The daily computation of care levels (双高期 风险关爱), one set-based statement over all active cadres.

The rule (in the spirit of civil-affairs care levels for elderly people living alone or at risk):

- 高风险 (weekly contact by default): 失能; or 80 岁以上 and 独居; or 90 岁以上 and 空巢; or a hospital stay or a
  重大家事 in the last 30 days for a cadre 80+ or living alone / empty nest.
- 重点 (monthly): 80 岁以上; or 独居 / 空巢; or health 较差; or a hospital stay or a 重大家事 in the last 90 days;
  or no event attended for six months (183 days, as the events app's "attended nothing").
- 一般 (quarterly): everyone else.

What counts:
- age in completed years on the day (the 80th birthday itself counts; born 29 Feb: 28 Feb in common years);
- a hospital stay: the health app's stay still open or discharged within the window, or the visits app's
  住院 event dated within it (a stay entered without an event, and an event without a stay, both count);
- a bereavement: the visits app's 重大家事 event (a death in the family is registered as one; the cadre's
  own 去世 closes the file instead). Its date also starts the "contact within 1 day" rule (rules.due_q);
- activity: a check-in at an event, read through the registered ContactSource "attendance" (without the
  events app the rule is skipped).

`last_contact` stores the latest contact of any registered kind as computed; the pages read the live ones.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, NullIf

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.models import Cadre, HealthStatus, LivingArrangement
from jiujin.core.registry import contact_sources
from jiujin.health.models import HospitalStay
from jiujin.orgs.models import OrgUnit
from jiujin.visits.models import CadreEvent, EventKind

from .models import CadreRisk, ContactFrequency, Level, Reason

RECENT_DAYS = 30
WINDOW_DAYS = 90
INACTIVE_DAYS = 183
_NEVER = date(1900, 1, 1)  # stands for "no contact" inside Greatest (NULL would win on SQLite)


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _hospital_since(day: date) -> Exists:
    stays = HospitalStay.objects.filter(cadre=OuterRef("pk")).filter(
        Q(discharged_on__isnull=True) | Q(discharged_on__gte=day)
    )
    events = CadreEvent.objects.filter(cadre=OuterRef("pk"), kind=EventKind.HOSPITALISED, date__gte=day)
    return Exists(stays) | Exists(events)  # type: ignore[return-value]


def _family_event_since(day: date) -> Exists:
    return Exists(CadreEvent.objects.filter(cadre=OuterRef("pk"), kind=EventKind.FAMILY_EVENT, date__gte=day))


def conditions(today: date) -> dict[Reason, Q]:
    """Each reason as a condition over Cadre (the active ones)."""
    recent, window = today - timedelta(days=RECENT_DAYS), today - timedelta(days=WINDOW_DAYS)
    out = {
        Reason.AGE_80: Q(birth_date__lte=years_before(today, 80)),
        Reason.AGE_90: Q(birth_date__lte=years_before(today, 90)),
        Reason.ALONE: Q(living_arrangement=LivingArrangement.ALONE),
        Reason.EMPTY_NEST: Q(living_arrangement=LivingArrangement.EMPTY_NEST),
        Reason.POOR_HEALTH: Q(health_status=HealthStatus.POOR),
        Reason.DISABLED: Q(health_status=HealthStatus.DISABLED),
        Reason.HOSPITAL_30: Q(_hospital_since(recent)),
        Reason.HOSPITAL_90: Q(_hospital_since(window)) & ~Q(_hospital_since(recent)),
        Reason.BEREAVED_30: Q(_family_event_since(recent)),
        Reason.BEREAVED_90: Q(_family_event_since(window)) & ~Q(_family_event_since(recent)),
    }
    attendance = next((s for s in contact_sources() if s.name == "attendance"), None)
    if attendance is not None:
        since = today - timedelta(days=INACTIVE_DAYS)
        out[Reason.INACTIVE] = Q(_last_attended__isnull=True) | Q(_last_attended__lt=since)
    return out


def _level(c: dict[Reason, Q]) -> Any:
    old_or_alone = c[Reason.AGE_80] | c[Reason.ALONE] | c[Reason.EMPTY_NEST]
    high = (
        c[Reason.DISABLED]
        | (c[Reason.AGE_80] & c[Reason.ALONE])
        | (c[Reason.AGE_90] & c[Reason.EMPTY_NEST])
        | ((c[Reason.HOSPITAL_30] | c[Reason.BEREAVED_30]) & old_or_alone)
    )
    priority = Q(pk__in=[])
    for reason in (Reason.AGE_80, Reason.ALONE, Reason.EMPTY_NEST, Reason.POOR_HEALTH):
        priority |= c[reason]
    for reason in (Reason.HOSPITAL_30, Reason.HOSPITAL_90, Reason.BEREAVED_30, Reason.BEREAVED_90):
        priority |= c[reason]
    if Reason.INACTIVE in c:
        priority |= c[Reason.INACTIVE]
    return Case(
        When(high, then=Value(int(Level.HIGH))),
        When(priority, then=Value(int(Level.PRIORITY))),
        default=Value(int(Level.GENERAL)),
        output_field=IntegerField(),
    )


def _reasons(c: dict[Reason, Q]) -> Any:
    terms = [
        Case(When(cond, then=Value(int(r))), default=Value(0), output_field=IntegerField())
        for r, cond in c.items()
    ]
    total: Any = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _last_contact() -> Any:
    exprs = [Coalesce(s.last_contact(), Value(_NEVER)) for s in contact_sources()]
    if not exprs:
        return Value(None)
    latest = exprs[0] if len(exprs) == 1 else Greatest(*exprs)
    return NullIf(latest, Value(_NEVER))


def _rows(today: date, unit: OrgUnit | None) -> Any:
    """The SELECT of the upsert: one row per active cadre (of `unit`'s subtree)."""
    qs = Cadre.objects.active()
    if unit is not None:
        qs = qs.filter(community__path__startswith=unit.path)
    attendance = next((s for s in contact_sources() if s.name == "attendance"), None)
    if attendance is not None:
        qs = qs.alias(_last_attended=attendance.last_contact())
    c = conditions(today)
    window = today - timedelta(days=WINDOW_DAYS)
    family = CadreEvent.objects.filter(cadre=OuterRef("pk"), kind=EventKind.FAMILY_EVENT, date__gte=window)
    return qs.order_by().values(
        x_cadre_id=F("pk"),
        x_community_id=F("community_id"),
        x_level=_level(c),
        x_reasons=_reasons(c),
        x_computed_on=Value(today),
        x_last_contact=_last_contact(),
        x_family_event_on=Subquery(family.values("cadre").annotate(d=Max("date")).values("d")[:1]),
    )


@transaction.atomic
def risk_recompute(*, today: date, unit: OrgUnit | None = None) -> int:
    """Place every active cadre (of `unit`'s subtree, else all) in a care level: one INSERT … SELECT … ON
    CONFLICT DO UPDATE, then one DELETE of the rows of cadres no longer active. Idempotent. Returns the
    number of cadres placed."""
    rows = _rows(today, unit)
    sql, params = rows.query.sql_with_params()
    columns = [name.removeprefix("x_") for name in rows.query.annotation_select]
    updates = ", ".join(f"{col} = excluded.{col}" for col in columns if col != "cadre_id")
    table = CadreRisk._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) {sql} ON CONFLICT (cadre_id) DO UPDATE SET {updates}",
            params,
        )
        placed = cursor.rowcount
    active = Cadre.objects.active().filter(pk=OuterRef("cadre_id"))
    stale = CadreRisk.objects.filter(~Exists(active))
    if unit is not None:
        stale = stale.filter(community__path__startswith=unit.path)
    stale.delete()
    return placed


def daily_job(today: date, through: date | None = None) -> str:
    """The loop's step: recompute all care levels and report the spread."""
    risk_recompute(today=today)
    counts = dict(CadreRisk.objects.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    spread = "，".join(f"{label} {counts.get(level, 0)} 人" for level, label in Level.choices)
    return f"风险关爱：{spread}"


@transaction.atomic
def contact_frequency_set(*, actor: Actor, unit: OrgUnit, days: dict[str, int] | None, today: date) -> None:
    """Set a unit's contact frequencies (None: inherit again), audited, and recompute its cadres so the
    stored due days follow at once."""
    before = ContactFrequency.objects.filter(org_unit=unit).values(*FREQUENCY_FIELDS).first()
    if days is None:
        ContactFrequency.objects.filter(org_unit=unit).delete()
    else:
        ContactFrequency.objects.update_or_create(org_unit=unit, defaults=days)
    if before != days:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            subject_type="risk.contactfrequency",
            subject_id=unit.code,
            detail=f"设置{unit.name}关爱联系周期：{_describe(days)}",
            changes={"days": [before, days]},
        )
    risk_recompute(today=today, unit=unit)


FREQUENCY_FIELDS = ("high_days", "priority_days", "general_days", "event_days")


def _describe(days: dict[str, int] | None) -> str:
    if days is None:
        return "沿用上级"
    return (
        "高风险{high_days}天、重点{priority_days}天、一般{general_days}天、重大家事后{event_days}天".format(
            **days
        )
    )
