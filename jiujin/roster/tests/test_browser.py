"""The import's mapping step in Debian's Chromium at 375 px and 1366 px: a roster with columns the importer
does not know asks what they hold, fits a phone, and previews again with the answer. Screenshots go to
var/screenshots/roster-mapping-375.png and -1366.png (or $JIUJIN_SHOTS).

Run: `.venv/bin/pytest jiujin/roster/tests/test_browser.py -m browser -p no:cacheprovider`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot

from .fixtures import person_id, write_xlsx

pytestmark = pytest.mark.browser
PHONE, DESKTOP = {"width": 375, "height": 812}, {"width": 1366, "height": 900}


def _login(page: Any, url: str, username: str, next_url: str) -> None:
    page.goto(f"{url}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{next_url}")


def _roster(tmp_path: Path) -> Path:
    rows = [
        ["东湖街道社区A离退休干部花名册"],
        ["序号", "姓名", "公民身份号码", "离退", "籍贯", "文化程度", "联系电话", "现居住所在地"],
        ["（说明：身份证号码请设为文本格式）"],
        *[
            [
                i,
                name,
                person_id(date(1938, 5, i), seq=i),
                "离休",
                "湖北黄冈",
                "大专",
                f"1387123456{i}",
                "东湖路1号",
            ]
            for i, name in enumerate(["张德明", "李秀英", "王建华"], start=1)
        ],
    ]
    return write_xlsx(tmp_path / "东湖街道花名册.xlsx", rows, merges=["A1:H1", "A3:H3"])


def _upload(page: Any, path: Path) -> None:
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_selector(".roster-mapping")


def test_it_asks_what_unknown_columns_hold_on_a_phone_and_a_desktop(
    live_server: Any, transactional_db: Any, cast: Any, tree: Any, phone: Any, tmp_path: Path
) -> None:
    url = live_server.url
    _login(phone, url, cast.community_a.username, "/roster/import/")
    path = _roster(tmp_path)
    _upload(phone, path)
    unknown = phone.locator(".mapping-col.unknown")
    assert unknown.count() == 3  # 离退, 籍贯, 文化程度
    assert "示例：湖北黄冈" in unknown.nth(1).inner_text()
    assert fits_phone(phone)
    for i in range(unknown.count()):
        box = unknown.nth(i).locator("select").bounding_box()
        assert box["width"] >= 250 and box["height"] >= 44 and box["x"] + box["width"] <= 375
    screenshot(phone, "roster-mapping-375")

    phone.set_viewport_size(DESKTOP)
    phone.goto(f"{url}/roster/import/")
    _upload(phone, path)
    columns = phone.locator(".mapping-col.unknown")
    tops = {round(columns.nth(i).bounding_box()["y"]) for i in range(columns.count())}
    assert len(tops) == 1  # side by side on a wide screen
    phone.locator("details", has_text="已识别的列").locator("summary").click()
    screenshot(phone, "roster-mapping-1366")

    phone.set_viewport_size(PHONE)
    phone.select_option("select[name=col_4]", label="类别")
    phone.get_by_role("button", name="按此对应，重新预览").click()
    phone.wait_for_selector("text=已记住「社区A」的表头对应")
    assert phone.locator(".roster-mapping").count() == 0
    assert phone.get_by_role("button", name="确认导入").is_visible()
    assert "新增 3 人" in phone.inner_text(".roster-result")

    # The accepted headers, opened on the phone: one field a line, nothing wider than the screen.
    phone.locator("details.roster-accepted summary").click()
    assert phone.locator(".roster-accepted dt", has_text="类别").is_visible()
    assert fits_phone(phone)
    screenshot(phone, "roster-accepted-375")
    assert phone.problems == []
