"""汇报材料 on a 375 px phone and at 1366 px: screenshots go to var/screenshots/work-report-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot

from .work_helpers import fill_figures, register_figures

pytestmark = pytest.mark.browser


@pytest.fixture
def _today() -> None:
    """The browser runs on the real clock (a frozen one stalls Playwright's timeouts)."""


def test_it_shows_the_report_on_a_phone_and_a_desktop(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, phone: Any, monkeypatch: Any
) -> None:
    fill_figures(register_figures(monkeypatch), tree)
    url = live_server.url
    page = "/reports/work-report/?unit=421102001&from=2026-01-01&to=2026-12-31"
    phone.goto(f"{url}/accounts/login/?next={page.replace('&', '%26')}")
    phone.fill("input[name=username]", cast.street.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}{page}")
    assert "东湖街道关于2026年离退休干部工作情况的汇报" in phone.content()
    assert fits_phone(phone)
    screenshot(phone, "work-report-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    screenshot(phone, "work-report-1366")
