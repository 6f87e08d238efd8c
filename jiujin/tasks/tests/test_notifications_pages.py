"""In-app reminders: the user's digest list, mark all read, and the nav's unread badge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from jiujin.tasks.models import Channel, Notification, TaskStatus
from jiujin.tasks.reminders import reminders_queue_daily
from jiujin.visits.tests.helpers import NOW, TODAY, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def notify(user: Any, n: int, *, channel: str = Channel.IN_APP, read: bool = False) -> None:
    Notification.objects.bulk_create(
        Notification(
            user=user,
            channel=channel,
            key=f"{channel}:{i}",
            subject=f"提醒{i}号",
            body="详情请打开“我的走访”。",
            sent_at=NOW,
            read_at=NOW if read else None,
        )
        for i in range(n)
    )


def test_it_lists_the_daily_digest_of_the_user_only(cadre_a: Any, cast: Any, client_for: Any) -> None:
    make_task(cadre_a, TODAY)
    make_task(cadre_a, TODAY - timedelta(days=2), status=TaskStatus.OVERDUE)
    reminders_queue_daily(today=TODAY)
    notify(cast.community_b, 1)
    notify(cast.community_a, 1, channel=Channel.EMAIL)

    html = client_for(cast.community_a).get("/visits/reminders/").content.decode()
    assert "今日走访提醒：今天应访 1 项，逾期 1 项" in html
    assert 'class="card unread"' in html
    assert "提醒0号" not in html  # neither B's nor A's e-mail copy

    assert "今日走访提醒" not in client_for(cast.community_b).get("/visits/reminders/").content.decode()


def test_it_marks_all_read_and_the_badge_follows(cast: Any, client_for: Any) -> None:
    notify(cast.community_a, 3)
    notify(cast.community_b, 2)
    client = client_for(cast.community_a)
    badge = client.get("/visits/reminders/badge/").content.decode()
    assert '<a class="badge err"' in badge and ">3</a>" in badge

    assert client.get("/visits/reminders/read/").status_code == 405
    assert client.post("/visits/reminders/read/").status_code == 302
    assert not Notification.objects.filter(user=cast.community_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=cast.community_b, read_at__isnull=True).count() == 2
    assert client.get("/visits/reminders/badge/").content.decode().strip() == ""
    assert 'class="card unread"' not in client.get("/visits/reminders/").content.decode()


def test_it_loads_the_badge_from_the_nav_and_shows_nothing_when_logged_out(
    cast: Any, client: Any, client_for: Any
) -> None:
    assert client.get("/visits/reminders/badge/").content == b""
    html = client_for(cast.community_a).get("/visits/").content.decode()
    assert 'hx-get="/visits/reminders/badge/"' in html


@pytest.mark.parametrize("n", [3, 45])
def test_it_pages_reminders_in_constant_queries(
    n: int, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    notify(cast.community_a, n)
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(7):  # session, user, unit, perms ×2, count, page
        html = client.get("/visits/reminders/").content.decode()
    assert html.count('class="card unread"') == min(n, 30)
    if n > 30:
        assert "第 1/2 页" in html
        assert client.get("/visits/reminders/?page=2").content.decode().count('class="card unread"') == n - 30
