"""A worker on a 375 px phone adds a check-up and a hospital stay with the in-page forms, and picks
campaign attendees by searching."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD, fits_phone
from jiujin.health.models import CheckUp, HealthCampaign, HospitalStay
from jiujin.tasks.models import VisitTask
from jiujin.visits.task_kinds import HOSPITAL

from .conftest import NOW

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _today() -> Any:
    # Overrides the package's frozen clock: the live server needs time to pass.
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def phone(phone: Any, live_server: Any, cast: Any) -> Any:
    """The shared phone, logged in as community A's worker."""
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", cast.community_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    return phone


def test_it_adds_a_checkup_and_a_stay_from_a_phone(
    live_server: Any, transactional_db: Any, cadre_a: Any, phone: Any
) -> None:
    phone.goto(f"{live_server.url}/health/cadres/{cadre_a.pk}/")
    checkups = phone.locator("#health-checkups")
    checkups.get_by_role("link", name="新增体检").click()
    form = checkups.locator("form.health-form")
    form.wait_for()
    assert fits_phone(phone)
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
    assert VisitTask.objects.filter(kind=HOSPITAL.code).count() == 1
    assert fits_phone(phone)
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
    assert fits_phone(phone)
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(f"{live_server.url}/health/")
    campaign = HealthCampaign.objects.get()
    assert {c.name for c in campaign.attendees.all()} == {"张德明", "王秀英"}
    assert campaign.headcount == 2
    assert phone.problems == []
