"""The 发挥作用 figures the summary tables keep (registry `SummaryFigure`, see dashboards).

Logged contributions count for the community that logged them (`Contribution.org_unit`, the unit of the
app's own totals, kept if the cadre moves), by their date, as the totals page adds them up:
- `service_minutes` 志愿服务（分钟）: the hours logged (one decimal, so whole minutes exactly), by kind;
- `donations_fen` 捐款（分）: the donations' amounts in 分 (two decimals, so exact);
- `suggestions` 献计献策: the pieces of advice logged.
- `talents` 银发人才库 (stock): the cadres with a current entry in the pool (as the pool's page lists it), by
  their community today, with a breakdown of the entries per field (a cadre may sit in two fields).
- `stories` 先进典型: stories by their date, for their unit when it is a community, else (a street's story)
  for the community of the cadre it tells of; a street's story of a team only counts for no community.
The cadres behind each number are the cadres who contributed, sit in the pool or are told of.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When

from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.core.registry import SummaryFigure, summary_figure_register
from jiujin.orgs.models import OrgLevel

from .models import Contribution, Kind, Story, TalentEntry, TalentField

Row = tuple[int, date, str, int]
SECTION = "发挥作用"
HOURS = Q(hours__isnull=False)
DONATIONS = Q(kind=Kind.DONATION)
ADVICE = Q(kind=Kind.ADVICE)


def _logged(start: date, end: date, which: Q) -> QuerySet[Contribution]:
    return Contribution.objects.filter(which, date__range=(start, end))


def _logged_by(which: Q, community_ids: list[int], start: date, end: date, key: str = "") -> CadreQuerySet:
    qs = _logged(start, end, which).filter(org_unit_id__in=community_ids)
    return Cadre.objects.filter(pk__in=(qs.filter(kind=key) if key else qs).values("cadre_id"))


def _kinds() -> dict[str, str]:
    return {k: label for k, label in Kind.choices if k != Kind.DONATION}


def service_rows(start: date, end: date) -> Iterator[Row]:
    """Minutes per community, day and kind; the figure's own row is the engine's sum of the kinds' rows."""
    rows = (
        _logged(start, end, HOURS)
        .values_list("org_unit_id", "date", "kind")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for community_id, day, kind, hours in rows:
        minutes = round(hours * 60)
        yield community_id, day, kind, minutes
        yield community_id, day, "", minutes


def service_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _logged_by(HOURS, community_ids, start, end, key)


def donations_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        _logged(start, end, DONATIONS)
        .values_list("org_unit_id", "date")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    for community_id, day, amount in rows:
        yield community_id, day, "", round(amount * 100)


def donations_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _logged_by(DONATIONS, community_ids, start, end)


def suggestions_rows(start: date, end: date) -> Iterator[Row]:
    rows = _logged(start, end, ADVICE).values_list("org_unit_id", "date").annotate(n=Count("pk")).order_by()
    for community_id, day, n in rows:
        yield community_id, day, "", n


def suggestions_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _logged_by(ADVICE, community_ids, start, end)


def _fields() -> dict[str, str]:
    return dict(TalentField.choices)


def talents_rows(start: date, end: date) -> Iterator[Row]:
    """Today's pool (start = end = today): people per community, and entries per field."""
    pool = TalentEntry.objects.current().order_by()
    people = pool.values_list("cadre__community_id").annotate(n=Count("cadre_id", distinct=True))
    for community_id, n in people:
        yield community_id, end, "", n
    for community_id, field, n in pool.values_list("cadre__community_id", "field").annotate(n=Count("pk")):
        yield community_id, end, field, n


def talents_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    pool = TalentEntry.objects.current().filter(cadre__community_id__in=community_ids)
    return Cadre.objects.filter(pk__in=(pool.filter(field=key) if key else pool).values("cadre_id"))


def _story_community() -> Case:
    return Case(
        When(org_unit__level=OrgLevel.COMMUNITY, then=F("org_unit_id")), default=F("cadre__community_id")
    )


def stories_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        Story.objects.filter(date__range=(start, end))
        .annotate(community=_story_community())
        .values_list("community", "date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for community_id, day, n in rows:
        if community_id is not None:
            yield community_id, day, "", n


def stories_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    told = (
        Story.objects.filter(date__range=(start, end), cadre__isnull=False)
        .annotate(community=_story_community())
        .filter(community__in=community_ids)
    )
    return Cadre.objects.filter(pk__in=told.values("cadre_id"))


def register() -> None:
    summary_figure_register(
        SummaryFigure(
            "talents",
            "银发人才库",
            SECTION,
            70,
            talents_rows,
            stock=True,
            unit_label="人",
            breakdown=_fields,
            cadres=talents_cadres,
        ),
        SummaryFigure(
            "service_minutes",
            "志愿服务（分钟）",
            SECTION,
            71,
            service_rows,
            unit_label="分钟",
            breakdown=_kinds,
            cadres=service_cadres,
        ),
        SummaryFigure(
            "donations_fen",
            "捐款（分）",
            SECTION,
            72,
            donations_rows,
            unit_label="分",
            cadres=donations_cadres,
        ),
        SummaryFigure(
            "suggestions",
            "献计献策",
            SECTION,
            73,
            suggestions_rows,
            unit_label="条",
            cadres=suggestions_cadres,
        ),
        SummaryFigure(
            "stories", "先进典型", SECTION, 74, stories_rows, unit_label="篇", cadres=stories_cadres
        ),
    )
