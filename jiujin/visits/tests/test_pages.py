"""The visit pages: agenda, one-tap recording, calendar, supervisors' stats, events on a cadre."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import CadreStatus
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask
from jiujin.visits.models import CadreEvent
from jiujin.visits.task_kinds import BIRTHDAY, CONDOLENCE, HOSPITAL

from .helpers import NOW, TODAY, make_cadres, make_record, make_task

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def record_data(**overrides: Any) -> dict[str, Any]:
    return {
        "visited_on": TODAY.isoformat(),
        "visitors": "王芳、李强",
        "visit_form": "home",
        "outcome": "visited",
        "gifts": "米面油、水果",
        "money": "500",
        "findings": "身体尚好",
        "needs": "希望有人陪同去医院复查",
    } | overrides


# ---------------------------------------------------------------- agenda


def test_it_lists_overdue_first_then_today_week_and_later(cadre_a: Any, cast: Any, client_for: Any) -> None:
    later = make_task(cadre_a, TODAY + timedelta(days=20), title="重阳慰问")
    week = make_task(cadre_a, TODAY + timedelta(days=2), title="中秋慰问")
    today = make_task(cadre_a, TODAY, title="住院探视", kind=HOSPITAL.code)
    overdue = make_task(cadre_a, TODAY - timedelta(days=3), title="八十寿辰", kind=BIRTHDAY.code, priority=3)
    page = client_for(cast.community_a).get("/visits/").content.decode()
    positions = [page.index(f'id="task-{t.pk}"') for t in (overdue, today, week, later)]
    assert positions == sorted(positions)
    sections = [page.index(f'id="agenda-{key}"') for key in ("overdue", "today", "week", "later")]
    assert sections == sorted(sections)
    overdue_row = page[positions[0] : positions[1]]
    assert 'class="task overdue"' in overdue_row and "祝寿" in overdue_row
    assert "农历八月初十" in overdue_row  # 2026-09-20, the lunar date beside the due date


def test_it_shows_unassigned_tasks_to_community_workers_only(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    unassigned = make_task(cadre_a, TODAY, assignee=None, title="无人认领")
    someone_else = make_task(cadre_a, TODAY, assignee=cast.street, title="街道跟进")
    mine = client_for(cast.community_a).get("/visits/").content.decode()
    assert f'id="task-{unassigned.pk}"' in mine and f'id="task-{someone_else.pk}"' not in mine
    street = client_for(cast.street).get("/visits/").content.decode()
    assert f'id="task-{someone_else.pk}"' in street and f'id="task-{unassigned.pk}"' not in street


def test_it_leaves_done_and_cancelled_tasks_off_the_agenda(cadre_a: Any, cast: Any, client_for: Any) -> None:
    done = make_task(cadre_a, TODAY, status=TaskStatus.DONE)
    cancelled = make_task(cadre_a, TODAY, status=TaskStatus.CANCELLED)
    page = client_for(cast.community_a).get("/visits/").content.decode()
    assert f"task-{done.pk}" not in page and f"task-{cancelled.pk}" not in page
    assert "暂无待走访的任务" in page


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_shows_outsiders_nothing_of_community_a(
    cadre_a: Any, cast: Any, client_for: Any, who: str
) -> None:
    task = make_task(cadre_a, TODAY, assignee=None)
    client = client_for(getattr(cast, who))
    assert f"task-{task.pk}" not in client.get("/visits/").content.decode()
    assert client.get(f"/visits/tasks/{task.pk}/record/").status_code == 404
    assert client.post(f"/visits/tasks/{task.pk}/record/", record_data()).status_code == 404
    assert client.get(f"/visits/tasks/{task.pk}/").status_code == 404
    assert not VisitRecord.objects.exists()


@pytest.mark.parametrize("n", [3, 30])
def test_it_renders_the_agenda_in_constant_queries(
    n: int, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i, cadre in enumerate(make_cadres(n, tree.community_a, cast.community_a)):
        make_task(cadre, TODAY + timedelta(days=i % 9 - 3))
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(7):
        page = client.get("/visits/").content.decode()
    assert page.count('class="button record"') == n


def test_it_needs_a_login(client: Any) -> None:
    assert client.get("/visits/").status_code == 302


# ---------------------------------------------------------------- recording


def test_it_opens_the_record_form_inline_with_defaults(cadre_a: Any, cast: Any, client_for: Any) -> None:
    task = make_task(cadre_a, TODAY)
    cast.community_a.last_name, cast.community_a.first_name = "王", "芳"
    cast.community_a.save(update_fields=["last_name", "first_name"])
    page = client_for(cast.community_a).get(f"/visits/tasks/{task.pk}/record/", headers=HTMX).content.decode()
    assert "<html" not in page and f'id="task-{task.pk}"' in page
    assert 'value="2026-09-23"' in page and 'value="王芳"' in page
    for chip in ["米面油", "水果", "鲜花", "蛋糕"]:
        assert f'data-gift="{chip}"' in page
    assert "空访" in page and "<script>" not in page and "style=" not in page


def test_it_records_a_visit_and_the_task_leaves_the_agenda(cadre_a: Any, cast: Any, client_for: Any) -> None:
    task = make_task(cadre_a, TODAY - timedelta(days=1))
    client = client_for(cast.community_a)
    response = client.post(f"/visits/tasks/{task.pk}/record/", record_data(), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已记录走访" in body and f'id="task-{task.pk}"' not in body
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    record = task.records.get()
    assert (record.visitors, record.gifts, str(record.money)) == ("王芳、李强", "米面油、水果", "500.00")
    assert record.recorded_by == cast.community_a
    assert f"task-{task.pk}" not in client.get("/visits/").content.decode()


def test_it_records_without_htmx_and_redirects_to_the_agenda(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    task = make_task(cadre_a, TODAY)
    response = client_for(cast.community_a).post(
        f"/visits/tasks/{task.pk}/record/", record_data(), follow=True
    )
    assert response.redirect_chain[-1][0] == "/visits/"
    assert "已记录走访" in response.content.decode()


def test_it_keeps_the_task_open_after_a_visit_with_nobody_home(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    task = make_task(cadre_a, TODAY)
    client = client_for(cast.community_a)
    body = client.post(
        f"/visits/tasks/{task.pk}/record/", record_data(outcome="nobody_home"), headers=HTMX
    ).content.decode()
    assert f'id="task-{task.pk}"' in body and "空访" in body
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.records.count() == 1
    assert f'id="task-{task.pk}"' in client.get("/visits/").content.decode()


def test_it_refuses_a_second_completion_nicely(cadre_a: Any, cast: Any, client_for: Any) -> None:
    task = make_task(cadre_a, TODAY)
    client = client_for(cast.community_a)
    client.post(f"/visits/tasks/{task.pk}/record/", record_data(), headers=HTMX)
    again = client.post(f"/visits/tasks/{task.pk}/record/", record_data(visitors="李强"), headers=HTMX)
    assert again.status_code == 200 and "该任务已由他人完成" in again.content.decode()
    assert VisitRecord.objects.filter(task=task).count() == 1


def test_it_reports_the_race_lost_inside_the_service(
    cadre_a: Any, cast: Any, client_for: Any, monkeypatch: Any
) -> None:
    # Both phones loaded the task while open; the service decides, and the page says so kindly.
    from jiujin.tasks import records, views

    task = make_task(cadre_a, TODAY)

    def lost(**kwargs: Any) -> None:
        raise records.TaskAlreadyDone("该任务已由他人完成")

    monkeypatch.setattr(views, "visit_task_complete", lost)
    body = (
        client_for(cast.community_a)
        .post(f"/visits/tasks/{task.pk}/record/", record_data(), headers=HTMX)
        .content.decode()
    )
    assert "该任务已由他人完成" in body and "task notice" in body


def test_it_rejects_a_visit_dated_tomorrow(cadre_a: Any, cast: Any, client_for: Any) -> None:
    task = make_task(cadre_a, TODAY)
    body = (
        client_for(cast.community_a)
        .post(f"/visits/tasks/{task.pk}/record/", record_data(visited_on="2026-09-24"), headers=HTMX)
        .content.decode()
    )
    assert "走访日期不能晚于今天" in body
    assert not VisitRecord.objects.exists()


# ---------------------------------------------------------------- calendar


def test_it_shows_lunar_days_and_holidays_in_the_month(cadre_a: Any, cast: Any, client_for: Any) -> None:
    make_task(cadre_a, TODAY.replace(day=25))
    make_task(cadre_a, TODAY.replace(day=25), status=TaskStatus.CANCELLED)
    page = client_for(cast.community_a).get("/visits/calendar/?month=2026-09").content.decode()
    cell = page[page.index('data-date="2026-09-25"') :].split("</td>")[0]
    assert "十五" in cell and "中秋" in cell and "1项" in cell
    first = page[page.index('data-date="2026-09-11"') :].split("</td>")[0]
    assert "八月" in first  # 初一 shows the month's name
    assert "国庆" in page[page.index('data-date="2026-10-01"') :].split("</td>")[0]


def test_it_counts_only_visible_tasks_in_the_calendar(cadre_a: Any, cast: Any, client_for: Any) -> None:
    make_task(cadre_a, TODAY)
    page = client_for(cast.community_b).get("/visits/calendar/?month=2026-09").content.decode()
    cell = page[page.index('data-date="2026-09-23"') :].split("</td>")[0]
    assert "项" not in cell


@pytest.mark.parametrize("n", [3, 30])
def test_it_renders_the_calendar_in_constant_queries(
    n: int, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i, cadre in enumerate(make_cadres(n, tree.community_a, cast.community_a)):
        make_task(cadre, TODAY + timedelta(days=i % 7))
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(7):
        page = client.get("/visits/calendar/?month=2026-09").content.decode()
    counts = re.findall(r'class="due-count"[^>]*>(\d+)项<', page)
    assert sum(map(int, counts)) == n


def test_it_falls_back_to_this_month_on_a_bad_month(cast: Any, client_for: Any) -> None:
    page = client_for(cast.community_a).get("/visits/calendar/?month=9999-99").content.decode()
    assert "2026年9月" in page


# ---------------------------------------------------------------- stats


@pytest.fixture
def september(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    """Community A: 4 tasks due in September (2 done, 1 overdue, 1 open), 1 cancelled; B: 1 done; Z: 1 open."""
    [cadre_b] = make_cadres(1, tree.community_b, cast.community_b)
    [cadre_z] = make_cadres(1, tree.community_z, cast.community_z)
    due = TODAY.replace(day=10)
    tasks = {
        "a_done": make_task(cadre_a, due, kind=BIRTHDAY.code, status=TaskStatus.DONE),
        "a_done2": make_task(cadre_a, due, status=TaskStatus.DONE),
        "a_late": make_task(cadre_a, due, status=TaskStatus.OPEN),  # open past due counts as overdue
        "a_open": make_task(cadre_a, TODAY + timedelta(days=3)),
        "a_cancelled": make_task(cadre_a, due, status=TaskStatus.CANCELLED),
        "a_october": make_task(cadre_a, TODAY.replace(month=10, day=18)),
        "b_done": make_task(cadre_b, due, status=TaskStatus.DONE),
        "z_open": make_task(cadre_z, due, status=TaskStatus.OVERDUE),
    }
    return tasks


def rate_row(page: str, label: str) -> str:
    return page[page.index(f">{label}<") :].split("</tr>")[0]


def test_it_computes_completion_by_kind_and_community(september: Any, cast: Any, client_for: Any) -> None:
    page = client_for(cast.street).get("/visits/stats/?from=2026-09-01&to=2026-09-30").content.decode()
    # a_open is due after today: not yet owed, so not counted as not done.
    holiday = rate_row(page, "节日慰问")  # a_done2, a_late, b_done: 2 of 3
    assert "67%" in holiday
    assert "100%" in rate_row(page, "生日祝寿")
    community_a = rate_row(page, "社区A")  # 2 done of the 3 due by today and not cancelled, 1 overdue
    assert [c.split(">")[-1] for c in community_a.split("</td>")[1:3]] == ["3", "2"]
    assert "67%" in community_a and 'badge err">1<' in community_a
    assert "截至今天应访" in page
    assert "100%" in rate_row(page, "社区B")
    assert "社区Z" not in page


def test_it_drills_down_to_a_communitys_overdue_tasks(september: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.district)
    page = client.get("/visits/stats/?from=2026-09-01&to=2026-09-30&community=421102001001").content.decode()
    overdue = page[page.index('id="overdue"') :]
    assert "逾期未访：社区A" in overdue and overdue.count("<tr>") == 2  # header + a_late
    assert client.get("/visits/stats/?community=421181001001").status_code == 404  # 社区Z: another district


def test_it_lets_the_city_see_every_district(september: Any, cast: Any, client_for: Any) -> None:
    page = client_for(cast.city).get("/visits/stats/?from=2026-09-01&to=2026-09-30").content.decode()
    assert "社区Z" in page


@pytest.mark.parametrize("who", ["community_a", "community_b", "community_z", "volunteer"])
def test_it_keeps_stats_for_supervisors(cast: Any, client_for: Any, who: str) -> None:
    expected = 404 if who == "volunteer" else 403  # a volunteer has no staff pages at all
    assert client_for(getattr(cast, who)).get("/visits/stats/").status_code == expected


@pytest.mark.parametrize("n", [3, 30])
def test_it_computes_stats_in_constant_queries(
    n: int, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i, cadre in enumerate(make_cadres(n, tree.community_a, cast.community_a)):
        make_task(cadre, TODAY - timedelta(days=i % 5))
    client = client_for(cast.street)
    with django_assert_max_num_queries(10):
        assert client.get("/visits/stats/").status_code == 200


def test_it_says_how_many_overdue_tasks_a_cut_list_leaves_out(
    september: Any, tree: Any, cast: Any, client_for: Any, monkeypatch: Any
) -> None:
    from jiujin.visits import selectors

    monkeypatch.setattr(selectors, "OVERDUE_LIST_LIMIT", 1)
    [cadre_b] = make_cadres(1, tree.community_b, cast.community_b)
    make_task(cadre_b, TODAY.replace(day=12), status=TaskStatus.OVERDUE)
    client = client_for(cast.street)
    overdue = client.get("/visits/stats/?from=2026-09-01&to=2026-09-30").content.decode()
    overdue = overdue[overdue.index('id="overdue"') :]
    assert 'badge err">2<' in overdue and "共 2 项，只列出应访日期最早的 1 项" in overdue
    assert overdue.count("<tr>") == 2 and september["a_late"].cadre.name in overdue  # due the 10th: first
    drilled = client.get(
        "/visits/stats/?from=2026-09-01&to=2026-09-30&community=421102001001"
    ).content.decode()
    drilled = drilled[drilled.index('id="overdue"') :]
    assert 'badge err">1<' in drilled and "只列出" not in drilled


@pytest.mark.parametrize("n", [3, 30])
def test_it_drills_down_in_constant_queries(
    n: int, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i, cadre in enumerate(make_cadres(n, tree.community_a, cast.community_a)):
        make_task(
            cadre, TODAY - timedelta(days=i % 5), status=TaskStatus.OVERDUE if i % 2 else TaskStatus.DONE
        )
    client = client_for(cast.district)
    with django_assert_max_num_queries(10):  # … the unit, counts, communities, overdue list, perms ×2
        page = client.get("/visits/stats/?community=421102001001").content.decode()
    assert page[page.index('id="overdue"') :].count("<tr>") == 1 + n // 2


def test_it_explains_a_reversed_period(cast: Any, client_for: Any) -> None:
    page = client_for(cast.street).get("/visits/stats/?from=2026-09-30&to=2026-09-01").content.decode()
    assert "结束日期不能早于开始日期" in page


# ---------------------------------------------------------------- one cadre


def test_it_records_a_hospitalisation_and_creates_a_task(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    assert "登记事件" in client.get(f"/visits/cadres/{cadre_a.pk}/events/new/").content.decode()
    response = client.post(
        f"/visits/cadres/{cadre_a.pk}/events/new/",
        {"kind": "hospitalised", "date": "2026-09-22", "note": "市中心医院心内科"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/visits/cadres/{cadre_a.pk}/"
    event = CadreEvent.objects.get(cadre=cadre_a)
    assert (event.kind, event.note, event.created_by) == (
        "hospitalised",
        "市中心医院心内科",
        cast.community_a,
    )
    task = VisitTask.objects.get(cadre=cadre_a, kind=HOSPITAL.code)
    assert task.event == event
    assert "已登记住院" in response.content.decode()


def test_it_asks_to_confirm_a_death_before_recording_it(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    url = f"/visits/cadres/{cadre_a.pk}/events/new/"
    birthday = make_task(cadre_a, TODAY + timedelta(days=10), kind=BIRTHDAY.code)
    unconfirmed = client.post(url, {"kind": "death", "date": "2026-09-22"})
    assert unconfirmed.status_code == 200 and "登记去世前请勾选确认" in unconfirmed.content.decode()
    assert not CadreEvent.objects.exists()
    client.post(url, {"kind": "death", "date": "2026-09-22", "note": "病逝", "confirm_death": "on"})
    cadre_a.refresh_from_db()
    birthday.refresh_from_db()
    assert cadre_a.status == CadreStatus.DECEASED
    assert birthday.status == TaskStatus.CANCELLED and birthday.cancel_reason
    assert VisitTask.objects.filter(cadre=cadre_a, kind=CONDOLENCE.code, status=TaskStatus.OPEN).exists()


def test_it_validates_the_event_form(cadre_a: Any, cast: Any, client_for: Any) -> None:
    page = (
        client_for(cast.community_a)
        .post(f"/visits/cadres/{cadre_a.pk}/events/new/", {"kind": "wedding", "date": ""})
        .content.decode()
    )
    assert "errorlist" in page and not CadreEvent.objects.exists()


def test_it_keeps_events_from_users_who_may_not_manage_cadres(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    response = client_for(cast.city).post(
        f"/visits/cadres/{cadre_a.pk}/events/new/", {"kind": "special", "date": "2026-09-22"}
    )
    assert response.status_code == 403 and not CadreEvent.objects.exists()


def test_it_shows_a_cadres_tasks_and_records_and_audits_the_view(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    task = make_task(cadre_a, TODAY - timedelta(days=5), status=TaskStatus.DONE, title="中秋慰问")
    make_record(task, TODAY - timedelta(days=5), gifts="月饼", findings="老人精神很好")
    page = client_for(cast.street).get(f"/visits/cadres/{cadre_a.pk}/").content.decode()
    assert "中秋慰问" in page and "月饼" in page and "老人精神很好" in page
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, user=cast.street, action="view").exists()


@pytest.mark.parametrize("who", ["community_b", "community_z", "volunteer"])
def test_it_hides_a_cadre_outside_scope(cadre_a: Any, cast: Any, client_for: Any, who: str) -> None:
    client = client_for(getattr(cast, who))
    assert client.get(f"/visits/cadres/{cadre_a.pk}/").status_code == 404
    assert client.get(f"/visits/cadres/{cadre_a.pk}/events/new/").status_code == 404
    posted = client.post(
        f"/visits/cadres/{cadre_a.pk}/events/new/", {"kind": "special", "date": "2026-09-22"}
    )
    assert posted.status_code == 404 and not CadreEvent.objects.exists()


@pytest.mark.parametrize("n", [3, 30])
def test_it_renders_a_cadres_visits_in_constant_queries(
    n: int, cadre_a: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(n):
        task = make_task(
            cadre_a, TODAY - timedelta(days=i), status=TaskStatus.DONE, assignee=cast.community_a
        )
        make_record(task, TODAY - timedelta(days=i))
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(11):
        assert client.get(f"/visits/cadres/{cadre_a.pk}/").status_code == 200


def test_it_says_when_the_agenda_shows_only_the_earliest_tasks(client_for, cast, cadre_a, monkeypatch):
    from jiujin.tasks import selectors

    monkeypatch.setattr(selectors, "AGENDA_LIMIT", 2)
    for days in (1, 2, 3):
        make_task(cadre_a, TODAY + timedelta(days=days), title=f"任务{days}")
    with time_machine.travel(NOW):
        page = client_for(cast.community_a).get("/visits/").content.decode()
    assert "任务1" in page and "任务3" not in page
    assert "只列出最早到期的 2 项" in page


def test_it_counts_only_what_is_due_by_today(tree: Any, cast: Any, cadre_a: Any, client_for: Any) -> None:
    from jiujin.visits.selectors import VisitFigures, completion_rates, visit_figures_by_community

    second = date(2026, 10, 2)
    make_task(cadre_a, date(2026, 10, 1), status=TaskStatus.DONE)
    make_task(cadre_a, date(2026, 10, 1), status=TaskStatus.OPEN)  # past due: overdue
    make_task(cadre_a, date(2026, 10, 20), status=TaskStatus.DONE)  # done ahead of time: counts
    for day in range(3, 31):  # the rest of the month's tasks, not yet owed on the 2nd
        make_task(cadre_a, date(2026, 10, day))
    completion = completion_rates(cast.street, date(2026, 10, 1), date(2026, 10, 31), today=second)
    [rate] = [r for r in completion.by_community if r.label == "社区A"]
    assert (rate.total, rate.done, rate.overdue, rate.percent) == (3, 2, 1, 67)  # not 2 of 31 (6 %)
    communities = tree.street.children.all()
    figures = visit_figures_by_community(cast.street, communities, today=second)
    assert figures == {tree.community_a.pk: VisitFigures(done=2, due=3, overdue=1)}
    assert (
        visit_figures_by_community(cast.community_b, communities, today=second) == {}
    )  # A: out of B's scope
