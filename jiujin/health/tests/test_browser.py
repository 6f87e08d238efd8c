"""A worker on a 375 px phone adds a check-up and a hospital stay with the in-page forms, and picks
campaign attendees by searching."""

from __future__ import annotations

import os
from typing import Any

import pytest
import time_machine

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD
from jiujin.health.models import CheckUp, HealthCampaign, HospitalStay
from jiujin.visits.models import TaskKind, VisitTask

from .conftest import NOW

# Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _today() -> Any:
    # Overrides the package's frozen clock: the live server needs time to pass.
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def phone(live_server: Any, cast: Any) -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
        page = context.new_page()
        page.problems = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.problems.append(str(error)))  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda msg: "Content Security Policy" in msg.text and page.problems.append(msg.text),  # type: ignore[attr-defined]
        )
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", cast.community_a.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
        browser.close()


def no_sideways_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_it_adds_a_checkup_and_a_stay_from_a_phone(
    live_server: Any, transactional_db: Any, cadre_a: Any, phone: Any
) -> None:
    phone.goto(f"{live_server.url}/health/cadres/{cadre_a.pk}/")
    checkups = phone.locator("#health-checkups")
    checkups.get_by_role("link", name="新增体检").click()
    form = checkups.locator("form.health-form")
    form.wait_for()
    assert no_sideways_scroll(phone)
    form.locator("input[name=place]").fill("东湖卫生服务站")
    form.locator("input[name=systolic]").fill("150")
    form.locator("input[name=diastolic]").fill("95")
    form.get_by_role("button", name="保存").click()
    phone.locator("#health-checkups .msg-success").wait_for()
    assert "150/95" in phone.locator("#health-checkups").inner_text()
    assert CheckUp.objects.get().systolic == 150

    stays = phone.locator("#health-stays")
    stays.get_by_role("link", name="登记住院").click()
    stays.locator("form.health-form").wait_for()
    stays.get_by_role("link", name="取消").click()  # 取消 clears the form without leaving the page
    stays.locator("form.health-form").wait_for(state="detached")
    stays.get_by_role("link", name="登记住院").click()
    stays.locator("input[name=hospital]").fill("黄冈市中心医院")
    stays.get_by_role("button", name="保存").click()
    stays = phone.locator("#health-stays")
    stays.locator(".msg-success").wait_for()
    assert "已生成住院探视任务" in stays.inner_text()
    assert HospitalStay.objects.get().event is not None
    assert VisitTask.objects.filter(kind=TaskKind.HOSPITAL).count() == 1
    assert no_sideways_scroll(phone)
    assert phone.problems == []


def test_it_picks_attendees_by_searching(
    live_server: Any, transactional_db: Any, cadre_a: Any, tree: Any, phone: Any
) -> None:
    CadreFactory(community=tree.community_a, name="王秀英")
    phone.goto(f"{live_server.url}/health/campaigns/new/")
    phone.get_by_label("健康讲座").check()
    phone.locator("input[name=title]").fill("春季健康讲座")
    search = phone.locator("#picker-q")
    search.fill("张德")
    phone.get_by_label("张德明").check()
    search.fill("wxy")
    phone.get_by_label("王秀英").wait_for()
    assert phone.get_by_label("张德明").is_checked()  # kept ticked across searches
    phone.get_by_label("王秀英").check()
    search.press("Enter")  # Enter searches; it must not submit the campaign
    phone.wait_for_load_state("networkidle")  # the search's swap moves the button below it
    assert phone.url.endswith("/health/campaigns/new/")
    assert no_sideways_scroll(phone)
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(f"{live_server.url}/health/")
    campaign = HealthCampaign.objects.get()
    assert {c.name for c in campaign.attendees.all()} == {"张德明", "王秀英"}
    assert campaign.headcount == 2
    assert phone.problems == []
