from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.tasks.models import TaskStatus, VisitForm, VisitOutcome, VisitRecord, VisitTask
from jiujin.tasks.records import TaskAlreadyDone, TaskNotOpen, visit_task_cancel, visit_task_complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(datetime(2026, 1, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def actor(cast: Any) -> Actor:
    return Actor(user=cast.community_a)


@pytest.fixture
def task(cadre_a: Any, cast: Any) -> VisitTask:
    return VisitTask.objects.create(
        cadre=cadre_a,
        kind="birthday",
        rule_key="birthday",
        occurrence="2026",
        title="90岁祝寿",
        due_date=date(2026, 1, 10),
        window_start=date(2026, 1, 3),
        status=TaskStatus.OVERDUE,
        assignee=cast.community_a,
    )


def complete(actor: Actor, task: VisitTask, outcome: str = VisitOutcome.VISITED, **extra: Any) -> VisitRecord:
    return visit_task_complete(
        actor=actor,
        task=task,
        visited_on=date(2026, 1, 12),
        visitors="王社工、李书记",
        form=VisitForm.HOME,
        outcome=outcome,
        **extra,
    )


def test_it_completes_an_overdue_task_with_a_record(actor: Any, task: VisitTask, cadre_a: Any) -> None:
    record = complete(
        actor, task, gifts="米面油", money=Decimal("500.00"), findings="身体尚可", needs="想订报纸"
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at is not None
    assert (record.gifts, record.money, record.needs, record.recorded_by) == (
        "米面油",
        Decimal("500.00"),
        "想订报纸",
        actor.user,
    )
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, detail__startswith="走访记录").exists()


def test_it_keeps_the_task_open_after_nobody_was_home(actor: Any, task: VisitTask) -> None:
    complete(actor, task, VisitOutcome.NOBODY_HOME)
    complete(actor, task, VisitOutcome.NOBODY_HOME)
    task.refresh_from_db()
    assert task.status == TaskStatus.OVERDUE
    complete(actor, task, VisitOutcome.FAMILY)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert list(task.records.order_by("id").values_list("outcome", flat=True)) == [
        "nobody_home",
        "nobody_home",
        "family",
    ]


def test_it_completes_once_when_two_phones_submit(actor: Any, task: VisitTask) -> None:
    first_phone = VisitTask.objects.get(pk=task.pk)
    second_phone = VisitTask.objects.get(pk=task.pk)  # loaded before the first one saved: still "overdue"
    complete(actor, first_phone)
    with pytest.raises(TaskAlreadyDone, match="该任务已由他人完成"):
        complete(actor, second_phone)
    assert VisitRecord.objects.filter(task=task).count() == 1


def test_it_has_the_database_refuse_a_second_completing_record(actor: Any, task: VisitTask) -> None:
    complete(actor, task)
    with pytest.raises(IntegrityError), transaction.atomic():
        VisitRecord.objects.create(task=task, visited_on=date(2026, 1, 12), visitors="x", outcome="visited")
    VisitRecord.objects.create(task=task, visited_on=date(2026, 1, 12), visitors="x", outcome="nobody_home")


def test_it_refuses_to_complete_a_cancelled_task(actor: Any, task: VisitTask) -> None:
    visit_task_cancel(actor=actor, task=task, reason="本人外出探亲三个月")
    task.refresh_from_db()
    assert (task.status, task.cancel_reason) == (TaskStatus.CANCELLED, "本人外出探亲三个月")
    for outcome in [VisitOutcome.VISITED, VisitOutcome.NOBODY_HOME]:
        with pytest.raises(TaskNotOpen):
            complete(actor, task, outcome)
    assert not VisitRecord.objects.exists()


def test_it_refuses_to_record_nobody_home_on_a_done_task(actor: Any, task: VisitTask) -> None:
    complete(actor, task)
    with pytest.raises(TaskAlreadyDone):
        complete(actor, task, VisitOutcome.NOBODY_HOME)


def test_it_needs_a_reason_to_cancel_and_cannot_cancel_a_done_task(actor: Any, task: VisitTask) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        visit_task_cancel(actor=actor, task=task, reason="  ")
    complete(actor, task)
    with pytest.raises(TaskAlreadyDone):
        visit_task_cancel(actor=actor, task=task, reason="重复")
