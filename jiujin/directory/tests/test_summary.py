"""爱心服务卡制卡: the cards printed per local day, from the audit rows the printing writes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujin.audit.models import AuditAction
from jiujin.audit.services import audit_record_batch
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.cadres.tests.summary_helpers import behind, query_count, rows_of, stored

from .conftest import actor

TZ = ZoneInfo("Asia/Shanghai")
JUNE = (date(2026, 6, 1), date(2026, 6, 30))

pytestmark = pytest.mark.django_db


def test_it_counts_the_cards_printed_from_the_pages_and_the_api(
    tree: Any, cast: Any, cadre_a: Any, cjk_font: Any, client_for: Any, api_as: Any
) -> None:
    a = tree.community_a.pk
    other = CadreFactory(name="王五", community=tree.community_a)
    with time_machine.travel(datetime(2026, 6, 2, 9, tzinfo=TZ), tick=False):
        client_for(cast.community_a).get(f"/directory/cadres/{cadre_a.pk}/card.pdf")
    with time_machine.travel(datetime(2026, 6, 3, 23, 50, tzinfo=TZ), tick=False):  # 15:50 UTC
        assert (
            client_for(cast.community_a).get(f"/directory/{tree.community_a.code}/cards.pdf").status_code
            == 200
        )
        api_as(cast.community_a).get(f"/cadres/{other.pk}/card.pdf")
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=TZ), tick=False):
        assert rows_of("cards_printed", *JUNE) == {(a, date(2026, 6, 2), ""): 1, (a, date(2026, 6, 3), ""): 3}
        assert behind("cards_printed", [a], date(2026, 6, 2), date(2026, 6, 2)) == {"张德明"}
        assert behind("cards_printed", [a], *JUNE) == {"张德明", "王五"}
        assert behind("cards_printed", [tree.community_b.pk], *JUNE) == set()


def test_it_counts_only_prints_by_the_cadres_present_community(tree: Any, cast: Any) -> None:
    a, b = tree.community_a, tree.community_b
    ca = CadreFactory(name="甲", community=a)
    cb = CadreFactory(name="乙", community=b)
    with time_machine.travel(datetime(2026, 6, 5, 9, tzinfo=TZ), tick=False):
        who = actor(cast.community_a)
        audit_record_batch(
            actor=who,
            action=AuditAction.EXPORT,
            cadre_ids=[ca.pk, cb.pk],
            detail="打印联系卡（东湖街道批量），共 2 张",
        )
        audit_record_batch(
            actor=who, action=AuditAction.EXPORT, cadre_ids=[ca.pk], detail="导出老干部名册"
        )  # not a card
        audit_record_batch(
            actor=who, action=AuditAction.VIEW, cadre_ids=[ca.pk], detail="打印联系卡"
        )  # not a print
    day = date(2026, 6, 5)
    with time_machine.travel(datetime(2026, 6, 15, 10, tzinfo=TZ), tick=False):
        assert rows_of("cards_printed", *JUNE) == {(a.pk, day, ""): 1, (b.pk, day, ""): 1}
        assert query_count("cards_printed", *JUNE) == 1
        figures = stored(tree, date(2026, 6, 15), *JUNE)
    assert [figures[u].get("cards_printed") for u in (a.pk, b.pk, tree.street.pk, tree.city.pk)] == [
        1,
        1,
        2,
        2,
    ]
