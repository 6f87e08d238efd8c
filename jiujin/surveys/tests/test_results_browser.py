"""The results page on a 375 px phone and a 1366 px desktop: bars, the paragraph and its copy button."""

from __future__ import annotations

import random
from typing import Any

import pytest

from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.surveys.catalog import NEEDS

from .results_fixtures import make_cadres, make_survey, respond, target

pytestmark = pytest.mark.browser


def _fill(survey: Any, community: Any, count: int, rng: random.Random) -> None:
    cadres = make_cadres(community, count)
    target(survey, cadres)
    for cadre in cadres[: count * 4 // 5]:
        answers: dict[str, Any] = {}
        for q in NEEDS.questions:
            if q.kind == "single" and not q.show_if:
                answers[q.code] = rng.randrange(len(q.choices))
            elif q.kind == "multiple":
                answers[q.code] = rng.sample(range(len(q.choices)), rng.randint(1, 3))
        answers["remarks"] = rng.choice(["希望多组织健康讲座", "上门理发很方便", "建议增加助餐点"])
        respond(survey, cadre, answers)


def test_it_shows_the_results_on_a_phone_and_a_desktop(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, phone: Any
) -> None:
    rng = random.Random(13)
    survey = make_survey(tree.district)
    _fill(survey, tree.community_a, 20, rng)
    _fill(survey, tree.community_b, 10, rng)
    url = live_server.url
    phone.goto(f"{url}/accounts/login/?next=/surveys/results/{survey.pk}/")
    phone.fill("input[name=username]", cast.street.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/surveys/results/{survey.pk}/")
    assert phone.locator("meter").count() > 20
    assert "全街道离退休干部中" in phone.locator("#paragraph-text").inner_text()
    phone.get_by_role("button", name="复制段落").click()
    phone.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    assert fits_phone(phone)
    screenshot(phone, "survey-results-375")
    phone.set_viewport_size({"width": 1366, "height": 900})
    phone.reload()
    screenshot(phone, "survey-results-1366")
    assert phone.problems == []
