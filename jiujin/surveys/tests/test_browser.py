"""A community worker on a 375 px phone records a visit, follows the 填写问卷 link and fills in the needs survey;
the 独居 question appears only after choosing 独居. Also the builder and the list at 1366 px."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.surveys.models import Response
from jiujin.visits.tests.helpers import make_task

from .conftest import NOW, TODAY
from .factories import make_survey, qid

pytestmark = pytest.mark.browser

SINGLE = {
    "learning": "希望",
    "culture": "满意",
    "role": "部分发挥",
    "contribute": "愿意",
    "care": "少有人照料",
    "wellbeing": "身体一般，心情尚好",
    "living": "独居",
    "alone_help": "社区工作人员",
    "hospital": "到离家较近的医院",
}


def login(page: Any, url: str, user: Any, to: str) -> None:
    page.goto(f"{url}/accounts/login/?next={to}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}{to}")


def chip(page: Any, survey: Any, code: str, text: str) -> None:
    page.locator(f'#question-{qid(survey, code)} label.choice:has(.choice-text:text-is("{text}"))').click()


def test_it_fills_the_needs_survey_on_a_phone_after_a_visit(
    live_server: Any, transactional_db: Any, tree: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        survey = make_survey(cast.district, tree.district)
        task = make_task(cadre_a, TODAY, title="重阳慰问")
        login(phone, live_server.url, cast.community_a, "/visits/")
        row = phone.locator(f"#task-{task.pk}")
        row.get_by_role("link", name="记录走访").click()
        form = phone.locator(f"#task-{task.pk} form.record-form")
        form.wait_for()
        form.get_by_role("button", name="保存走访记录").click()
        link = phone.locator("li.notice a", has_text="填写问卷")
        link.wait_for()
        link.click()
        phone.wait_for_url(f"**/surveys/{survey.pk}/fill/**")

        alone = phone.locator(f"#question-{qid(survey, 'alone_help')}")
        assert alone.is_hidden()
        for code, text in SINGLE.items():
            if code == "alone_help":
                assert alone.is_visible()  # asked once 独居 is chosen
            chip(phone, survey, code, text)
        chip(phone, survey, "worries", "生病住院")
        chip(phone, survey, "pastime", "读书学习")
        assert fits_phone(phone)
        screenshot(phone, "survey-fill-375")
        chip(phone, survey, "living", "与子女同住")
        assert alone.is_hidden()  # hidden again
        chip(phone, survey, "living", "独居")
        phone.get_by_role("button", name="提交问卷").click()
        phone.wait_for_url("**/surveys/responses/**")
        assert "已保存问卷" in phone.content()
        assert phone.problems == []

    response = Response.objects.get()
    assert response.source == "visit" and response.visit_record is not None
    assert response.answers.filter(question_id=qid(survey, "alone_help"), choice=2).exists()


def test_it_shows_the_builder_and_the_list_on_a_desktop(
    live_server: Any, transactional_db: Any, tree: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        make_survey(cast.district, tree.district, template="satisfaction")
        draft = make_survey(cast.district, tree.district, start=False)
        phone.set_viewport_size({"width": 1366, "height": 900})
        login(phone, live_server.url, cast.district, f"/surveys/{draft.pk}/")
        assert phone.get_by_role("link", name="添加题目").is_visible()
        screenshot(phone, "survey-builder-1366")
        phone.goto(f"{live_server.url}/surveys/{draft.pk}/questions/new/")
        screenshot(phone, "survey-question-1366")
        phone.goto(f"{live_server.url}/surveys/")
        assert phone.locator("table.survey-list tbody tr").count() == 2
        screenshot(phone, "survey-list-1366")
        phone.set_viewport_size({"width": 375, "height": 812})
        phone.goto(f"{live_server.url}/surveys/")
        assert fits_phone(phone)
        screenshot(phone, "survey-list-375")
        assert phone.problems == []
