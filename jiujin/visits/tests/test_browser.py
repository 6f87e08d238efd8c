"""A worker on a 375 px phone sees an overdue visit on top, records it, and it leaves the agenda."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from jiujin.conftest import PASSWORD
from jiujin.tasks.models import TaskStatus
from jiujin.visits.task_kinds import HOSPITAL

from .helpers import NOW, TODAY, make_task

pytestmark = pytest.mark.browser


def test_it_records_an_overdue_visit_from_a_phone(
    live_server: Any, transactional_db: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        later = make_task(cadre_a, TODAY + timedelta(days=3), title="中秋慰问")
        overdue = make_task(
            cadre_a, TODAY - timedelta(days=2), title="住院探视", kind=HOSPITAL.code, priority=3
        )

        phone.goto(f"{live_server.url}/accounts/login/?next=/visits/")
        phone.fill("input[name=username]", cast.community_a.username)
        phone.fill("input[name=password]", PASSWORD)
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{live_server.url}/visits/")

        first = phone.locator("li.task").first
        assert first.get_attribute("id") == f"task-{overdue.pk}"
        assert "overdue" in (first.get_attribute("class") or "")
        assert "住院探视" in first.inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling

        first.get_by_role("link", name="记录走访").click()
        form = phone.locator(f"#task-{overdue.pk} form.record-form")
        form.wait_for()
        form.get_by_role("button", name="米面油").click()
        form.get_by_role("button", name="水果").click()
        assert form.locator("input[name=gifts]").input_value() == "米面油、水果"
        form.locator("textarea[name=findings]").fill("已出院，在家休养")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        form.get_by_role("button", name="保存走访记录").click()

        phone.locator(f"#task-{overdue.pk}").wait_for(state="detached")
        assert "已记录走访" in phone.locator("li.notice").inner_text()
        assert phone.locator(f"#task-{later.pk}").is_visible()
        assert phone.problems == []

        overdue.refresh_from_db()
        assert overdue.status == TaskStatus.DONE
        assert overdue.records.get().gifts == "米面油、水果"
