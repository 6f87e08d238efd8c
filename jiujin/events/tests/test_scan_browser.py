"""Check-in by scanning the 爱心服务卡 at 375 px: Chromium's fake camera plays a video of the printed card (its
PDF, rendered), the page's scanner reads the QR code and the attendance count rises; the same card again, from a
photo this time, is counted once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import segno
from PIL import Image
from playwright.sync_api import expect

from jiujin.cadres.cards import card_token_for
from jiujin.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, fits_phone, screenshot
from jiujin.lib import cards

from .helpers import make_event

pytestmark = pytest.mark.browser

FRAME_W, FRAME_H = 640, 480


def card_picture(token: str) -> Image.Image:
    """The printed card's lower right part (its QR code and the lines beside it), as a phone held over it sees
    it: the card's own PDF rendered at 300 dpi, not a code drawn apart from it."""
    try:
        pdf = cards.render_cards([cards.Card(cadre_name="张德明", community="社区A", qr=token)])
    except cards.FontMissing as exc:
        pytest.skip(str(exc))
    page = pdfium.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil().convert("RGB")
    px = 300 / 25.4
    right, bottom = cards.LEFT + cards.CARD_W + 2, cards.TOP + cards.CARD_H + 2
    box = (right - 48, bottom - 36, right, bottom)  # mm: 4:3, like the frame
    return page.crop(tuple(int(v * px) for v in box)).resize((FRAME_W, FRAME_H))


def write_y4m(path: Path, picture: Image.Image, frames: int = 6) -> Path:
    """A few frames of YUV4MPEG2 (4:2:0, full-range BT.601 as PIL's YCbCr), the picture drifting a little as a
    hand does; Chromium loops the file as the camera's video."""
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{FRAME_W} H{FRAME_H} F10:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(frames):
            frame = Image.new("RGB", (FRAME_W, FRAME_H), "white")
            frame.paste(picture, (i % 3 - 1, i % 2))
            y, cb, cr = frame.convert("YCbCr").split()
            half = (FRAME_W // 2, FRAME_H // 2)
            out.write(b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())
    return path


def _csp_problem(msg: Any) -> bool:
    """A CSP violation, except htmx settling a `style=""` that this Chromium leaves on inputs (htmx copies the
    old element's attributes onto the swapped-in one of the same id; blocked and harmless: nothing is styled)."""
    if "Content Security Policy" not in msg.text:
        return False
    return not ("Applying inline style" in msg.text and "htmx" in msg.location.get("url", ""))


@contextmanager
def phone_with_camera(video: Path) -> Iterator[Any]:
    """A 375 px phone whose rear camera plays `video`, camera permission already granted."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=args)
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
        page: Any = context.new_page()
        page.set_default_timeout(15_000)
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("console", lambda msg: _csp_problem(msg) and page.problems.append(msg.text))
        try:
            yield page
        finally:
            browser.close()


def test_it_checks_a_cadre_in_by_scanning_the_card_with_the_camera(
    live_server: Any,
    transactional_db: Any,
    tree: Any,
    cast: Any,
    cadre_a: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    event = make_event(cast.community_a, tree.community_a)
    token = card_token_for(cadre_a)
    picture = card_picture(token)
    picture.save(tmp_path / "card.png")
    video = write_y4m(tmp_path / "card.y4m", picture)

    with phone_with_camera(video) as phone:
        url = live_server.url
        phone.goto(f"{url}/accounts/login/?next=/events/{event.pk}/check-in/")
        phone.fill("input[name=username]", cast.community_a.username)
        phone.fill("input[name=password]", PASSWORD)
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{url}/events/{event.pk}/check-in/")
        count = phone.locator("#attended-count")
        assert count.inner_text() == "0"
        assert fits_phone(phone)
        screenshot(phone, "check-in-scanner-375")

        # The camera: press 扫码签到, hold the card up; the page posts the token itself.
        phone.get_by_role("button", name="扫码签到").click()
        expect(count).to_have_text("1", timeout=20_000)  # wait_for_function would need 'unsafe-eval'
        assert "张德明 签到成功" in phone.locator("#check-in-body").inner_text()
        # The camera stays on in the swapped-in form, ready for the next cadre.
        phone.locator(".qrscan-video").wait_for(state="visible")
        screenshot(phone, "check-in-scanned-375", full_page=False)
        assert fits_phone(phone)

        # The same card again, from a photo (the fallback when no camera can be used): counted once.
        phone.locator(".qrscan-file").set_input_files(str(tmp_path / "card.png"))
        phone.get_by_text("张德明 已签到过，不重复计数").wait_for()
        assert count.inner_text() == "1"
        phone.get_by_role("button", name="停止扫码").click()
        phone.locator(".qrscan-video").wait_for(state="hidden")
        assert phone.problems == []

    assert event.attendances.count() == 1


def test_it_reads_a_plain_qr_code_photo_and_says_when_a_card_is_void(
    live_server: Any,
    transactional_db: Any,
    tree: Any,
    cast: Any,
    cadre_a: Any,
    tmp_path: Path,
    monkeypatch: Any,
) -> None:
    """The photo path alone (a phone over plain HTTP has no camera API): a void card is refused with a reason."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    event = make_event(cast.community_a, tree.community_a)
    photo = tmp_path / "forged.png"
    buffer = io.BytesIO()
    segno.make_qr(card_token_for(cadre_a)[:-2] + "xx").save(buffer, kind="png", scale=8)
    photo.write_bytes(buffer.getvalue())
    video = write_y4m(tmp_path / "blank.y4m", Image.new("RGB", (FRAME_W, FRAME_H), "white"), frames=1)

    with phone_with_camera(video) as phone:
        url = live_server.url
        phone.goto(f"{url}/accounts/login/?next=/events/{event.pk}/check-in/")
        phone.fill("input[name=username]", cast.community_a.username)
        phone.fill("input[name=password]", PASSWORD)
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{url}/events/{event.pk}/check-in/")
        phone.locator(".qrscan-file").set_input_files(str(photo))
        phone.get_by_text("无法识别的服务卡").first.wait_for()
        assert phone.locator("#attended-count").inner_text() == "0"
        assert phone.problems == []
    assert event.attendances.count() == 0
