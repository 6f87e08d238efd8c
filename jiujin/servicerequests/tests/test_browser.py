"""A dispatcher on a 375 px phone takes an emergency call, dispatches it to a volunteer typed by name, sees the late arrival in red on the
board, completes it and records the cadre's rating."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F

from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.servicerequests.models import ServiceRequest
from jiujin.volunteers.tests.helpers import make_volunteer

pytestmark = pytest.mark.browser


def test_it_takes_an_emergency_call_through_to_a_late_arrival_and_a_rating(
    live_server: Any, transactional_db: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    url = live_server.url
    volunteer = make_volunteer(cadre_a.community, name="张丽", phone="13812345678")
    phone.goto(f"{url}/accounts/login/?next=/requests/new/")
    phone.fill("input[name=username]", cast.community_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/requests/new/")

    # Intake while on the phone: find the cadre by initials, tap the category and urgency, note the call.
    phone.fill("#sr-cadre-q", "zdm")
    phone.locator(f"input[name=cadre][value='{cadre_a.pk}']").check()
    phone.get_by_label("紧急求助").check()
    phone.get_by_label("紧急", exact=True).check()
    phone.fill("textarea[name=description]", "老人在家摔倒，腿疼不能起身")
    phone.fill("input[name=caller_name]", "王芳")
    phone.fill("input[name=caller_relation]", "女儿")
    assert fits_phone(phone)
    phone.get_by_role("button", name="受理").click()
    phone.wait_for_url(re.compile(r"/requests/\d+/$"))
    request = ServiceRequest.objects.get()
    assert (request.urgency, request.category, request.target_minutes) == ("emergency", "emergency_help", 20)

    # Dispatch from the board: the responsible worker is prefilled; the dispatcher types a volunteer's name
    # instead and taps the suggestion.
    phone.goto(f"{url}/requests/board/")
    card = phone.locator(f"#sr-{request.pk}")
    assert card.get_attribute("data-state") == "received"
    box = card.locator("input[name=assignee]")
    assert box.input_value() == f"{cast.community_a.username}（工作人员）"
    box.fill("")
    box.press_sequentially("张丽")
    option = card.locator(f"[data-pick='volunteer:{volunteer.pk}']")
    option.wait_for()
    assert "138****5678" not in option.inner_text() and "13812345678" in option.inner_text()
    screenshot(phone, "dispatch-by-name-375")
    option.click()
    assert box.input_value() == "张丽（志愿者）"
    assert fits_phone(phone)
    card.get_by_role("button", name="派单").click()
    phone.locator(f"#sr-{request.pk}[data-state=dispatched]").wait_for()
    assert ServiceRequest.objects.get(pk=request.pk).assignee_volunteer == volunteer
    assert "张丽（志愿者）" in card.locator(".sr-where").inner_text()
    screenshot(phone, "board-card-375")

    # 25 minutes pass before the worker arrives (the clock is moved in the database, not in the server).
    ServiceRequest.objects.filter(pk=request.pk).update(
        created_at=F("created_at") - timedelta(minutes=25),
        due_at=F("due_at") - timedelta(minutes=25),
        dispatched_at=F("dispatched_at") - timedelta(minutes=24),
    )
    phone.reload()
    assert "超时" in card.locator(".sr-clock").inner_text()
    card.get_by_role("button", name="已到达").click()
    arrived = phone.locator(f"#sr-{request.pk}[data-state=arrived]")
    arrived.wait_for()
    assert "overdue" in (arrived.get_attribute("class") or "")
    assert "迟到" in arrived.locator(".sr-late").inner_text()
    assert int(arrived.locator(".sr-elapsed").inner_text()) >= 25
    assert phone.locator(".sr-summary").inner_text().count("超时 1 件") == 1

    arrived.get_by_role("button", name="完成").click()
    phone.locator(f"#sr-{request.pk}").wait_for(state="detached")
    assert "已完成" in phone.locator("#board .msg").inner_text()

    # The cadre's rating on the detail page.
    phone.goto(f"{url}/requests/{request.pk}/")
    assert "迟到" in phone.locator(".sr-state").inner_text()
    phone.get_by_label("基本满意").check()
    phone.fill("textarea[name=comment]", "来得晚了点，服务很好")
    assert fits_phone(phone)
    phone.get_by_role("button", name="保存评价").click()
    phone.wait_for_url(f"{url}/requests/{request.pk}/")
    assert "基本满意：来得晚了点，服务很好" in phone.locator(".sr-rating").inner_text()
    assert phone.problems == []

    request.refresh_from_db()
    assert request.state == "completed"
    assert request.satisfaction == "fair"
    assert [e.state for e in request.events.all()] == ["received", "dispatched", "arrived", "completed"]
