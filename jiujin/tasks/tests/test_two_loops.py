"""Two app servers each running the loop against one PostgreSQL: every task once, every reminder once."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from jiujin.accounts.models import Role, User
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core import registry
from jiujin.core.models import DailyJobRun
from jiujin.core.registry import DailyJob
from jiujin.tasks.management.commands import schedule_visits
from jiujin.tasks.models import Notification, TaskStatus, VisitTask

TODAY = date(2026, 1, 12)
SENT: list[int] = []
SENT_LOCK = threading.Lock()

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several hosts share a PostgreSQL server"),
]


class CountingSms:
    def __init__(self, **options: Any) -> None:
        pass

    def accepts(self, user: Any) -> bool:
        return bool(user.phone)

    def send(self, notification: Notification) -> None:
        time.sleep(0.01)  # a gateway takes a while: the other loop gets its chance to grab the row
        with SENT_LOCK:
            SENT.append(notification.pk)


@pytest.fixture
def workload(tree: Any) -> int:
    """40 workers with a visit due today and phones; 60 cadres with birthdays in the next weeks."""
    for n in range(40):
        worker = User.objects.create(
            username=f"worker{n}", role=Role.COMMUNITY, org_unit=tree.community_a, phone=f"1380000{n:04d}"
        )
        cadre = CadreFactory(community=tree.community_a, responsible_worker=worker)
        VisitTask.objects.create(
            cadre=cadre,
            kind="special",
            rule_key="special",
            occurrence="t",
            title="特殊情况走访",
            due_date=TODAY,
            window_start=TODAY,
            status=TaskStatus.OPEN,
            assignee=worker,
        )
    for n in range(60):
        CadreFactory(community=tree.community_a, birth_date=date(1940 + n % 20, 1, 13 + n % 15))
    return 40


def test_it_creates_each_task_and_sends_each_reminder_once(
    workload: int, settings: Any, monkeypatch: Any
) -> None:
    settings.JIUJIN_NOTIFY_SENDERS = {"sms": "jiujin.tasks.tests.test_two_loops.CountingSms"}
    settings.JIUJIN_NOTIFY_CHANNELS = {"sms": {}}
    SENT.clear()
    runs: list[date] = []
    monkeypatch.setattr(registry, "_jobs", dict(registry._jobs))  # the counting job stays in this test
    registry.daily_job_register(
        DailyJob("test-count", lambda today, through: str(runs.append(today)), order=50)
    )
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def loop() -> None:
        try:
            start.wait()
            for _ in range(3):
                schedule_visits.run_tick(once_a_day=True, wait_for_hour=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    moment = datetime(2026, 1, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        hosts = [threading.Thread(target=loop) for _ in range(2)]
        for host in hosts:
            host.start()
        for host in hosts:
            host.join(60)
    assert errors == []
    assert runs == [TODAY]  # one host ran each daily job; the other skipped it or found it done
    sms = Notification.objects.filter(channel="sms")
    assert sms.count() == workload and Notification.objects.filter(channel="in_app").count() == workload
    assert sorted(SENT) == sorted(sms.values_list("pk", flat=True))  # each sent once, none twice
    assert not sms.filter(sent_at__isnull=True).exists()
    keys = list(VisitTask.objects.values_list("cadre_id", "rule_key", "occurrence"))
    assert len(keys) == len(set(keys)) and VisitTask.objects.filter(kind="birthday").exists()
    assert DailyJobRun.objects.get(name="visit-tasks").done_for == TODAY
    assert DailyJobRun.objects.get(name="reminder-digest").done_for == TODAY
