"""巡诊 schedules create 上门巡诊 visit tasks like the visit engine: ahead of time, once per date."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from jiujin.audit.services import Actor
from jiujin.cadres.models import CadreStatus
from jiujin.cadres.services import cadre_change_status
from jiujin.health.models import MedicalRoundSchedule, RoundUnit
from jiujin.health.services import medical_rounds_generate
from jiujin.health.task_kinds import MEDICAL_ROUND
from jiujin.tasks.models import TaskStatus, VisitRecord, VisitTask

from .conftest import HTMX, TODAY

pytestmark = pytest.mark.django_db


def schedule(cadre: Any, **fields: Any) -> MedicalRoundSchedule:
    values = {"every": 2, "unit": RoundUnit.WEEK, "provider": "东湖卫生服务站 李医生", "next_date": TODAY}
    return MedicalRoundSchedule.objects.create(cadre=cadre, **(values | fields))


def due_dates(**filters: Any) -> list[date]:
    return list(
        VisitTask.objects.filter(kind=MEDICAL_ROUND.code, **filters).values_list("due_date", flat=True)
    )


def test_it_occurs_every_n_days_or_weeks_from_the_next_date(cadre_a: Any) -> None:
    weekly = schedule(cadre_a, every=1, next_date=date(2026, 3, 2))
    assert weekly.occurrences(TODAY, TODAY + timedelta(days=14)) == [date(2026, 3, 23), date(2026, 3, 30)]
    every_10 = schedule(cadre_a, every=10, unit=RoundUnit.DAY, next_date=date(2026, 3, 20))
    assert every_10.occurrences(TODAY, date(2026, 4, 30)) == [
        date(2026, 3, 20),
        date(2026, 3, 30),
        date(2026, 4, 9),
        date(2026, 4, 19),
        date(2026, 4, 29),
    ]
    assert weekly.upcoming(TODAY) == date(2026, 3, 23) and every_10.upcoming(TODAY) == date(2026, 3, 20)


def test_it_generates_round_tasks_once(cadre_a: Any, cast: Any) -> None:
    s = schedule(cadre_a)
    assert medical_rounds_generate(today=TODAY, through=TODAY + timedelta(days=30)) == 3
    assert medical_rounds_generate(today=TODAY, through=TODAY + timedelta(days=30)) == 0
    assert medical_rounds_generate(today=TODAY + timedelta(days=1)) == 0  # the default window: 30 days
    tasks = list(VisitTask.objects.order_by("due_date"))
    assert [t.due_date for t in tasks] == [TODAY, TODAY + timedelta(days=14), TODAY + timedelta(days=28)]
    task = tasks[0]
    assert (task.rule_key, task.occurrence, task.title) == (f"medical:{s.pk}", TODAY.isoformat(), "上门巡诊")
    assert (task.assignee, task.status, task.suggestion) == (
        cast.community_a,
        "open",
        "巡诊：东湖卫生服务站 李医生",
    )
    assert task.lunar_label.startswith("农历")


def test_it_skips_inactive_schedules_and_closed_files(cadre_a: Any, tree: Any, cast: Any) -> None:
    from jiujin.cadres.tests.factories import CadreFactory

    schedule(cadre_a, active=False)
    moved = CadreFactory(community=tree.community_a)
    schedule(moved)
    medical_rounds_generate(today=TODAY)
    assert due_dates(cadre=moved) == [TODAY, TODAY + timedelta(days=14), TODAY + timedelta(days=28)]
    cadre_change_status(
        actor=Actor(cast.admin), cadre=moved, status=CadreStatus.MOVED_OUT, on=TODAY, reason="随子女迁居"
    )
    assert medical_rounds_generate(today=TODAY + timedelta(days=1)) == 0
    assert set(VisitTask.objects.values_list("status", "cancel_reason")) == {
        (TaskStatus.CANCELLED, "老干部已迁出")
    }
    assert due_dates(cadre=cadre_a) == []


def test_the_command_generates_through_a_date(cadre_a: Any) -> None:
    schedule(cadre_a, every=1)
    out = StringIO()
    call_command("schedule_medical_rounds", "--through", "2026-04-08", stdout=out)
    assert "新生成上门巡诊任务 4 项" in out.getvalue()
    call_command("schedule_medical_rounds", "--through", "2026-04-08", stdout=out)
    assert VisitTask.objects.count() == 4


def test_a_new_schedule_shows_in_the_agenda_at_once(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    data = {
        "every": "1",
        "unit": "week",
        "provider": "东湖卫生服务站",
        "next_date": "2026-03-20",
        "active": "on",
    }
    response = client.post(f"/health/cadres/{cadre_a.pk}/rounds/new/", data, headers=HTMX)
    assert "每周一次" in response.content.decode() and "3月20日" in response.content.decode()
    assert due_dates() == [
        date(2026, 3, 20),
        date(2026, 3, 27),
        date(2026, 4, 3),
        date(2026, 4, 10),
        date(2026, 4, 17),
    ]
    assert "上门巡诊" in client.get("/visits/").content.decode()


def test_rescheduling_replaces_untouched_tasks_and_keeps_visited_ones(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    client = client_for(cast.community_a)
    s = schedule(cadre_a, every=1)
    medical_rounds_generate(today=TODAY)
    tried = VisitTask.objects.get(due_date=TODAY + timedelta(days=7))
    VisitRecord.objects.create(task=tried, visited_on=TODAY, visitors="王芳", outcome="nobody_home")
    data = {"every": "2", "unit": "week", "provider": "新医生", "next_date": "2026-03-19", "active": "on"}
    client.post(f"/health/cadres/{cadre_a.pk}/rounds/{s.pk}/", data, headers=HTMX)
    pending = VisitTask.objects.filter(status=TaskStatus.OPEN).order_by("due_date")
    assert [t.due_date for t in pending] == [date(2026, 3, 19), date(2026, 4, 2), date(2026, 4, 16)]
    assert {t.suggestion for t in pending} == {"巡诊：新医生"}
    tried.refresh_from_db()
    assert (tried.status, tried.cancel_reason) == (TaskStatus.CANCELLED, "巡诊安排已调整")
    client.post(f"/health/cadres/{cadre_a.pk}/rounds/{s.pk}/", data | {"active": ""}, headers=HTMX)
    assert not VisitTask.objects.filter(status=TaskStatus.OPEN).exists()
