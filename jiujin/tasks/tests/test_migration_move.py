"""The move of the tasks, their records and the reminders from the visits app into the tasks app loses
nothing: rows written by the schema before the move are there after it, with the same ids, links and
values (SQLite and PostgreSQL: `make test` runs this file on both)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

# The schema of the last release before the move: tasks lived in visits (0003), service requests pointed there.
BEFORE = [
    ("visits", "0003_one_condolence_per_cadre"),
    ("servicerequests", "0001_initial"),
    ("audit", "0003_fill_subject"),
    ("contenttypes", "0002_remove_content_type_name"),
]
MOVED_TABLES = {"tasks_visittask", "tasks_visitrecord", "tasks_notification"}
OLD_TABLES = {"visits_visittask", "visits_visitrecord", "visits_notification"}


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # what is applied now
    return executor


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _write_old_rows(old: Any, cadre: Any, worker: Any) -> dict[str, int]:
    """Rows as the visits app of the release before wrote them, through that release's models."""
    Task = old.get_model("visits", "VisitTask")
    Record = old.get_model("visits", "VisitRecord")
    Notification = old.get_model("visits", "Notification")
    Event = old.get_model("visits", "CadreEvent")
    Request = old.get_model("servicerequests", "ServiceRequest")
    ContentType = old.get_model("contenttypes", "ContentType")
    AuditEvent = old.get_model("audit", "AuditEvent")
    # Ids come from the sequences, as in a real database; a few deleted rows first, so that none is 1.
    for _ in range(3):
        Task.objects.create(
            cadre_id=cadre.pk, kind="holiday", rule_key="gone", occurrence="x", title="-",
            due_date=date(2026, 1, 1), window_start=date(2026, 1, 1),
        ).delete()  # fmt: skip
    event = Event.objects.create(cadre_id=cadre.pk, kind="hospitalised", date=date(2026, 9, 20))
    birthday = Task.objects.create(
        cadre_id=cadre.pk, kind="birthday", rule_key="birthday", occurrence="2026", title="80岁祝寿",
        due_date=date(2026, 9, 25), window_start=date(2026, 9, 18), lunar_label="农历八月十五", priority=3,
        status="open", assignee_id=worker.pk, suggestion="生日蛋糕",
    )  # fmt: skip
    visit = Task.objects.create(
        cadre_id=cadre.pk, kind="hospital", rule_key="hospital", occurrence=f"event-{event.pk}",
        title="住院探视", due_date=date(2026, 9, 23), window_start=date(2026, 9, 20), status="done",
        assignee_id=worker.pk, event_id=event.pk, done_at=timezone.now(),
    )  # fmt: skip
    record = Record.objects.create(
        task_id=visit.pk, visited_on=date(2026, 9, 22), visitors="王芳", form="hospital",
        outcome="visited", gifts="水果", money=Decimal("200.00"), findings="恢复良好", needs="需要陪诊",
        recorded_by_id=worker.pk,
    )  # fmt: skip
    request = Request.objects.create(
        cadre_id=cadre.pk, category="medical_escort", description="陪诊", target_minutes=60,
        due_at=timezone.now() + timedelta(hours=1), visit_record_id=record.pk,
    )  # fmt: skip
    notification = Notification.objects.create(
        user_id=worker.pk, channel="in_app", key="digest:2026-09-23", subject="今日走访提醒",
        body="今天应访 1 项。", sent_at=timezone.now(),
    )  # fmt: skip
    ContentType.objects.get_or_create(app_label="visits", model="visitrecord")
    ContentType.objects.filter(app_label="tasks").delete()
    AuditEvent.objects.create(action="create", subject_type="visits.visitrecord", subject_id=str(record.pk))
    return {
        "event": event.pk, "request": request.pk, "birthday": birthday.pk, "visit": visit.pk,
        "record": record.pk, "notification": notification.pk,
    }  # fmt: skip


def test_it_keeps_every_task_record_and_reminder_with_its_id_through_the_move(
    cadre_a: Any, cast: Any
) -> None:
    cadre, worker = cadre_a, cast.community_a
    executor = _migrate([("tasks", None)])  # back to the schema before the move (and all that follows it)
    assert _tables() >= OLD_TABLES and not MOVED_TABLES & _tables()
    old = executor.loader.project_state(BEFORE).apps
    ids = _write_old_rows(old, cadre, worker)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # forward to now

    from jiujin.audit.models import AuditEvent
    from jiujin.servicerequests.models import ServiceRequest
    from jiujin.tasks.models import Notification, VisitRecord, VisitTask

    assert _tables() >= MOVED_TABLES and not OLD_TABLES & _tables()
    assert min(ids.values()) > 0 and ids["birthday"] > 3
    assert sorted(VisitTask.objects.values_list("pk", "kind", "status", "title")) == [
        (ids["birthday"], "birthday", "open", "80岁祝寿"),
        (ids["visit"], "hospital", "done", "住院探视"),
    ]
    birthday = VisitTask.objects.get(pk=ids["birthday"])
    assert (birthday.cadre_id, birthday.assignee_id, birthday.priority, birthday.suggestion) == (
        cadre.pk, worker.pk, 3, "生日蛋糕",
    )  # fmt: skip
    assert birthday.kind_label == "生日祝寿"  # the label now comes from the kinds the visits app registers
    visit = VisitTask.objects.get(pk=ids["visit"])
    assert visit.event_id == ids["event"]
    assert list(visit.event.tasks.values_list("pk", flat=True)) == [ids["visit"]]
    record = VisitRecord.objects.get(pk=ids["record"])
    assert (record.task_id, record.money, record.needs, record.recorded_by_id) == (
        ids["visit"], Decimal("200.00"), "需要陪诊", worker.pk,
    )  # fmt: skip
    assert ServiceRequest.objects.get(pk=ids["request"]).visit_record == record
    notification = Notification.objects.get(pk=ids["notification"])
    assert (notification.user_id, notification.key, notification.subject) == (
        worker.pk, "digest:2026-09-23", "今日走访提醒",
    )  # fmt: skip
    assert AuditEvent.objects.filter(subject_type="tasks.visitrecord", subject_id=str(ids["record"])).exists()
    from django.contrib.contenttypes.models import ContentType

    assert ContentType.objects.filter(app_label="tasks", model="visitrecord").exists()
    assert not ContentType.objects.filter(app_label="visits", model="visitrecord").exists()
    # The foreign keys of and to the renamed tables still hold, and new rows continue after the old ids.
    connection.check_constraints()
    new = VisitTask.objects.create(
        cadre=cadre, kind="holiday", rule_key="holiday:test", occurrence="2026", title="中秋慰问",
        due_date=date(2026, 9, 25), window_start=date(2026, 9, 10),
    )  # fmt: skip
    assert new.pk > ids["visit"]
    VisitRecord.objects.create(task=new, visited_on=date(2026, 9, 24), visitors="王芳")


def test_it_moves_back_for_a_rollback(cadre_a: Any) -> None:
    cadre = cadre_a
    from jiujin.tasks.models import VisitTask

    task = VisitTask.objects.create(
        cadre=cadre, kind="birthday", rule_key="birthday", occurrence="2026", title="生日祝福",
        due_date=date(2026, 9, 25), window_start=date(2026, 9, 18),
    )  # fmt: skip
    executor = _migrate([("tasks", None)])
    old = executor.loader.project_state(BEFORE).apps
    assert old.get_model("visits", "VisitTask").objects.get(pk=task.pk).title == "生日祝福"
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert VisitTask.objects.get(pk=task.pk).title == "生日祝福"
