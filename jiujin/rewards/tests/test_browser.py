"""The district sets last year's pool on a phone, allocates it and sees the table; the pages fit the screen
(screenshots at 375 and 1366 px for people to look at)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.rewards.models import Allocation

from .helpers import make_assessment

pytestmark = pytest.mark.browser


def test_it_allocates_the_pool_on_a_phone(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, phone: Any
) -> None:
    url = live_server.url
    assessment = make_assessment(tree, ["962.5", "931", "905", "780"])
    path = f"/rewards/assessments/{assessment.pk}/"
    phone.goto(f"{url}/accounts/login/?next={path}")
    phone.fill("input[name=username]", cast.district.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}{path}")
    assert fits_phone(phone)
    screenshot(phone, "rewards-pool-form-375")
    phone.fill("input[name=amount]", "200000")
    phone.get_by_role("button", name="保存并分配").click()
    phone.wait_for_url(re.compile(rf"{path}$"))
    assert Allocation.objects.count() == 4
    assert phone.get_by_text("已保存设置并重新分配资金").is_visible()
    for page_path, name in [(path, "rewards-pool"), ("/rewards/", "rewards-index")]:
        phone.set_viewport_size({"width": 375, "height": 812})
        phone.goto(f"{url}{page_path}")
        assert fits_phone(phone), page_path
        screenshot(phone, f"{name}-375")
        phone.set_viewport_size({"width": 1366, "height": 900})
        screenshot(phone, f"{name}-1366")
    assert phone.problems == []
