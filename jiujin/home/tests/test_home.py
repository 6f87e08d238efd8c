"""The home page: where each role lands, a worker's "today", a supervisor's units side by side."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiujin.accounts.models import Role
from jiujin.cadres.selectors import completeness_summary
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.conftest import PASSWORD, make_user
from jiujin.health.models import CheckUp
from jiujin.orgs.models import OrgLevel
from jiujin.orgs.services import org_unit_create
from jiujin.servicerequests.tests.helpers import make_request, move
from jiujin.tasks.models import Channel, Notification, TaskStatus
from jiujin.visits.tests.helpers import make_record, make_task
from jiujin.volunteers.models import ContactLog
from jiujin.volunteers.tests.helpers import make_volunteer, pair

TODAY = date(2026, 9, 23)  # a Wednesday: the week runs from Monday 21 to Sunday 27 September
NOW = datetime(2026, 9, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HOME = reverse("home")


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def section(html: str, name: str) -> str:
    """The text of one home panel, by its heading's id (home-visits, home-requests …), or ""."""
    match = re.search(rf'<section[^>]*aria-labelledby="home-{name}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def worker_world(tree: Any, cast: Any) -> dict[str, Any]:
    """One item of every kind in community A, and the cadres that must not show."""
    a, worker = tree.community_a, cast.community_a
    young = date(1960, 3, 3)  # 66: not on the quiet list unless alone
    overdue = CadreFactory(name="逾期甲", community=a, responsible_worker=worker, birth_date=young)
    due_today = CadreFactory(name="今日乙", community=a, responsible_worker=worker, birth_date=young)
    later = CadreFactory(name="以后丙", community=a, responsible_worker=worker, birth_date=young)
    make_task(overdue, TODAY - timedelta(days=3), title="住院探视")
    make_task(due_today, TODAY, title="中秋慰问")
    make_task(later, TODAY + timedelta(days=10))
    caller = CadreFactory(name="来电丁", community=a, responsible_worker=worker, birth_date=young)
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        make_request(worker, caller)  # an emergency, 20 minutes to arrive: two hours late by now
    solar = CadreFactory(name="寿星戊", community=a, birth_date=date(1946, 9, 24), responsible_worker=worker)
    # 2026-09-25 is 农历八月十五: a cadre who keeps that lunar birthday has it this Friday.
    lunar = CadreFactory(
        name="农历己",
        community=a,
        birth_date=date(1950, 10, 1),
        birthday_calendar="lunar",
        lunar_month=8,
        lunar_day=15,
        responsible_worker=worker,
    )
    not_this_week = CadreFactory(name="下周庚", community=a, birth_date=date(1960, 10, 9))
    quiet_old = CadreFactory(name="高龄辛", community=a, birth_date=date(1940, 1, 2))
    visited_old = CadreFactory(name="常访壬", community=a, birth_date=date(1940, 1, 3))
    make_record(
        make_task(visited_old, TODAY - timedelta(days=6), status=TaskStatus.DONE), TODAY - timedelta(days=5)
    )
    alone = CadreFactory(name="独居癸", community=a, birth_date=young, living_arrangement="alone")
    volunteer = make_volunteer(a)
    ContactLog.objects.create(pairing=pair(alone, volunteer), on=TODAY - timedelta(days=40), note="电话问候")
    checked = CadreFactory(name="体检子", community=a, birth_date=date(1941, 5, 5))
    CheckUp.objects.create(cadre=checked, date=TODAY - timedelta(days=10))
    Notification.objects.create(
        user=worker, channel=Channel.IN_APP, key="digest:2026-09-23", subject="今天有2项走访到期", body="…"
    )
    return {
        "shown": {
            "visits": ["逾期甲", "今日乙", overdue.address],
            "requests": ["来电丁", "超时"],
            "birthdays": ["寿星戊", "农历己", "80岁生日", "农历八月十五"],
            "quiet": ["高龄辛", "独居癸", "志愿者联系"],
            "reminders": ["今天有2项走访到期"],
        },
        "hidden": {
            "visits": ["以后丙"],
            "birthdays": ["下周庚"],
            "quiet": ["常访壬", "体检子", "逾期甲"],
        },
        "cadres": [overdue, due_today, caller, solar, lunar, quiet_old, alone],
        "not_this_week": not_this_week,
    }


# ---------------------------------------------------------------- landing


def test_it_lands_each_role_where_it_should_after_login(client: Any, cast: Any) -> None:
    expected = {
        cast.community_a: "home/worker.html",
        cast.street: "home/supervisor.html",
        cast.district: "home/supervisor.html",
        cast.city: "home/supervisor.html",
        cast.admin: "home/supervisor.html",
    }
    for user, template in expected.items():
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert response["Location"] == HOME
        page = client.get(HOME)
        assert page.status_code == 200
        assert template in [t.name for t in page.templates], user.username
        client.post(reverse("logout"))
    client.post(reverse("login"), {"username": cast.volunteer.username, "password": PASSWORD})
    assert client.get(HOME)["Location"] == reverse("volunteers:me")


def test_it_shows_the_admin_the_districts(client_for: Any, cast: Any, tree: Any) -> None:
    response = client_for(cast.admin).get(HOME)
    assert [row.unit for row, _cells in response.context["rows"]] == [tree.district, tree.district_z]


# ---------------------------------------------------------------- a worker's today


def test_it_shows_a_worker_each_kind_of_item(frozen: Any, tree: Any, cast: Any, client_for: Any) -> None:
    world = worker_world(tree, cast)
    html = client_for(cast.community_a).get(HOME).content.decode()
    for name, texts in world["shown"].items():
        panel = section(html, name)
        assert panel, f"no {name} panel"
        for text in texts:
            assert text in panel, f"{text} missing from {name}"
    for name, texts in world["hidden"].items():
        for text in texts:
            assert text not in section(html, name), f"{text} should not be in {name}"
    task = world["cadres"][0].visit_tasks.get()
    record = reverse("tasks:record", args=[task.pk])
    assert f'href="{record}"' in section(html, "visits")
    assert client_for(cast.community_a).get(record).status_code == 200  # one tap: the record-visit page


def test_it_counts_a_30_day_old_contact_as_no_contact(
    frozen: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    old = CadreFactory(name="高龄辛", community=tree.community_a, birth_date=date(1940, 1, 2))
    make_record(
        make_task(old, TODAY - timedelta(days=31), status=TaskStatus.DONE), TODAY - timedelta(days=31)
    )
    client = client_for(cast.community_a)
    assert "高龄辛" in section(client.get(HOME).content.decode(), "quiet")
    make_request(cast.community_a, old, urgency="normal", category="cleaning")  # a call today is a contact
    assert "高龄辛" not in section(client.get(HOME).content.decode(), "quiet")


def test_it_shows_siblings_none_of_community_a(frozen: Any, tree: Any, cast: Any, client_for: Any) -> None:
    world = worker_world(tree, cast)
    names = [c.name for c in world["cadres"]]
    supervisor_z = make_user("district-z", Role.DISTRICT, tree.district_z)
    for user in (cast.community_b, cast.community_z, supervisor_z):
        html = client_for(user).get(HOME).content.decode()
        assert not [name for name in names if name in html], user.username
        assert "今天有2项走访到期" not in html
    district_z_html = client_for(supervisor_z).get(HOME).content.decode()
    assert "社区A" not in district_z_html and "东湖街道" not in district_z_html


# ---------------------------------------------------------------- a supervisor's units


def figures(response: Any) -> dict[str, dict[str, tuple[int, int]]]:
    """{unit name: {figure label: (part, whole)}} of the page, the whole line under "合计"."""
    overview = response.context["overview"]
    rows = {row.label: row.values for row in overview.rows} | {"合计": overview.whole.values}
    return {unit: dict(zip(overview.headers, values, strict=True)) for unit, values in rows.items()}


def test_it_shows_a_street_its_communities_side_by_side(
    frozen: Any, tree: Any, cast: Any, client_for: Any
) -> None:
    a, b = tree.community_a, tree.community_b
    cadres_a = CadreFactory.create_batch(3, community=a, responsible_worker=cast.community_a)
    cadres_b = CadreFactory.create_batch(2, community=b, responsible_worker=cast.community_b)
    make_record(make_task(cadres_a[0], date(2026, 9, 5), status=TaskStatus.DONE), date(2026, 9, 5))
    make_task(cadres_a[1], date(2026, 9, 10))  # overdue
    make_task(cadres_a[2], date(2026, 9, 28))  # due later this month: not yet owed
    make_task(cadres_a[2], date(2026, 8, 28), status=TaskStatus.DONE)  # last month
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        late = make_request(cast.community_a, cadres_a[0])
    for state in ("dispatched", "arrived", "completed"):
        move(cast.community_a, late, state)
    rated = make_request(cast.community_b, cadres_b[0], urgency="normal", category="cleaning")
    for state in ("dispatched", "arrived", "completed"):
        move(cast.community_b, rated, state)
    rated.satisfaction, rated.rated_at = "satisfied", NOW
    rated.save(update_fields=["satisfaction", "rated_at"])
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        response = client_for(cast.street).get(HOME)
    got = figures(response)
    assert got["社区A"]["老干部"][0] == 3 and got["社区B"]["老干部"][0] == 2
    assert got["社区A"]["本月走访完成"] == (1, 2)  # the task due on the 28th is not counted
    assert got["社区A"]["本月逾期"][0] == 1
    assert got["社区A"]["本月超时工单"][0] == 1 and got["社区B"]["本月超时工单"][0] == 0
    assert got["社区B"]["本月满意率"] == (1, 1) and got["社区A"]["本月满意率"] == (0, 0)
    assert got["合计"]["老干部"][0] == 5 and got["合计"]["本月走访完成"] == (1, 2)
    knows = got["合计"]["四知掌握"]
    assert knows[1] == 5 * 4 and 0 < knows[0] <= knows[1]
    # The same count as the 四知 table of the registry: the two pages never disagree.
    assert knows[0] == sum(n for row in completeness_summary(cast.street) for _label, n in row["known"])
    html = response.content.decode()
    assert f'href="{reverse("cadres:list")}?unit={a.code}"' in html  # a community links to its cadres


def test_it_drills_down_the_tree_and_refuses_what_is_out_of_scope(
    tree: Any, cast: Any, client_for: Any
) -> None:
    district = client_for(cast.district)
    top = district.get(HOME)
    assert [row.unit for row, _cells in top.context["rows"]] == [tree.street]
    assert f'href="?unit={tree.street.code}"' in top.content.decode()
    down = district.get(HOME, {"unit": tree.street.code})
    assert down.status_code == 200
    assert [row.label for row in down.context["overview"].rows] == ["社区A", "社区B"]
    assert down.context["overview"].chain == [tree.district]
    assert district.get(HOME, {"unit": tree.community_z.code}).status_code == 404
    assert district.get(HOME, {"unit": tree.city.code}).status_code == 404
    street = client_for(cast.street)
    assert street.get(HOME, {"unit": tree.district.code}).status_code == 404
    assert street.get(HOME, {"unit": tree.street_z.code}).status_code == 404
    assert street.get(HOME, {"unit": "nope"}).status_code == 404


# ---------------------------------------------------------------- query counts


def test_it_reads_a_worker_home_in_a_fixed_number_of_queries(
    frozen: Any, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    worker_world(tree, cast)
    for cadre in CadreFactory.create_batch(8, community=tree.community_a, birth_date=date(1938, 9, 22)):
        make_task(cadre, TODAY)
        make_request(cast.community_a, cadre)
    client = client_for(cast.community_a)
    client.get(HOME)
    # A few per registered panel (visits, requests, birthdays, quiet cadres, opinions, events, reminders).
    with django_assert_max_num_queries(19):  # + the overdue pilot steps, who needs a contact this week
        assert client.get(HOME).status_code == 200


def test_it_reads_a_district_home_in_a_fixed_number_of_queries(
    frozen: Any, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.district)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(HOME).status_code == 200
        return len(ctx.captured_queries)

    client.get(HOME)
    few = queries()
    for n in range(2, 6):
        street = org_unit_create(
            code=f"42110200{n}", name=f"街道{n}", level=OrgLevel.STREET, parent=tree.district
        )
        for m in range(1, 4):
            unit = org_unit_create(
                code=f"{street.code}00{m}", name=f"社区{n}{m}", level=OrgLevel.COMMUNITY, parent=street
            )
            for cadre in CadreFactory.create_batch(2, community=unit):
                make_task(cadre, TODAY - timedelta(days=1))
    assert queries() == few
    # One grouped query per figure (the risk contact rate too), the escalated opinions, the pilot steps.
    with django_assert_max_num_queries(21):
        response = client.get(HOME)
    assert len(response.context["rows"]) == 5
    assert figures(response)["合计"]["本月逾期"][0] == 24
