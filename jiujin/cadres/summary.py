"""The cadres app's summary figures (section 基本情况, registered in apps.py; kept by the dashboards app).

Stocks count the active cadres (`Cadre.objects.active()`, the roster's rule) as they stand today, each in one
GROUP BY over all communities; flows count the cadres added (local day of `created_at`) and those who died
(`status_date` of a 去世 file) per day. A field's blank choice is counted under the key "none" (未填): the
key "" is the figure's own total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiujin.core.registry import SummaryFigure, summary_figure_register

from .filters import birth_range
from .models import (
    MUST_KNOWS,
    Cadre,
    CadreQuerySet,
    CadreStatus,
    Category,
    HealthStatus,
    LivingArrangement,
    Rank,
)
from .selectors import must_knows_counts

SECTION = "基本情况"
NONE = "none"  # the key of a blank choice
Row = tuple[int, date, str, int]

# (key, label, lowest age, highest age) in 周岁 as of today, as the roster's age filter computes them.
AGE_BANDS = [
    ("u70", "70岁以下", 0, 69),
    ("70", "70–79岁", 70, 79),
    ("80", "80–89岁", 80, 89),
    ("90", "90岁及以上", 90, 200),
]


def local_days(field: str, start: date, end: date) -> Q:
    """A datetime field on a local day in [start, end] (an index range, not a per-row conversion)."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def grouped_rows(
    rows: Iterable[Any], day: date | None = None, key: str = "key", community: str = "community_id"
) -> Iterator[Row]:
    """(community, day, key, n) from grouped rows carrying the community (`community`), `n` and `key` (and
    `day` unless given); with a key, each community-day's total under "" too (a breakdown's own figure)."""
    totals: dict[tuple[int, date], int] = defaultdict(int)
    for row in rows:
        where, when = row[community], day or row["day"]
        if key in row:
            yield where, when, str(row[key] or NONE), row["n"]
        totals[(where, when)] += row["n"]
    for (where, when), n in totals.items():
        yield where, when, "", n


def active_in(community_ids: list[int]) -> CadreQuerySet:
    return Cadre.objects.active().filter(community_id__in=community_ids)


# ---------------------------------------------------------------- stocks


def _active_rows(start: date, end: date) -> Iterator[Row]:
    rows = Cadre.objects.active().order_by().values("community_id").annotate(n=Count("pk"))
    return grouped_rows(rows, start)


def _active_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return active_in(community_ids)


def _by_field(field: str) -> Callable[[date, date], Iterator[Row]]:
    def rows(start: date, end: date) -> Iterator[Row]:
        grouped = (
            Cadre.objects.active().order_by().values("community_id", key=F(field)).annotate(n=Count("pk"))
        )
        return grouped_rows(grouped, start)

    return rows


def _field_cadres(field: str) -> Callable[[list[int], date, date, str], CadreQuerySet]:
    def cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
        qs = active_in(community_ids)
        return qs.filter(**{field: "" if key == NONE else key}) if key else qs

    return cadres


def _choices(choices: list[tuple[str, str]], blank: bool) -> Callable[[], dict[str, str]]:
    return lambda: dict(choices) | ({NONE: "未填"} if blank else {})


def _age_band(today: date) -> Case:
    whens = [
        When(birth_date__range=birth_range(low, high, today), then=Value(key))
        for key, _l, low, high in AGE_BANDS
    ]
    return Case(*whens, default=Value(NONE), output_field=CharField())


def _age_rows(start: date, end: date) -> Iterator[Row]:
    grouped = (
        Cadre.objects.active().order_by().values("community_id", key=_age_band(start)).annotate(n=Count("pk"))
    )
    return grouped_rows(grouped, start)


def _age_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    qs = active_in(community_ids)
    band = next((b for b in AGE_BANDS if b[0] == key), None)
    return qs.born_between(*birth_range(band[2], band[3], min(end, timezone.localdate()))) if band else qs


