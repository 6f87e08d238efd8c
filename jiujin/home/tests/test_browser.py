"""On a 375 px phone a worker logs in, lands on today and records a visit from it; a district user at
1366 px and at 375 px sees the units side by side without sideways scrolling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.tasks.models import TaskStatus
from jiujin.visits.tests.helpers import NOW, TODAY, make_task

pytestmark = pytest.mark.browser


def _login(phone: Any, url: str, username: str) -> None:
    phone.goto(f"{url}/accounts/login/")
    phone.fill("input[name=username]", username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/")


def test_it_records_a_visit_straight_from_today(
    live_server: Any, transactional_db: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        overdue = make_task(cadre_a, TODAY - timedelta(days=2), title="住院探视")
        _login(phone, live_server.url, cast.community_a.username)
        panel = phone.locator("section.visits-due")
        assert "住院探视" in panel.inner_text() and cadre_a.address in panel.inner_text()
        assert fits_phone(phone)
        screenshot(phone, "home-worker-375")

        panel.get_by_role("link", name="记录走访").click()
        form = phone.locator("form.record-form")
        form.wait_for()
        form.locator("textarea[name=findings]").fill("已出院，在家休养")
        form.get_by_role("button", name="保存走访记录").click()
        notice = phone.locator("li.notice")
        notice.wait_for()
        assert "已记录走访" in notice.inner_text()
        assert phone.problems == []
        overdue.refresh_from_db()
        assert overdue.status == TaskStatus.DONE


def test_it_shows_a_district_its_units_at_both_widths(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, phone: Any
) -> None:
    CadreFactory.create_batch(3, community=tree.community_a)
    _login(phone, live_server.url, cast.district.username)
    table = phone.locator("table.home-units")
    assert "东湖街道" in table.inner_text()
    assert fits_phone(phone)
    screenshot(phone, "home-district-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    phone.reload()
    assert table.locator("thead").is_visible()
    screenshot(phone, "home-district-1366")
    table.get_by_role("link", name="东湖街道").click()
    phone.wait_for_url(f"{live_server.url}/?unit={tree.street.code}")
    assert "社区A" in phone.locator("table.home-units").inner_text()
    assert phone.problems == []
