"""台账汇总 on a 375 px phone and at 1366 px: screenshots go to var/screenshots/ledgers-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot

from .helpers import fill_ledgers

pytestmark = pytest.mark.browser


@pytest.fixture
def _today() -> None:
    """The browser runs on the real clock (a frozen one stalls Playwright's timeouts)."""


def test_it_shows_the_ledger_counts_on_a_phone_and_a_desktop(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, cadre_a: Any, phone: Any
) -> None:
    fill_ledgers(cast.community_a, tree.community_a, cadre_a)
    url = live_server.url
    phone.goto(f"{url}/accounts/login/?next=/reports/ledgers/")
    phone.fill("input[name=username]", cast.street.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/reports/ledgers/")
    assert "台账汇总" in phone.content()
    assert fits_phone(phone)
    screenshot(phone, "ledgers-375")
    phone.click("a:has-text('社区A')")
    phone.click("a:has-text('本季度')")
    assert "社区A" in phone.inner_text("h1")
    screenshot(phone, "ledgers-community-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    screenshot(phone, "ledgers-community-1366")
