"""A community worker on a 375 px phone sees "本周需要联系" on the home and opens the radar; screenshots at 375
px and 1366 px for people to look at."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.risk.services import risk_recompute

from .helpers import born, cadre, contact, family_event

pytestmark = pytest.mark.browser


def test_it_shows_the_due_cadres_and_the_radar(
    live_server: Any, transactional_db: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    today = timezone.localdate()
    type(cadre_a).objects.filter(pk=cadre_a.pk).update(living_arrangement="alone", birth_date=born(today, 86))
    for n, fields in enumerate(
        [{"health_status": "disabled"}, {"health_status": "poor"}, {"living_arrangement": "empty_nest"}, {}]
    ):
        c = cadre(cast.community_a.org_unit, cast.community_a, name=f"王{'一二三四'[n]}", **fields)
        contact(c, today - timedelta(days=[3, 27, 40, 5][n]))
    bereaved = cadre(cast.community_a.org_unit, cast.community_a, name="刘五")
    contact(bereaved, today - timedelta(days=8))
    family_event(bereaved, today - timedelta(days=1))
    risk_recompute(today=today)

    url = live_server.url
    phone.goto(f"{url}/accounts/login/?next=/")
    phone.fill("input[name=username]", cast.community_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/")
    panel = phone.locator("section.risk-due")
    assert "张德明" in panel.inner_text() and "刘五" in panel.inner_text()
    assert fits_phone(phone)
    panel.screenshot(path=str(screenshot(phone, "risk-home-375", full_page=False)))
    phone.goto(f"{url}/risk/")
    assert "高风险" in phone.content()
    assert fits_phone(phone)
    screenshot(phone, "risk-radar-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    screenshot(phone, "risk-radar-1366")
    phone.goto(f"{url}/")
    phone.locator("section.risk-due").screenshot(
        path=str(screenshot(phone, "risk-home-1366", full_page=False))
    )
    assert phone.problems == []
