"""The directory's summary figure (section 基本情况, registered in apps.py): 爱心服务卡制卡 — the contact cards
printed per local day. Printing writes one audit row per card (services.contact_cards_pdf, action 导出, its
detail starting 打印联系卡); a card counts in its cadre's present community."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, OuterRef, QuerySet, Subquery

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.cadres.summary import SECTION, Row, grouped_rows, local_day, local_days
from jiujin.core.registry import SummaryFigure, summary_figure_register

from .services import PRINT_DETAIL


def printed(start: date, end: date) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        local_days("at", start, end), action=AuditAction.EXPORT, detail__startswith=PRINT_DETAIL
    )


def _rows(start: date, end: date) -> Iterator[Row]:
    community = Cadre.objects.filter(pk=OuterRef("cadre_id")).values("community_id")[:1]
    rows = (
        printed(start, end)
        .order_by()
        .values(community_id=Subquery(community), day=local_day("at"))
        .annotate(n=Count("pk"))
    )
    return grouped_rows(r for r in rows if r["community_id"] is not None)


def _cadres(community_ids: list[int], start: date, end: date, key: str) -> CadreQuerySet:
    return Cadre.objects.filter(community_id__in=community_ids, pk__in=printed(start, end).values("cadre_id"))


CARDS_PRINTED = SummaryFigure(
    "cards_printed", "爱心服务卡制卡", SECTION, 19, _rows, unit_label="张", cadres=_cadres
)


def register() -> None:
    summary_figure_register(CARDS_PRINTED)
