"""Reminders: the daily digest per worker, sending it on each channel with retries, and the in-app
reminders read on the pages."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from jiujin.lib.calendar import lunar_label

from . import senders as senders_module
from .models import Notification, VisitTask

if TYPE_CHECKING:
    from jiujin.accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def reminders_queue_daily(*, today: date) -> int:
    """One digest per worker with tasks due today or overdue, in the app and on each configured channel.

    Keyed by date, so running it again the same day adds nothing. Bodies carry counts, not names: they may
    leave the system (email, a group robot), and the agenda page shows the rest.
    """
    key = f"digest:{today.isoformat()}"
    workload = (
        VisitTask.objects.pending()
        .filter(due_date__lte=today, assignee__isnull=False, assignee__is_active=True)
        .values("assignee")
        .annotate(
            due_today=Count("pk", filter=Q(due_date=today)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
        )
    )
    counts = {row["assignee"]: (row["due_today"], row["overdue"]) for row in workload}
    if not counts:
        return 0
    from jiujin.accounts.models import User

    users = User.objects.in_bulk(list(counts))
    existing = set(Notification.objects.filter(key=key).values_list("user_id", "channel"))
    channels = senders_module.configured_senders()
    now = timezone.now()
    rows = []
    for user_id, (due_today, overdue) in counts.items():
        subject, body = _digest_text(today, due_today, overdue)
        for channel, sender in channels.items():
            if (user_id, channel) in existing or not sender.accepts(users[user_id]):
                continue
            in_app = channel == senders_module.IN_APP
            rows.append(
                Notification(
                    user_id=user_id,
                    channel=channel,
                    key=key,
                    subject=subject,
                    body=body,
                    sent_at=now if in_app else None,  # shown in the app; nothing to send
                )
            )
    Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def _digest_text(today: date, due_today: int, overdue: int) -> tuple[str, str]:
    subject = f"今日走访提醒：今天应访 {due_today} 项，逾期 {overdue} 项"
    lines = [f"{today.month}月{today.day}日（{lunar_label(today)}）走访提醒："]
    if due_today:
        lines.append(f"今天应访 {due_today} 项。")
    if overdue:
        lines.append(f"已逾期 {overdue} 项，请尽快走访。")
    lines.append("详情请打开“我的走访”。")
    return subject, "\n".join(lines)


MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # will be retried
    gave_up: int = 0  # reached MAX_ATTEMPTS; kept with last_error
    errors: list[str] = field(default_factory=list)


def notifications_send(*, now: datetime, limit: int = 500) -> SendReport:
    """Send due notifications. Each row is claimed by a conditional UPDATE (a lease), so two senders never
    send the same row; network calls run outside any transaction. Failures are retried with exponential
    backoff and kept with last_error after MAX_ATTEMPTS — never dropped.
    """
    report = SendReport()
    channels = senders_module.configured_senders()
    due = (
        Notification.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    )
    candidates = list(due.order_by("id").values_list("pk", flat=True)[:limit])
    for pk in candidates:
        if not due.filter(pk=pk).update(claimed_until=now + LEASE):
            continue  # another sender took it
        notification = Notification.objects.select_related("user").get(pk=pk)
        _send_one(notification, channels.get(notification.channel), now, report)
    return report


def _send_one(
    notification: Notification, sender: senders_module.Sender | None, now: datetime, report: SendReport
) -> None:
    try:
        if sender is None:
            raise senders_module.SendError(f"渠道未配置：{notification.channel}")
        sender.send(notification)
    except Exception as exc:  # a sender may fail in any way; the row must survive it
        _record_failure(notification, exc, now, report)
        return
    Notification.objects.filter(pk=notification.pk).update(sent_at=now, claimed_until=None, last_error="")
    report.sent += 1


def _record_failure(notification: Notification, exc: Exception, now: datetime, report: SendReport) -> None:
    attempts = notification.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:2000]
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_MAX)
    Notification.objects.filter(pk=notification.pk).update(
        attempts=attempts, last_error=error, next_attempt_at=now + delay, claimed_until=None
    )
    report.errors.append(error)
    if attempts >= MAX_ATTEMPTS:
        report.gave_up += 1
        logger.error(
            "notification %s (%s to user %s) failed %d times, giving up: %s",
            notification.pk,
            notification.channel,
            notification.user_id,
            attempts,
            error,
        )
    else:
        report.failed += 1
        logger.warning(
            "notification %s (%s) failed (attempt %d), retry at %s: %s",
            notification.pk,
            notification.channel,
            attempts,
            now + delay,
            error,
        )


def notifications_retry(*, notification: Notification) -> None:
    """Give a notification that stopped retrying another round (e.g. after fixing the gateway)."""
    Notification.objects.filter(pk=notification.pk, sent_at__isnull=True).update(
        attempts=0, next_attempt_at=None, claimed_until=None
    )


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark all of the user's unread in-app reminders read; returns how many."""
    return Notification.objects.filter(user=user, channel=senders_module.IN_APP, read_at__isnull=True).update(
        read_at=timezone.now()
    )
