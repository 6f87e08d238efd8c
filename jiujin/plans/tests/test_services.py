"""Service plans: schedules, the tasks they put on agendas (idempotent), edits and reviews."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.lib.calendar import recurring_dates
from jiujin.plans.services import (
    ItemValues,
    plan_create,
    plan_review,
    plan_tasks_generate,
    plan_update,
)
from jiujin.plans.task_kinds import PLAN_SERVICE
from jiujin.tasks.models import TaskStatus, VisitTask
from jiujin.volunteers.models import Volunteer

from .conftest import NOW, TODAY, actor

pytestmark = pytest.mark.django_db


def test_it_schedules_every_n_days_weeks_and_months() -> None:
    start = date(2026, 1, 31)
    lo, hi = date(2026, 3, 1), date(2026, 5, 31)
    assert recurring_dates(start=start, every=1, unit="month", lo=lo, hi=hi) == [
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert recurring_dates(start=start, every=2, unit="month", lo=lo, hi=hi) == [
        date(2026, 3, 31),
        date(2026, 5, 31),
    ]
    assert recurring_dates(start=date(2026, 9, 2), every=2, unit="week", lo=TODAY, hi=date(2026, 10, 31)) == [
        date(2026, 9, 30),
        date(2026, 10, 14),
        date(2026, 10, 28),
    ]
    assert recurring_dates(start=TODAY, every=3, unit="day", lo=TODAY, hi=TODAY + timedelta(days=7)) == [
        TODAY,
        TODAY + timedelta(days=3),
        TODAY + timedelta(days=6),
    ]
    assert recurring_dates(start=date(2027, 1, 1), every=1, unit="day", lo=TODAY, hi=date(2026, 12, 31)) == []


def make_plan(cadre: Any, user: Any, **fields: Any) -> Any:
    items = fields.pop("items", None) or [ItemValues(what="上门理发", every=2, unit="week", start_date=TODAY)]
    values = {"needs": "独居，行动不便", "need_tags": ["上门理发"], "review_date": date(2026, 12, 1)} | fields
    return plan_create(actor=actor(user), cadre=cadre, items=items, **values)


def plan_tasks(cadre: Any) -> Any:
    return VisitTask.objects.filter(cadre=cadre, kind=PLAN_SERVICE.code).order_by("due_date", "id")


def test_it_puts_the_plans_services_on_the_workers_agenda_idempotently(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    plan = make_plan(cadre_a, cast.community_a)
    item = plan.items.get()
    services = plan_tasks(cadre_a).filter(rule_key=f"plan:{item.pk}")
    assert [t.occurrence for t in services] == [TODAY.isoformat(), (TODAY + timedelta(days=14)).isoformat()]
    assert all(t.assignee == cast.community_a and t.title == "方案服务：上门理发" for t in services)
    through = TODAY + timedelta(days=70)  # the review on 12-01 is day 69
    assert plan_tasks_generate(today=TODAY, through=through) == 4 + 1  # days 28, 42, 56, 70 and the review
    assert plan_tasks_generate(today=TODAY, through=through) == 0
    review = plan_tasks(cadre_a).get(rule_key=f"plan-review:{plan.pk}")
    assert review.due_date == date(2026, 12, 1) and review.title == "服务方案复核"
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        assert plan_tasks_generate(today=TODAY + timedelta(days=15), through=through) == 0
    assert "方案服务：上门理发" in client_for(cast.community_a).get("/visits/").content.decode()


def test_it_assigns_to_the_responsible_person(cadre_a: Any, cast: Any, tree: Any) -> None:
    with_login = Volunteer.objects.create(
        name="小李", phone="13900000001", community=tree.community_a, user=cast.volunteer
    )
    without = Volunteer.objects.create(name="老周", phone="13900000002", community=tree.community_a)
    make_plan(
        cadre_a,
        cast.community_a,
        items=[
            ItemValues(what="陪诊", every=1, unit="month", start_date=TODAY, worker=cast.street),
            ItemValues(what="读报", every=1, unit="month", start_date=TODAY, volunteer=with_login),
            ItemValues(what="助洁", every=1, unit="month", start_date=TODAY, volunteer=without),
        ],
    )
    assignees = {t.title: t.assignee for t in plan_tasks(cadre_a).filter(due_date=TODAY)}
    assert assignees == {
        "方案服务：陪诊": cast.street,
        "方案服务：读报": cast.volunteer,
        "方案服务：助洁": cast.community_a,
    }


def test_it_cancels_pending_tasks_of_stopped_or_rescheduled_services(cadre_a: Any, cast: Any) -> None:
    plan = make_plan(cadre_a, cast.community_a)
    item = plan.items.get()
    values = ItemValues(
        what="上门理发", every=1, unit="month", start_date=TODAY + timedelta(days=1), item=item
    )
    plan_update(
        actor=actor(cast.community_a),
        plan=plan,
        needs=plan.needs,
        need_tags=plan.need_tags,
        review_date=date(2027, 1, 5),
        items=[values],
    )
    tasks = plan_tasks(cadre_a)
    pending = tasks.filter(status=TaskStatus.OPEN)
    assert [(t.rule_key, t.due_date) for t in pending] == [(f"plan:{item.pk}", TODAY + timedelta(days=1))]
    assert set(tasks.filter(status=TaskStatus.CANCELLED).values_list("cancel_reason", flat=True)) == {
        "服务方案已调整"
    }
    # Leaving a service out stops it and cancels what it still had pending.
    plan_update(actor=actor(cast.community_a), plan=plan, needs="", need_tags=[], review_date=None, items=[])
    item.refresh_from_db()
    assert not item.active
    assert not plan_tasks(cadre_a).filter(status__in=[TaskStatus.OPEN, TaskStatus.OVERDUE]).exists()
    changes = (
        AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.UPDATE)
        .order_by("id")
        .last()
        .changes
    )
    assert changes["needs"] == ["独居，行动不便", ""]


def test_it_records_a_review_and_schedules_the_next(cadre_a: Any, cast: Any) -> None:
    plan = make_plan(cadre_a, cast.community_a, review_date=TODAY + timedelta(days=3))
    plan_review(
        actor=actor(cast.community_a),
        plan=plan,
        reviewed_on=TODAY,
        next_review_date=TODAY + timedelta(days=10),
        note="需求不变",
    )
    reviews = plan_tasks(cadre_a).filter(rule_key=f"plan-review:{plan.pk}")
    assert [(t.occurrence, t.status) for t in reviews] == [
        ((TODAY + timedelta(days=3)).isoformat(), TaskStatus.DONE),
        ((TODAY + timedelta(days=10)).isoformat(), TaskStatus.OPEN),  # within the horizon: on the agenda now
    ]
    plan.refresh_from_db()
    assert plan.last_reviewed_on == TODAY and plan.review_note == "需求不变"