def _party_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        Cadre.objects.active()
        .filter(is_party_member=True)
        .order_by()
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    return grouped_rows(rows, start)


def _party_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return active_in(community_ids).filter(is_party_member=True)


def _complete_rows(start: date, end: date) -> Iterator[Row]:
    """Cadres knowing all four, and under each must-know the cadres knowing it (their sum over 4 × 老干部 is
    the assessment's 四知掌握率): one GROUP BY, the Metric's own."""
    for row in must_knows_counts(Cadre.objects.active()):
        yield row["community_id"], start, "", row["complete"]
        for key, _label in MUST_KNOWS:
            yield row["community_id"], start, key, row[f"knows_{key}"] or 0


def _complete_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    qs = active_in(community_ids).with_completeness()
    # The knows_* columns are annotated by with_completeness(): a CadreQuerySet cannot carry them.
    return qs.filter(**{f"knows_{key}" if key else "known_count": 1 if key else len(MUST_KNOWS)})


# ---------------------------------------------------------------- flows


def _new_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        Cadre.objects.filter(local_days("created_at", start, end))
        .order_by()
        .values("community_id", day=local_day("created_at"))
        .annotate(n=Count("pk"))
    )
    return grouped_rows(rows)


def _new_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return Cadre.objects.filter(local_days("created_at", start, end), community_id__in=community_ids)


def _deceased(start: date, end: date) -> CadreQuerySet:
    return Cadre.objects.filter(status=CadreStatus.DECEASED, status_date__range=(start, end))


def _deceased_rows(start: date, end: date) -> Iterator[Row]:
    rows = (
        _deceased(start, end).order_by().values("community_id", day=F("status_date")).annotate(n=Count("pk"))
    )
    return grouped_rows(rows)


def _deceased_cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return _deceased(start, end).filter(community_id__in=community_ids)


def _breakdown_figure(
    code: str, label: str, order: int, field: str, choices: Any, blank: bool
) -> SummaryFigure:
    return SummaryFigure(
        code,
        label,
        SECTION,
        order,
        _by_field(field),
        stock=True,
        unit_label="人",
        breakdown=_choices(choices.choices, blank),
        cadres=_field_cadres(field),
    )


FIGURES = [
    SummaryFigure(
        "cadres", "老干部", SECTION, 10, _active_rows, stock=True, unit_label="人", cadres=_active_cadres
    ),
    _breakdown_figure("cadres_category", "按类别", 11, "category", Category, blank=False),
    _breakdown_figure("cadres_rank", "按职级", 12, "rank", Rank, blank=False),
    SummaryFigure(
        "cadres_age",
        "按年龄段",
        SECTION,
        13,
        _age_rows,
        stock=True,
        unit_label="人",
        breakdown=lambda: {key: label for key, label, _low, _high in AGE_BANDS},
        cadres=_age_cadres,
    ),
    _breakdown_figure("cadres_living", "按居住情况", 14, "living_arrangement", LivingArrangement, blank=True),
    _breakdown_figure("cadres_health", "按健康状况", 15, "health_status", HealthStatus, blank=True),
    SummaryFigure(
        "cadres_party",
        "中共党员",
        SECTION,
        16,
        _party_rows,
        stock=True,
        unit_label="人",
        cadres=_party_cadres,
    ),
    SummaryFigure(
        "cadres_complete",
        "四知齐全",
        SECTION,
        17,
        _complete_rows,
        stock=True,
        unit_label="人",
        breakdown=lambda: dict(MUST_KNOWS),
        of="cadres",
        cadres=_complete_cadres,
    ),
    SummaryFigure("cadres_new", "新增", SECTION, 18, _new_rows, unit_label="人", cadres=_new_cadres),
    SummaryFigure(
        "cadres_deceased", "去世", SECTION, 19, _deceased_rows, unit_label="人", cadres=_deceased_cadres
    ),
]


def register() -> None:
    summary_figure_register(*FIGURES)
