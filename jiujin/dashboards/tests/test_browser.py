"""The dashboard in a browser: drilling from the city's chart down to a cadre, at 1366 px and on a 375 px phone;
screenshots go to var/screenshots/dashboard-*.png."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot

pytestmark = pytest.mark.browser

START = "/dashboards/?from=2026-01-01&to=2026-12-31"


@pytest.fixture
def _today() -> None:
    """The browser runs on the real clock (a frozen one stalls Playwright's timeouts)."""


def _login(page: Any, url: str, user: Any) -> None:
    page.goto(f"{url}/accounts/login/?next={START.replace('?', '%3F').replace('&', '%26')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboards/**")


def _click_bar(page: Any, index: int) -> None:
    """Click the middle of the chart's bar `index` (ECharts draws on a canvas: ask it where the bar is)."""
    page.wait_for_selector("#dash-chart canvas")
    page.locator("#dash-chart").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """(i) => {
            const chart = echarts.getInstanceByDom(document.getElementById("dash-chart"));
            const value = chart.getOption().series[0].data[i] || 0;
            return chart.convertToPixel({seriesIndex: 0}, [value / 2, i]);
        }""",
        index,
    )
    box = page.locator("#dash-chart").bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)


def _drill(page: Any, url: str, width: int, cadre_pk: int) -> None:
    page.goto(url + START)
    assert "黄冈市" in page.inner_text("h1")
    screenshot(page, f"dashboard-city-{width}")
    _click_bar(page, 0)
    assert "黄州区" in page.inner_text("h1")
    _click_bar(page, 0)
    assert "东湖街道" in page.inner_text("h1")
    screenshot(page, f"dashboard-street-{width}")
    _click_bar(page, 0)
    assert "社区A" in page.inner_text("h1")
    assert [s.strip() for s in page.locator(".dash-crumbs").inner_text().split("›")] == [
        "黄冈市",
        "黄州区",
        "东湖街道",
        "社区A",
    ]
    screenshot(page, f"dashboard-community-{width}")
    if width <= 375:
        assert fits_phone(page)
    page.click("a[aria-label^='已访']")
    assert "已访 · 社区A" in page.inner_text("h1")
    screenshot(page, f"dashboard-list-{width}")
    page.click("a:has-text('张德明')")
    page.wait_for_url(f"**/cadres/{cadre_pk}/")
    assert "张德明" in page.inner_text("h1")


def test_it_drills_from_the_city_chart_to_a_cadre(
    live_server: Any, transactional_db: Any, world: Any, cast: Any, cadre_a: Any, phone: Any
) -> None:
    _login(phone, live_server.url, cast.city)
    phone.set_viewport_size({"width": 1366, "height": 900})
    _drill(phone, live_server.url, 1366, cadre_a.pk)
    phone.set_viewport_size({"width": 375, "height": 812})
    _drill(phone, live_server.url, 375, cadre_a.pk)
    assert sorted(set(phone.problems)) == []


def test_it_starts_a_district_user_at_their_district(
    live_server: Any, transactional_db: Any, world: Any, cast: Any, phone: Any
) -> None:
    _login(phone, live_server.url, cast.district)
    assert "黄州区" in phone.inner_text("h1")
    assert "黄冈市" not in phone.locator("main").inner_text()
    screenshot(phone, "dashboard-district-375")
    assert fits_phone(phone)
    _click_bar(phone, 0)
    assert "东湖街道" in phone.inner_text("h1")
    assert phone.problems == []
