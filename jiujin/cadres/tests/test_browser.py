"""A community worker on a phone: log in, find 张德明 by initials, fix his mobile number.

Run: `.venv/bin/pytest jiujin/cadres/tests/test_browser.py -m browser` (Debian Chromium, Playwright sync API).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Cadre
from jiujin.conftest import PASSWORD, screenshot

MOBILE = re.compile(r"^手机")  # not 座机, nor the family contacts' 电话

pytestmark = pytest.mark.browser


@pytest.fixture
def page(phone: Any) -> Any:
    return phone


def test_a_worker_finds_a_cadre_and_fixes_his_phone_on_a_phone(
    live_server: Any, transactional_db: Any, cast: Any, cadre_a: Cadre, page: Any
) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(f"{live_server.url}/accounts/login/?next=/cadres/")  # login itself lands on the home page
    page.get_by_label("用户名").fill(cast.community_a.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/cadres/$"))

    # Live search: typing is enough, htmx swaps the results and pushes the URL.
    page.get_by_role("searchbox").fill("zdm")
    expect(page).to_have_url(re.compile(r"q=zdm"))
    expect(page.locator("#results")).to_contain_text("共 1 人")
    link = page.locator("#results").get_by_role("link", name="张德明")
    expect(link).to_be_visible()
    screenshot(page, "list-375")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张德明")
    expect(page.get_by_text("① 住址和联系方式")).to_be_visible()
    screenshot(page, "detail-375")

    page.get_by_role("link", name="编辑").click()
    page.get_by_label(MOBILE).fill("1234")
    page.get_by_role("button", name="保存").click()
    error = page.locator(".field.has-error", has=page.get_by_label(MOBILE)).locator(".errorlist")
    expect(error).to_contain_text("手机号应为11位")
    error.scroll_into_view_if_needed()
    screenshot(page, "edit-error-375", full_page=False)

    page.get_by_label(MOBILE).fill("13912345678")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.get_by_text("13912345678")).to_be_visible()

    cadre_a.refresh_from_db()
    assert cadre_a.phone_mobile == "13912345678"
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.UPDATE).count() == 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
