"""An assessor scores a manual item on a 375 px phone; screenshots of the ranking, a unit's breakdown and the
scoring form at 375 and 1366 px go to var/screenshots/assessment-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jiujin.assessments.models import Score
from jiujin.assessments.scoring import assessment_start, remark_save
from jiujin.conftest import PASSWORD, fits_phone, screenshot

from .helpers import actor, small_rubric

pytestmark = pytest.mark.browser


@pytest.fixture
def _today() -> None:
    """The browser runs on the real clock (a frozen one stalls Playwright's timeouts)."""


def _login(page: Any, url: str, user: Any, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{next_path}")


def test_it_lets_an_assessor_score_on_a_phone(
    live_server: Any,
    transactional_db: Any,
    tree: Any,
    cast: Any,
    assessor: Any,
    phone: Any,
    fake_metrics: Any,
) -> None:
    url = live_server.url
    fake_metrics.add("rate")
    fake_metrics.data["rate"] = {tree.community_a.pk: (90, 100), tree.community_b.pk: (60, 100)}
    rubric = small_rubric(tree.district, timezone.localdate().year)
    run = assessment_start(actor=actor(cast.district), rubric=rubric)
    remark_save(
        actor=actor(cast.community_b),
        result=run.results.get(unit=tree.community_b),
        remark="数据漏录，已补录",
    )
    score = Score.objects.get(assessment=run, unit=tree.community_a, item__code="B1")
    _login(phone, url, assessor, f"/assessments/{run.pk}/")
    assert fits_phone(phone)
    screenshot(phone, "assessment-overview-375")
    phone.click(f"a[href='/assessments/{run.pk}/units/{tree.community_a.code}/']")
    phone.click(f"a[href='/assessments/scores/{score.pk}/']")
    phone.fill("input[name=points]", "32")
    phone.fill("textarea[name=note]", "工作台账缺少活动记录")
    assert fits_phone(phone)
    screenshot(phone, "assessment-score-375")
    phone.get_by_role("button", name="保存评分").click()
    expect(phone.get_by_text("已保存：台账")).to_be_visible()
    assert fits_phone(phone)
    screenshot(phone, "assessment-unit-375")
    assert phone.problems == []
    phone.set_viewport_size({"width": 1366, "height": 900})
    _login(phone, url, cast.district, f"/assessments/{run.pk}/")
    screenshot(phone, "assessment-overview-1366")
    phone.goto(f"{url}/assessments/{run.pk}/units/{tree.community_b.code}/")
    screenshot(phone, "assessment-unit-1366")
    phone.goto(f"{url}/assessments/scores/{score.pk}/")
    screenshot(phone, "assessment-score-1366")
    phone.goto(f"{url}/assessments/rubrics/{rubric.pk}/")
    screenshot(phone, "assessment-rubric-1366")
    assert phone.problems == []
