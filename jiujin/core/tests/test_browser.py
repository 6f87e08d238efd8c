"""The shared page furniture in Debian's Chromium at 375 px and 1366 px: the intake form's choice boxes hold their
labels on one line (紧急 visible and red), the phone menu opens with every entry inside the screen, and a page of
30 cadres stays short on a phone. Screenshots go to var/screenshots/ (or $JIUJIN_SHOTS) for people to look at.

Run: `.venv/bin/pytest jiujin/core/tests/test_browser.py -m browser -p no:cacheprovider`.
"""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD, fits_phone, screenshot

PHONE, DESKTOP = {"width": 375, "height": 812}, {"width": 1366, "height": 900}

pytestmark = pytest.mark.browser

# Per chip: the label's box, its text's box and line height, its input's box (page coordinates).
CHIP_BOXES = """(fieldset) => [...fieldset.querySelectorAll("label.choice")].map((label) => {
  const text = label.querySelector(".choice-text"), input = label.querySelector("input");
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {text: text.textContent, label: box(label), span: box(text), input: box(input),
          lineHeight: parseFloat(getComputedStyle(text).lineHeight), color: getComputedStyle(text).color,
          textWidth: text.scrollWidth};
})"""


def _login(page: Any, url: str, username: str, next_url: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{next_url}")


def _inside(inner: list[float], outer: list[float]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(part)) for part in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def _check_intake_chips(page: Any, width: int) -> None:
    for legend, count in (("服务类别", 9), ("紧急程度", 2)):
        fieldset = page.locator("fieldset.choices", has=page.locator("legend", has_text=legend))
        chips = fieldset.evaluate(CHIP_BOXES)
        assert len(chips) == count, legend
        for c in chips:
            assert _inside(c["span"], c["label"]) and _inside(c["input"], c["label"]), (width, c)
            assert c["span"][2] - c["span"][0] >= c["textWidth"] - 0.5, (width, c)  # not squeezed
            assert c["span"][3] - c["span"][1] <= c["lineHeight"] * 1.2, (width, c)  # one line
            assert c["label"][2] <= width and c["label"][3] - c["label"][1] >= 44, (width, c)  # tappable
    urgent = page.locator("label.choice", has=page.locator("input[name=urgency][value=emergency]"))
    assert urgent.is_visible() and urgent.inner_text().strip() == "紧急"
    red, green, blue = _rgb(urgent.locator(".choice-text").evaluate("(el) => getComputedStyle(el).color"))
    assert red > 150 and green < 90 and blue < 90
    urgent.click()  # the whole box is the tap target
    assert page.locator("input[name=urgency][value=emergency]").is_checked()
    red, green, blue = _rgb(urgent.evaluate("(el) => getComputedStyle(el).backgroundColor"))
    assert red > 150 and green < 90 and blue < 90  # picked: a solid red box


def test_it_shows_intake_choices_the_menu_and_a_short_cadre_list_on_a_phone_and_a_desktop(
    live_server: Any, transactional_db: Any, cast: Any, tree: Any, phone: Any
) -> None:
    CadreFactory.create_batch(
        31, community=tree.community_a, responsible_worker=cast.community_a, phone_mobile="13871234567"
    )
    url = live_server.url
    _login(phone, url, cast.community_a.username, "/requests/new/")

    # The intake form at 375 px and at 1366 px.
    _check_intake_chips(phone, 375)
    assert fits_phone(phone)
    screenshot(phone, "intake-375")
    phone.set_viewport_size(DESKTOP)
    phone.reload()
    _check_intake_chips(phone, 1366)
    screenshot(phone, "intake-1366")

    # At 1366 px the whole menu is in the bar, on one line; no menu button. A group drops its links down.
    entries = phone.locator("#site-nav > .nav-item > a, #site-nav summary")
    assert entries.count() >= 5
    assert not phone.locator(".menu-toggle").is_visible()
    tops = set()
    for i in range(entries.count()):
        box = entries.nth(i).bounding_box()
        assert entries.nth(i).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 1366
        tops.add(round(box["y"]))
    assert len(tops) == 1, tops
    group = phone.locator("#site-nav details").first
    group.locator("summary").click()
    for link in group.locator("a").all():
        box = link.bounding_box()
        assert link.is_visible() and box["x"] + box["width"] <= 1366
    phone.locator("h1").click()  # a click elsewhere closes it
    assert not group.locator("a").first.is_visible()

    # At 375 px the menu hides behind its button and opens with every entry inside the screen.
    phone.set_viewport_size(PHONE)
    phone.goto(f"{url}/cadres/")
    toggle = phone.get_by_role("button", name="菜单")
    assert toggle.is_visible() and not entries.first.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    for i in range(entries.count()):
        box = entries.nth(i).bounding_box()
        assert entries.nth(i).is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375, i
        assert box["height"] >= 44
    group.locator("summary").click()
    for link in group.locator("a").all():
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 44
    assert fits_phone(phone)
    screenshot(phone, "menu-375")
    toggle.click()
    assert not entries.first.is_visible()

    # A page of 30 cadres: two lines each, the phone a tap-to-call link.
    assert phone.locator("table.cadres tbody tr").count() == 30
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height
    assert phone.locator("table.cadres a[href='tel:13871234567']").count() == 30
    assert fits_phone(phone)
    screenshot(phone, "cadres-375")
    assert phone.problems == []
