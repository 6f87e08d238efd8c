from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.models import CadreStatus
from jiujin.tasks.models import TaskStatus, VisitTask
from jiujin.visits.events import cadre_event_record
from jiujin.visits.generation import visit_tasks_generate
from jiujin.visits.models import EventKind, VisitSettings
from jiujin.visits.task_kinds import BIRTHDAY, CONDOLENCE, FAMILY_EVENT, HOLIDAY, HOSPITAL, SPECIAL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(datetime(2026, 1, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def actor(cast: Any) -> Actor:
    return Actor(user=cast.community_a, ip="10.0.0.1")


@pytest.mark.parametrize(
    ("kind", "task_kind", "title", "days", "priority"),
    [
        (EventKind.HOSPITALISED, HOSPITAL.code, "住院探视", 3, 3),
        (EventKind.FAMILY_EVENT, FAMILY_EVENT.code, "重大家事看望", 3, 3),
        (EventKind.SPECIAL, SPECIAL.code, "特殊情况走访", 2, 2),
    ],
)
def test_it_creates_the_visit_an_event_calls_for(
    actor: Any, cadre_a: Any, cast: Any, kind: str, task_kind: str, title: str, days: int, priority: int
) -> None:
    event = cadre_event_record(actor=actor, cadre=cadre_a, kind=kind, on=date(2026, 1, 12), note="市中心医院")
    task = VisitTask.objects.get(event=event)
    assert (task.kind, task.title, task.priority, task.status) == (
        task_kind,
        title,
        priority,
        TaskStatus.OPEN,
    )
    assert (task.window_start, task.due_date) == (date(2026, 1, 12), date(2026, 1, 12 + days))
    assert task.assignee == cast.community_a and task.lunar_label.startswith("农历")
    assert event.created_by == cast.community_a
    audit = AuditEvent.objects.get(cadre_id=cadre_a.pk, action=AuditAction.CREATE)
    assert audit.detail.startswith("登记事件") and audit.ip == "10.0.0.1"


def test_it_takes_the_hospital_days_from_the_settings_up_the_tree(
    actor: Any, cadre_a: Any, tree: Any
) -> None:
    VisitSettings.objects.create(org_unit=tree.district, hospital_days=1)
    event = cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.HOSPITALISED, on=date(2026, 1, 12))
    assert VisitTask.objects.get(event=event).due_date == date(2026, 1, 13)


def test_it_makes_a_late_recorded_event_overdue_at_once(actor: Any, cadre_a: Any) -> None:
    event = cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.HOSPITALISED, on=date(2026, 1, 2))
    assert VisitTask.objects.get(event=event).status == TaskStatus.OVERDUE


def test_it_keeps_one_task_per_event(actor: Any, cadre_a: Any) -> None:
    for _ in range(2):
        cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.HOSPITALISED, on=date(2026, 1, 12))
    assert VisitTask.objects.filter(cadre=cadre_a, kind=HOSPITAL.code).count() == 2


def test_it_handles_a_death(actor: Any, cadre_a: Any) -> None:
    cadre_a.birth_date = date(1941, 1, 20)
    cadre_a.save(update_fields=["birth_date"])
    visit_tasks_generate(today=date(2026, 1, 12))
    hospital = cadre_event_record(
        actor=actor, cadre=cadre_a, kind=EventKind.HOSPITALISED, on=date(2026, 1, 5)
    )
    pending = VisitTask.objects.filter(cadre=cadre_a, kind__in=[BIRTHDAY.code, HOLIDAY.code])
    assert pending.count() >= 2  # birthday on 1月20日 and 春节

    event = cadre_event_record(
        actor=actor, cadre=cadre_a, kind=EventKind.DEATH, on=date(2026, 1, 13), note="病故"
    )

    cadre_a.refresh_from_db()
    assert (cadre_a.status, cadre_a.status_date, cadre_a.status_reason) == (
        "deceased",
        date(2026, 1, 13),
        "病故",
    )
    assert AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.STATUS).exists()
    assert set(pending.values_list("status", "cancel_reason")) == {(TaskStatus.CANCELLED, "老干部已去世")}
    condolence = VisitTask.objects.get(event=event)
    assert (condolence.kind, condolence.title, condolence.due_date) == (
        CONDOLENCE.code,
        "吊唁慰问家属",
        date(2026, 1, 15),
    )
    # The hospital visit is not a birthday or holiday: it stays for the worker to close.
    assert VisitTask.objects.get(event=hospital).status == TaskStatus.OVERDUE
    assert visit_tasks_generate(today=date(2026, 1, 14)) == 0


def test_it_refuses_events_for_cadres_no_longer_on_the_register(actor: Any, cadre_a: Any) -> None:
    cadre_a.status = CadreStatus.MOVED_OUT
    cadre_a.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        cadre_event_record(actor=actor, cadre=cadre_a, kind=EventKind.DEATH, on=date(2026, 1, 12))
    with pytest.raises(ValidationError):
        cadre_event_record(actor=actor, cadre=cadre_a, kind="wedding", on=date(2026, 1, 12))
    assert not VisitTask.objects.exists()


def test_it_cancels_scheduled_visits_when_a_cadre_moves_out(cast, cadre_a):
    from jiujin.audit.services import Actor
    from jiujin.cadres.services import cadre_change_status
    from jiujin.tasks.models import TaskStatus, VisitTask
    from jiujin.visits.task_kinds import BIRTHDAY, HOSPITAL

    birthday = VisitTask.objects.create(
        cadre=cadre_a,
        kind=BIRTHDAY.code,
        rule_key="birthday",
        occurrence="2026",
        title="生日祝福",
        due_date=date(2026, 12, 20),
        window_start=date(2026, 12, 13),
    )
    hospital = VisitTask.objects.create(
        cadre=cadre_a,
        kind=HOSPITAL.code,
        rule_key="event:1",
        occurrence="1",
        title="住院探视",
        due_date=date(2026, 12, 2),
        window_start=date(2026, 11, 29),
    )
    cadre_change_status(
        actor=Actor(user=cast.community_a),
        cadre=cadre_a,
        status="moved_out",
        on=date(2026, 11, 29),
        reason="随子女迁居",
    )
    birthday.refresh_from_db()
    hospital.refresh_from_db()
    assert (birthday.status, birthday.cancel_reason) == (TaskStatus.CANCELLED, "老干部已迁出")
    assert hospital.status == TaskStatus.OPEN
