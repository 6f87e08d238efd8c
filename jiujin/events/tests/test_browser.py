"""A community worker on a 375 px phone opens the event list, ticks a cadre on the check-in page and sees the
count rise; screenshots of the list, detail and check-in pages at 375 and 1366 px go to var/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from jiujin.audit.services import Actor
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.events.models import Attendance
from jiujin.events.services import event_sign_up

from .helpers import make_event

pytestmark = pytest.mark.browser


def test_it_checks_a_cadre_in_by_ticking_the_list(
    live_server: Any, transactional_db: Any, tree: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    url = live_server.url
    event = make_event(
        cast.community_a, tree.community_a, capacity=30, title="健康讲座：冬季防跌倒", kind="health"
    )
    make_event(cast.street, tree.street, title="街道党校社区课堂：党史故事", kind="party_class")
    actor = Actor(user=cast.community_a)
    event_sign_up(actor=actor, event=event, cadre=cadre_a)
    for cadre in CadreFactory.create_batch(5, community=tree.community_a):
        event_sign_up(actor=actor, event=event, cadre=cadre)
    phone.goto(f"{url}/accounts/login/?next=/events/")
    phone.fill("input[name=username]", cast.community_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/events/")
    assert fits_phone(phone)
    screenshot(phone, "events-list-375")
    phone.goto(f"{url}/events/{event.pk}/")
    assert fits_phone(phone)
    screenshot(phone, "events-detail-375")
    phone.goto(f"{url}/events/{event.pk}/check-in/")
    expect(phone.locator("#attended-count")).to_have_text("0")
    phone.locator(f"input[name=cadre][value='{cadre_a.pk}'] ~ button").click()
    expect(phone.locator("#attended-count")).to_have_text("1")
    phone.locator(f"input[name=cadre][value='{cadre_a.pk}'] ~ button").click()
    expect(phone.get_by_text("已签到过，不重复计数")).to_be_visible()
    expect(phone.locator("#attended-count")).to_have_text("1")
    assert Attendance.objects.count() == 1
    assert fits_phone(phone)
    screenshot(phone, "events-check-in-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    for name, path in (
        ("list", "/events/"),
        ("check-in", f"/events/{event.pk}/check-in/"),
        ("month", "/events/month/"),
    ):
        phone.goto(f"{url}{path}")
        screenshot(phone, f"events-{name}-1366")
    assert phone.problems == []
