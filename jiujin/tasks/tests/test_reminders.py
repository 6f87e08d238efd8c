from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.tasks.models import Notification, TaskStatus, VisitTask
from jiujin.tasks.reminders import MAX_ATTEMPTS, notifications_send, reminders_queue_daily

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 12)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(datetime(2026, 1, 12, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


@pytest.fixture
def workload(cadre_a: Any, cast: Any, tree: Any) -> None:
    """Worker A: one visit due today, one overdue. Worker B: one due tomorrow only (no digest)."""
    cadre_b = CadreFactory(community=tree.community_b, responsible_worker=cast.community_b)
    for cadre, due, status, n in [
        (cadre_a, TODAY, TaskStatus.OPEN, 1),
        (cadre_a, TODAY - timedelta(days=3), TaskStatus.OVERDUE, 2),
        (cadre_a, TODAY - timedelta(days=5), TaskStatus.DONE, 3),
        (cadre_b, TODAY + timedelta(days=1), TaskStatus.OPEN, 4),
    ]:
        VisitTask.objects.create(
            cadre=cadre,
            kind="special",
            rule_key="special",
            occurrence=f"t{n}",
            title="特殊情况走访",
            due_date=due,
            window_start=due,
            status=status,
            assignee=cadre.responsible_worker,
        )
    cast.community_a.phone = "13800000001"
    cast.community_a.email = "a@example.org"
    cast.community_a.save(update_fields=["phone", "email"])


class FailingSms:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def accepts(self, user: Any) -> bool:
        return bool(user.phone)

    def send(self, notification: Notification) -> None:
        raise ConnectionError("短信网关超时")


def test_it_queues_one_digest_per_worker_once_a_day(workload: Any, cast: Any) -> None:
    assert reminders_queue_daily(today=TODAY) == 1
    assert reminders_queue_daily(today=TODAY) == 0
    digest = Notification.objects.get()
    assert (digest.user, digest.channel, digest.key) == (cast.community_a, "in_app", "digest:2026-01-12")
    assert digest.subject == "今日走访提醒：今天应访 1 项，逾期 1 项"
    assert "张德明" not in digest.body  # bodies may leave the system: counts only
    assert digest.sent_at is not None  # in-app needs no sending
    assert reminders_queue_daily(today=TODAY + timedelta(days=1)) == 2  # a new day: A (overdue) and B


def test_it_queues_on_each_configured_channel_the_user_can_be_reached_on(
    workload: Any, settings: Any, cast: Any
) -> None:
    settings.JIUJIN_NOTIFY_CHANNELS = {"webhook": {"url": "https://robot.example/send"}, "sms": {}}
    settings.JIUJIN_NOTIFY_SENDERS = {"sms": "jiujin.tasks.tests.test_reminders.FailingSms"}
    settings.EMAIL_HOST = "smtp.example.org"
    assert reminders_queue_daily(today=TODAY) == 4
    assert set(Notification.objects.values_list("channel", flat=True)) == {
        "in_app",
        "webhook",
        "sms",
        "email",
    }
    cast.community_a.phone = ""
    cast.community_a.save(update_fields=["phone"])
    Notification.objects.all().delete()
    assert reminders_queue_daily(today=TODAY) == 3  # no phone, no SMS


def test_it_sends_email_only_when_a_mail_host_is_configured(workload: Any, settings: Any) -> None:
    reminders_queue_daily(today=TODAY)
    assert not Notification.objects.filter(channel="email").exists()
    settings.EMAIL_HOST = "smtp.example.org"
    reminders_queue_daily(today=TODAY)
    report = notifications_send(now=timezone.now())
    assert report.sent == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].subject.startswith("今日走访提醒")
    assert Notification.objects.get(channel="email").sent_at is not None


def test_it_posts_the_group_robot_json_to_the_webhook(workload: Any, settings: Any, cast: Any) -> None:
    settings.JIUJIN_NOTIFY_CHANNELS = {"webhook": {"url": "https://robot.example/send?key=k"}}
    reminders_queue_daily(today=TODAY)
    response = mock.MagicMock()
    response.__enter__.return_value.read.return_value = b'{"errcode":0,"errmsg":"ok"}'
    with mock.patch("urllib.request.urlopen", return_value=response) as urlopen:
        report = notifications_send(now=timezone.now())
    assert report.sent == 1
    request = urlopen.call_args.args[0]
    assert request.full_url == "https://robot.example/send?key=k" and request.get_method() == "POST"
    payload = json.loads(request.data)
    assert payload["msgtype"] == "text"
    assert payload["text"]["content"].startswith(f"{cast.community_a.display_name}：今日走访提醒")
    assert payload["text"]["mentioned_mobile_list"] == ["13800000001"]
    assert Notification.objects.get(channel="webhook").sent_at is not None


def test_it_treats_a_robot_error_code_as_a_failure(workload: Any, settings: Any) -> None:
    settings.JIUJIN_NOTIFY_CHANNELS = {"webhook": {"url": "https://robot.example/send?key=revoked"}}
    reminders_queue_daily(today=TODAY)
    response = mock.MagicMock()
    response.__enter__.return_value.read.return_value = b'{"errcode":93000,"errmsg":"invalid webhook url"}'
    with mock.patch("urllib.request.urlopen", return_value=response):
        report = notifications_send(now=timezone.now())
    assert (report.sent, report.failed) == (0, 1)
    assert "93000" in Notification.objects.get(channel="webhook").last_error


def test_it_retries_a_failing_sender_with_backoff_and_keeps_the_error(
    workload: Any, settings: Any, caplog: Any
) -> None:
    settings.JIUJIN_NOTIFY_SENDERS = {"sms": "jiujin.tasks.tests.test_reminders.FailingSms"}
    reminders_queue_daily(today=TODAY)
    now = timezone.now()
    sms = Notification.objects.filter(channel="sms")

    report = notifications_send(now=now)
    row = sms.get()
    assert (report.failed, row.attempts, row.sent_at) == (1, 1, None)
    assert row.last_error == "ConnectionError: 短信网关超时"
    assert row.next_attempt_at == now + timedelta(minutes=1) and row.claimed_until is None
    assert notifications_send(now=now + timedelta(seconds=30)).failed == 0  # not due yet

    delays = []
    with caplog.at_level(logging.WARNING, logger="jiujin.tasks.reminders"):
        while (row := sms.get()).attempts < MAX_ATTEMPTS:
            now = row.next_attempt_at
            notifications_send(now=now)
            delays.append(sms.get().next_attempt_at - now)
    assert delays[:3] == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert any(r.levelno == logging.ERROR and "giving up" in r.getMessage() for r in caplog.records)
    assert notifications_send(now=now + timedelta(days=30)).failed == 0  # stopped, but kept
    assert sms.get().last_error == "ConnectionError: 短信网关超时"


def test_it_skips_rows_claimed_by_another_sender(workload: Any, settings: Any) -> None:
    settings.JIUJIN_NOTIFY_SENDERS = {"sms": "jiujin.tasks.tests.test_reminders.FailingSms"}
    reminders_queue_daily(today=TODAY)
    now = timezone.now()
    Notification.objects.filter(channel="sms").update(claimed_until=now + timedelta(minutes=5))
    assert notifications_send(now=now).failed == 0
    assert notifications_send(now=now + timedelta(minutes=6)).failed == 1


def test_it_schedules_everything_in_one_idempotent_command(cadre_a: Any) -> None:
    cadre_a.birth_date = date(1941, 1, 20)
    cadre_a.save(update_fields=["birth_date"])
    out = StringIO()
    call_command("schedule_visits", through="2026-02-28", stdout=out)
    assert "新生成任务 2 项" in out.getvalue()  # the birthday on 1月20日 and 春节 on 2月17日
    call_command("schedule_visits", through="2026-02-28", stdout=out)
    assert VisitTask.objects.count() == 2
    with time_machine.travel(datetime(2026, 1, 21, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("schedule_visits", through="2026-02-28", stdout=out)
    assert "逾期 1 项" in out.getvalue() and "提醒入队 1 条" in out.getvalue()
    assert Notification.objects.get().key == "digest:2026-01-21"
