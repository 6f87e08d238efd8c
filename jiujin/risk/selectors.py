"""Read side of the risk radar: the radar list, the worker's "本周需要联系", one cadre's level, and the
figures per community (at-risk cadres, and those contacted within their level's frequency)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import Cadre
from jiujin.core.registry import contact_sources
from jiujin.orgs.models import OrgUnit

from .models import AT_RISK, CadreRisk, Level, reason_labels
from .rules import (
    Frequency,
    due_q,
    frequency_groups,
    frequency_map,
    live_annotations,
    stored_not_since,
)

WEEK = 7
HOME_LIMIT = 20
HOME_COUNT_CAP = 999


@dataclass(frozen=True)
class RadarRow:
    cadre: Cadre
    level: int
    level_label: str
    reasons: list[str]
    last_contact: date | None
    last_kind: str
    days_since: int | None  # None: never contacted
    due_on: date


def due_on(risk: CadreRisk, freq: Frequency, last: date | None, today: date) -> date:
    """The day the next contact is due: the level's frequency after the last contact (today if none), or
    sooner when a 重大家事 came after the last contact."""
    due = today if last is None else last + timedelta(days=freq.days(risk.level))
    event = risk.family_event_on
    if event is not None and (last is None or last < event):
        due = min(due, event + timedelta(days=freq.event))
    return due


def scope_ids(user: User, unit: OrgUnit) -> list[int]:
    """The communities of `unit`'s subtree in the user's scope."""
    if unit.is_community and (user.sees_everything or user.org_unit_id == unit.pk):
        return [unit.pk]  # the caller's own community: no query
    below = OrgUnit.objects.for_user(user).filter(path__startswith=unit.path).communities()
    return list(below.values_list("pk", flat=True))


def radar_queryset(
    user: User,
    unit: OrgUnit,
    *,
    level: int | None = None,
    due_by: date | None = None,
    freqs: dict[int, Frequency] | None = None,
) -> QuerySet[CadreRisk]:
    """The placed cadres of `unit` in the user's scope as of the daily computation, 高风险 first (walks the
    index community, level, cadre); with `due_by`, those due for a contact by that day by the stored last
    contact. The pages then read the live contacts of the rows shown (radar_rows): a contact made since
    the morning shows at once there, and leaves the lists with the next computation."""
    ids = scope_ids(user, unit)
    qs = CadreRisk.objects.filter(community_id__in=ids)
    if level:
        qs = qs.filter(level=level)
    if due_by is not None:
        if freqs is None:
            freqs = frequency_map(OrgUnit.objects.filter(pk__in=ids))
        qs = qs.filter(due_q(frequency_groups(freqs), due_by, stored_not_since()))
    return qs.order_by("level", "cadre_id")


def radar_rows(ids: list[int], today: date, freqs: dict[int, Frequency] | None = None) -> list[RadarRow]:
    """Decorate a page of cadres (ids, in order): their live last contact (one query) and due day; cadres not
    placed yet are left out. `freqs`: the frequencies when the caller has them (else one or two queries)."""
    if not ids:
        return []
    sources = contact_sources()
    seen = {
        c.pk: c
        for c in Cadre.objects.filter(pk__in=ids)
        .annotate(**live_annotations())
        .select_related("risk", "community")
    }
    if not any(hasattr(c, "risk") for c in seen.values()):
        return []
    if freqs is None:
        freqs = frequency_map(OrgUnit.objects.filter(pk__in={c.community_id for c in seen.values()}))
    rows = []
    for pk in ids:
        cadre = seen.get(pk)
        if cadre is None or not hasattr(cadre, "risk"):
            continue
        dated = [(d, s.label) for s in sources if (d := getattr(cadre, f"last_{s.name}")) is not None]
        last, kind = max(dated, key=lambda pair: pair[0]) if dated else (None, "")
        risk: CadreRisk = cadre.risk  # the reverse one-to-one
        freq = freqs.get(cadre.community_id, Frequency())
        rows.append(
            RadarRow(
                cadre=cadre,
                level=risk.level,
                level_label=risk.get_level_display(),
                reasons=reason_labels(risk.reasons),
                last_contact=last,
                last_kind=kind,
                days_since=(today - last).days if last else None,
                due_on=due_on(risk, freq, last, today),
            )
        )
    return rows


def due_this_week(user: User, today: date, limit: int = HOME_LIMIT) -> tuple[list[RadarRow], int]:
    """The worker's cadres (assigned to them, or to nobody) due for a contact within the next 7 days, 高风险
    first then the longest due; and how many in all (HOME_COUNT_CAP + 1 for more). A fixed number of queries."""
    if user.org_unit is None:
        return [], 0
    by = today + timedelta(days=WEEK - 1)
    freqs = frequency_map(OrgUnit.objects.filter(pk__in=scope_ids(user, user.org_unit)))
    qs = radar_queryset(user, user.org_unit, due_by=by, freqs=freqs)
    if user.role == Role.COMMUNITY:
        qs = qs.filter(Q(cadre__responsible_worker=user) | Q(cadre__responsible_worker__isnull=True))
    ids = list(qs.values_list("cadre_id", flat=True)[:limit])
    # a phone shows "999+": no need to count 90,000; a short list counts itself
    total = len(ids) if len(ids) < limit else qs[: HOME_COUNT_CAP + 1].count()
    rows = radar_rows(ids, today, freqs)
    live = [r for r in rows if r.due_on <= by]  # contacted since the morning: off the list
    live.sort(key=lambda r: (r.level, r.due_on))
    return live, total - (len(rows) - len(live))


def cadre_risk(cadre: Cadre) -> CadreRisk | None:
    return CadreRisk.objects.filter(cadre=cadre).first()


def contact_late_q(units: QuerySet[OrgUnit], today: date) -> Q:
    """Over CadreRisk: due for a contact by today by the stored last contact and the frequencies of these
    communities (one or two queries for the frequencies); its negation is "contacted on time"."""
    return due_q(frequency_groups(frequency_map(units)), today, stored_not_since())


def risk_figures(community_ids: Any, today: date) -> dict[int, tuple[int, int]]:
    """{community id: (at-risk cadres (高风险+重点), those contacted within their level's frequency)} as of the
    last daily computation (its stored last contact), in one grouped query (plus the frequencies).
    `community_ids`: a list, or a queryset of communities (read as a subquery)."""
    units = (
        community_ids if isinstance(community_ids, QuerySet) else OrgUnit.objects.filter(pk__in=community_ids)
    )
    late = contact_late_q(units, today)
    rows = (
        CadreRisk.objects.filter(community_id__in=community_ids, level__in=AT_RISK)
        .values("community_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=~late))
        .order_by()
    )
    return {r["community_id"]: (r["n"], r["ok"]) for r in rows}


def level_counts(user: User, unit: OrgUnit) -> dict[int, int]:
    rows = CadreRisk.objects.filter(community_id__in=scope_ids(user, unit)).values("level")
    counts = {r["level"]: r["n"] for r in rows.annotate(n=Count("pk")).order_by()}
    return {int(level): counts.get(level, 0) for level in Level}
