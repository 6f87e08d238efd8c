"""The 一助一 summary figures (section 一助一, registered in apps.py; kept by the dashboards app), with the
assessment's coverage rule (selectors.pairing_targets, paired_on): the pairings current today, the cadres who
need a pair and those who have one, and the volunteers' contacts by day. Each is one GROUP BY."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from jiujin.cadres.models import Cadre
from jiujin.cadres.summary import Row, grouped_rows
from jiujin.core.registry import SummaryFigure, summary_figure_register

from .models import ContactForm, ContactLog, Pairing
from .selectors import paired_on, pairing_current_q, pairing_targets

SECTION = "一助一"


def _day(end: date) -> date:
    """The day a stock's cadres stand on: the period's end, today for a period not over yet."""
    return min(end, timezone.localdate())


def _pairings(today: date) -> QuerySet[Pairing]:
    """The pairings current today of cadres on file."""
    return Pairing.objects.filter(pairing_current_q(today), cadre__in=Cadre.objects.active().values("pk"))


def _pairing_rows(start: date, end: date) -> Iterator[Row]:
    grouped = _pairings(start).order_by().values(unit=F("cadre__community_id")).annotate(n=Count("pk"))
    return grouped_rows(grouped, start, community="unit")


def _pairing_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    return Cadre.objects.filter(
        community_id__in=community_ids, pk__in=_pairings(_day(end)).values("cadre_id")
    )


def _target_rows(start: date, end: date) -> Iterator[Row]:
    grouped = pairing_targets().order_by().values("community_id").annotate(n=Count("pk"))
    return grouped_rows(grouped, start)


def _target_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    return pairing_targets().filter(community_id__in=community_ids)


def _covered_rows(start: date, end: date) -> Iterator[Row]:
    grouped = (
        pairing_targets()
        .order_by()
        .annotate(paired=paired_on(start))
        .filter(paired=True)
        .values("community_id")
        .annotate(n=Count("pk"))
    )
    return grouped_rows(grouped, start)


def _covered_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    return _target_cadres(community_ids, start, end, key).filter(paired_on(_day(end)))


def _contacts(start: date, end: date) -> QuerySet[ContactLog]:
    return ContactLog.objects.filter(on__range=(start, end)).order_by()


def _contact_rows(start: date, end: date) -> Iterator[Row]:
    grouped = (
        _contacts(start, end)
        .values(unit=F("pairing__cadre__community_id"), day=F("on"), key=F("form"))
        .annotate(n=Count("pk"))
    )
    return grouped_rows(grouped, community="unit")


def _contact_cadres(community_ids: list[int], start: date, end: date, key: str) -> QuerySet[Cadre]:
    contacts = _contacts(start, end).filter(Q(form=key) if key else Q())
    return Cadre.objects.filter(community_id__in=community_ids, pk__in=contacts.values("pairing__cadre_id"))


FIGURES = [
    SummaryFigure(
        "pairings", "结对", SECTION, 40, _pairing_rows, stock=True, unit_label="对", cadres=_pairing_cadres
    ),
    SummaryFigure(
        "pairing_targets",
        "独居空巢老干部",
        SECTION,
        41,
        _target_rows,
        stock=True,
        unit_label="人",
        cadres=_target_cadres,
    ),
    SummaryFigure(
        "pairing_covered",
        "已结对",
        SECTION,
        42,
        _covered_rows,
        stock=True,
        unit_label="人",
        of="pairing_targets",
        cadres=_covered_cadres,
    ),
    SummaryFigure(
        "volunteer_contacts",
        "志愿者联系",
        SECTION,
        43,
        _contact_rows,
        unit_label="次",
        breakdown=lambda: dict(ContactForm.choices),
        cadres=_contact_cadres,
    ),
]


def register() -> None:
    summary_figure_register(*FIGURES)
