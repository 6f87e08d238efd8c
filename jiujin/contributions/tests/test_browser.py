"""A worker on a 375 px phone logs a patrol team's outing for several members in one form, looks at the talent
pool and the totals, and the pages fit the screen (screenshots at 375 and 1366 px for people to look at)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.contributions.models import Contribution
from jiujin.contributions.services import talent_nominate

from .helpers import actor, donate, make_story, make_team

pytestmark = pytest.mark.browser


def test_it_logs_a_team_outing_on_a_phone(
    live_server: Any, transactional_db: Any, tree: Any, cast: Any, cadre_a: Any, phone: Any
) -> None:
    url = live_server.url
    others = CadreFactory.create_batch(3, community=tree.community_a)
    team = make_team(cast.community_a, tree.community_a, [cadre_a, *others])
    talent_nominate(actor=actor(cast.community_a), cadre=cadre_a, field="law", joined_via="nomination")
    donate(cast.community_a, others[0], "200.50", "SJ-001")
    make_story(cast.community_a, tree.community_a, cadre_a)
    phone.goto(f"{url}/accounts/login/?next=/contributions/teams/{team.pk}/outing/")
    phone.fill("input[name=username]", cast.community_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/contributions/teams/{team.pk}/outing/")

    phone.fill("input[name=title]", "夜间巡逻")
    phone.fill(f"input[name=hours_{cadre_a.pk}]", "2")
    phone.fill(f"input[name=hours_{others[0].pk}]", "1.5")
    assert fits_phone(phone)
    screenshot(phone, "contributions-outing-375")
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_url(re.compile(rf"/contributions/teams/{team.pk}/$"))
    assert Contribution.objects.filter(outing__isnull=False).count() == 2

    for path, name in [
        ("/contributions/", "contributions-totals"),
        ("/contributions/talent/", "contributions-talent"),
        (f"/contributions/teams/{team.pk}/", "contributions-team"),
        ("/contributions/stories/", "contributions-stories"),
        (f"/contributions/log/?cadre={cadre_a.pk}", "contributions-log"),
        (f"/cadres/{cadre_a.pk}/", "contributions-cadre-panel"),
    ]:
        phone.set_viewport_size({"width": 375, "height": 812})
        phone.goto(f"{url}{path}")
        assert fits_phone(phone), path
        screenshot(phone, f"{name}-375")
        phone.set_viewport_size({"width": 1366, "height": 900})
        screenshot(phone, f"{name}-1366")
    assert phone.problems == []
