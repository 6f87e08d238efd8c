"""The agenda and the calendar at their limits: a cut agenda says what it leaves out, in a fixed number of
queries; calendar counts are live while the lunar cells are remembered."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from jiujin.tasks import selectors
from jiujin.visits.tests.helpers import NOW, TODAY, make_cadres, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def section(page: str, key: str) -> str:
    match = re.search(rf'<section class="agenda-section {key}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def test_it_counts_every_pending_task_when_the_agenda_is_cut(
    cadre_a: Any, cast: Any, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors, "AGENDA_LIMIT", 3)
    make_task(cadre_a, TODAY - timedelta(days=2))
    make_task(cadre_a, TODAY, assignee=None)  # unassigned: on the community worker's agenda too
    for days in (1, 2):  # Thursday and Friday: this week
        make_task(cadre_a, TODAY + timedelta(days=days))
    for days in range(10, 15):
        make_task(cadre_a, TODAY + timedelta(days=days))
    page = client_for(cast.community_a).get("/visits/").content.decode()
    assert "共 9 项待走访，只列出最早到期的 3 项" in page
    assert 'badge err">1<' in section(page, "overdue") and "列出" not in section(page, "overdue")
    week = section(page, "week")
    assert 'badge">2<' in week and "列出最早的 1 项" in week and week.count('class="button record"') == 1
    later = section(page, "later")
    assert 'badge">5<' in later and "未列出" in later and 'class="button record"' not in later


def test_it_does_not_call_an_agenda_of_exactly_the_limit_cut(
    cadre_a: Any, cast: Any, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(selectors, "AGENDA_LIMIT", 2)
    make_task(cadre_a, TODAY)
    make_task(cadre_a, TODAY + timedelta(days=1))
    page = client_for(cast.community_a).get("/visits/").content.decode()
    assert page.count('class="button record"') == 2 and "只列出" not in page


@pytest.mark.parametrize("n", [3, 30])
def test_it_renders_a_cut_agenda_in_constant_queries(
    n: int, tree: Any, cast: Any, client_for: Any, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    monkeypatch.setattr(selectors, "AGENDA_LIMIT", 2)
    for i, cadre in enumerate(make_cadres(n, tree.community_a, cast.community_a)):
        make_task(cadre, TODAY + timedelta(days=i % 9 - 3), assignee=None if i % 4 == 0 else cast.community_a)
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(8):  # session, user, unit, scope, perms ×2, list, the counts
        page = client.get("/visits/").content.decode()
    assert page.count('class="button record"') == 2 and f"共 {n} 项待走访" in page


def test_it_counts_tasks_added_after_the_month_was_shown(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    url = "/visits/calendar/?month=2026-09"
    assert "项</span>" not in client.get(url).content.decode()
    make_task(cadre_a, TODAY)
    page = client.get(url).content.decode()
    cell = page[page.index('data-date="2026-09-23"') :].split("</td>")[0]
    assert "1项" in cell and "十三" in cell  # 2026-09-23 is 农历八月十三
