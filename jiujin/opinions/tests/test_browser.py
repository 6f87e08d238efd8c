"""A worker on a 375 px phone records a cadre's opinion from the cadre page, finds it on the board, and the
former work unit's contact answers it on theirs; screenshots at 375 px and 1366 px for people to look at."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.opinions.models import Opinion

from .helpers import give_work_unit, make_contact

pytestmark = pytest.mark.browser


def _login(page: Any, url: str, username: str, target: str, lands: str = "") -> None:
    page.goto(f"{url}/accounts/login/?next={target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{lands or target}")


def test_it_records_an_opinion_and_the_work_unit_answers_it(
    live_server: Any, transactional_db: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    url = live_server.url
    contact = make_contact(give_work_unit(cadre_a))
    _login(phone, url, cast.community_a.username, f"/cadres/{cadre_a.pk}/")
    phone.get_by_role("link", name="记录意见建议").click()
    phone.get_by_label("电话反映").check()
    phone.get_by_label("生活待遇").check()
    phone.fill("textarea[name=content]", "取暖费补贴今年还没有发放，请原单位帮忙查一下")
    phone.get_by_label("原单位").check()
    assert fits_phone(phone)
    screenshot(phone, "opinions-new-375")
    phone.get_by_role("button", name="保存并生成答复任务").click()
    phone.wait_for_url(re.compile(r"/opinions/\d+/$"))
    opinion = Opinion.objects.get()
    assert opinion.route_to == "work_unit"
    screenshot(phone, "opinions-detail-375")
    phone.goto(f"{url}/opinions/")
    assert fits_phone(phone)
    screenshot(phone, "opinions-board-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    screenshot(phone, "opinions-board-1366")
    phone.set_viewport_size({"width": 375, "height": 812})
    phone.context.clear_cookies()

    _login(phone, url, contact.username, "/", lands="/opinions/work-unit/")  # sent on from the home page
    assert fits_phone(phone)
    screenshot(phone, "opinions-work-unit-375")
    phone.get_by_role("link", name=f"#{opinion.pk}").click()
    phone.fill("textarea[name=reply]", "已核实，本月随养老金补发")
    phone.get_by_label("已解决").check()
    phone.get_by_role("button", name="提交答复").click()
    phone.wait_for_url(f"{url}/opinions/{opinion.pk}/")
    screenshot(phone, "opinions-answered-375")
    opinion.refresh_from_db()
    assert (opinion.state, opinion.answered_by) == ("answered", contact)
    assert phone.problems == []
