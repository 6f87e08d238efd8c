"""A community worker on a 375 px phone opens the pilot board, uploads a photo to a step and marks it done;
screenshots of the board and the pilot page at 375 and 1366 px go to var/screenshots/pilot-*.png."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiujin.audit.services import Actor
from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.pilots.services import pilot_evidence_add, pilot_member_add, pilot_step_mark_done

from .helpers import make_pilot, png_bytes, png_upload

pytestmark = pytest.mark.browser


@pytest.fixture
def frozen() -> None:
    """The browser runs on the real clock (a frozen one stalls Playwright's timeouts)."""


def test_it_uploads_evidence_and_marks_a_step_done_on_a_phone(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, phone: Any, tmp_path: Any
) -> None:
    url = live_server.url
    today = timezone.localdate()
    pilot = make_pilot(cast.district, tree.community_a, year=today.year, name="社区A“四就近”服务试点")
    make_pilot(cast.district, tree.community_b, year=today.year, name="社区B老干部服务试点")
    for step in pilot.steps.all():  # steps 1–4 before today, 5 ten days ago (late), 6–8 ahead
        step.target_date = today + timedelta(days=20 * (step.number - 5) - 10)
        step.save(update_fields=["target_date"])
    actor = Actor(user=cast.community_a)
    for step in pilot.steps.filter(number__lte=3):
        pilot_evidence_add(actor=actor, step=step, kind="photo", files=[png_upload(f"{step.name}现场.png")])
        pilot_step_mark_done(actor=actor, step=step, note=f"{step.name}已完成")
    for position, name, role in (("leader", "李明", "社区书记"), ("deputy", "王强", "街道分管领导"),
                                 ("member", "赵芳", "卫生服务站站长")):  # fmt: skip
        pilot_member_add(
            actor=Actor(user=cast.district), pilot=pilot,
            data={"position": position, "name": name, "role": role, "unit_position": f"{role}", "phone": "13907130001"},
        )  # fmt: skip
    _login(phone, url, cast.community_a, "/pilots/")
    assert fits_phone(phone)
    screenshot(phone, "pilot-board-375")
    phone.click(f"a[href='/pilots/{pilot.pk}/']")
    phone.wait_for_url(f"{url}/pilots/{pilot.pk}/")
    step4 = phone.locator("#step-4")
    step4.locator("summary", has_text="上传佐证材料").click()
    photo = tmp_path / "构建网络.png"
    photo.write_bytes(png_bytes("blue"))
    step4.locator("input[type=file]").set_input_files(str(photo))
    step4.get_by_role("button", name="上传").click()
    expect(phone.get_by_text("已上传 1 个文件")).to_be_visible()
    phone.locator("#step-4 summary", has_text="标记完成").click()
    phone.locator("#step-4").get_by_role("button", name="标记完成").click()
    expect(phone.get_by_text("第4步 构建网络 已标记完成")).to_be_visible()
    assert pilot.steps.get(number=4).done_date == today
    assert fits_phone(phone)
    screenshot(phone, "pilot-detail-375")
    assert phone.problems == []
    phone.set_viewport_size({"width": 1366, "height": 900})
    _login(phone, url, cast.city, "/pilots/")
    expect(phone.get_by_text("各区县试点进度")).to_be_visible()
    screenshot(phone, "pilot-board-city-1366")
    phone.click(f"a[href='?unit={tree.district.code}']")
    expect(phone.locator("h1")).to_contain_text(tree.district.name)
    screenshot(phone, "pilot-board-1366")
    _login(phone, url, cast.district, f"/pilots/{pilot.pk}/")
    screenshot(phone, "pilot-detail-1366")


def _login(page: Any, url: str, user: Any, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{next_path}")
