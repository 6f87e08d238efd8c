"""The 四知 table and the list agree, or the table says how old it is (统计于 HH:MM) and counts again on 刷新."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from jiujin.cadres.tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

LIST = reverse("cadres:list")
COMPLETENESS = reverse("cadres:completeness")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def listed_total(client: Any) -> int:
    return client.get(LIST).context["page"].paginator.count


def table_total(response: Any) -> int:
    return sum(row["total"] for row in response.context["summary"])


def test_it_says_when_the_table_was_counted_and_counts_again_on_refresh(
    cast: Any, tree: Any, client_for: Any, cadre_a: Any
) -> None:
    cache.clear()
    client = client_for(cast.community_a)
    with time_machine.travel(datetime(2026, 3, 2, 9, 5, tzinfo=SHANGHAI), tick=False):
        first = client.get(COMPLETENESS)
        assert table_total(first) == listed_total(client) == 1
    with time_machine.travel(datetime(2026, 3, 2, 9, 7, tzinfo=SHANGHAI), tick=False):
        CadreFactory(community=tree.community_a)  # a change within the cache's few minutes
        assert listed_total(client) == 2
        stale = client.get(COMPLETENESS)
        assert table_total(stale) == 1
        assert "统计于 09:05" in stale.content.decode()  # the difference is explained, not silent
        assert "?refresh=1" in stale.content.decode()
        fresh = client.get(COMPLETENESS, {"refresh": "1"})
        assert table_total(fresh) == listed_total(client) == 2
        assert "统计于 09:07" in fresh.content.decode()
        # The refreshed count is what the next reader of the same scope gets.
        assert table_total(client.get(COMPLETENESS)) == 2
