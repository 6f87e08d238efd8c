"""The 双高期关爱 summary figures (section 双高期关爱, registered in apps.py; kept by the dashboards app), as of
the last daily computation of the care levels (CadreRisk): the 高风险 and 重点 cadres, those of them contacted
within their level's frequency (selectors.risk_figures, the supervisors' home figure) and all levels."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.cadres.summary import Row, grouped_rows
from jiujin.core.registry import SummaryFigure, summary_figure_register
from jiujin.orgs.models import OrgUnit

from .models import AT_RISK, CadreRisk, Level
from .selectors import contact_late_q, risk_figures

SECTION = "双高期关爱"


def _at_risk_rows(start: date, end: date) -> Iterator[Row]:
    for community_id, (n, _ok) in risk_figures(OrgUnit.objects.communities(), start).items():
        yield community_id, start, "", n


def _on_time_rows(start: date, end: date) -> Iterator[Row]:
    for community_id, (_n, ok) in risk_figures(OrgUnit.objects.communities(), start).items():
        yield community_id, start, "", ok


def _level_rows(start: date, end: date) -> Iterator[Row]:
    grouped = CadreRisk.objects.order_by().values("community_id", key=F("level")).annotate(n=Count("pk"))
    return grouped_rows(grouped, start)


def _contacted_rows(start: date, end: date) -> Iterator[Row]:
    """Per level, the cadres contacted within their level's frequency (the target: 100 % of each level)."""
    late = contact_late_q(OrgUnit.objects.communities(), start)
    grouped = (
        CadreRisk.objects.exclude(late)
        .order_by()
        .values("community_id", key=F("level"))
        .annotate(n=Count("pk"))
    )
    return grouped_rows(grouped, start)


def _placed(community_ids: list[int]) -> QuerySet[CadreRisk]:
    return CadreRisk.objects.filter(community_id__in=community_ids)


def _cadres(risks: QuerySet[CadreRisk]) -> QuerySet[Cadre]:
    return Cadre.objects.filter(pk__in=risks.values("cadre_id"))


def _at_risk_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    return _cadres(_placed(community_ids).filter(level__in=AT_RISK))


def _on_time_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    late = contact_late_q(OrgUnit.objects.filter(pk__in=community_ids), min(end, timezone.localdate()))
    return _cadres(_placed(community_ids).filter(level__in=AT_RISK).exclude(late))


def _contacted_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    late = contact_late_q(OrgUnit.objects.filter(pk__in=community_ids), min(end, timezone.localdate()))
    placed = _placed(community_ids).exclude(late)
    return _cadres(placed.filter(level=int(key)) if key else placed)


def _level_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    placed = _placed(community_ids)
    return _cadres(placed.filter(level=int(key)) if key else placed)


def _levels() -> dict[str, str]:
    return {str(level.value): level.label for level in Level}


FIGURES = [
    SummaryFigure(
        "at_risk",
        "高风险和重点",
        SECTION,
        1,
        _at_risk_rows,
        stock=True,
        unit_label="人",
        cadres=_at_risk_cadres,
    ),
    SummaryFigure(
        "at_risk_contacted_on_time",
        "按时联系",
        SECTION,
        2,
        _on_time_rows,
        stock=True,
        unit_label="人",
        of="at_risk",
        cadres=_on_time_cadres,
    ),
    SummaryFigure(
        "risk_level",
        "按关爱等级",
        SECTION,
        3,
        _level_rows,
        stock=True,
        unit_label="人",
        breakdown=_levels,
        cadres=_level_cadres,
    ),
    # The share of each level contacted within its frequency, as every dashboard shows it (issue 14).
    SummaryFigure(
        "risk_contacted",
        "各等级按时联系",
        SECTION,
        4,
        _contacted_rows,
        stock=True,
        unit_label="人",
        breakdown=_levels,
        of="risk_level",
        cadres=_contacted_cadres,
    ),
]


def register() -> None:
    summary_figure_register(*FIGURES)
