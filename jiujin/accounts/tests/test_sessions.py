"""Sessions end after 8 hours of inactivity, not 8 hours after login."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from jiujin.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HOME = reverse("cadres:list")


def logged_in(client: Any, user: Any) -> Any:
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_it_keeps_an_active_session_past_8_hours_from_login(cast: Any, client: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        logged_in(client, cast.community_a)
    with time_machine.travel(start + timedelta(hours=7), tick=False):
        assert client.get(HOME).status_code == 200  # active at 7 h
    with time_machine.travel(start + timedelta(hours=14, minutes=50), tick=False):
        assert client.get(HOME).status_code == 200  # 7 h 50 min idle: still signed in


def test_it_ends_the_session_after_8_hours_idle(cast: Any, client: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        logged_in(client, cast.community_a)
    with time_machine.travel(start + timedelta(hours=7), tick=False):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(start + timedelta(hours=15, minutes=1), tick=False):
        response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_saves_the_session_at_most_once_a_minute(cast: Any, client: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        logged_in(client, cast.community_a)
        client.get(HOME)
    expiry = Session.objects.get().expire_date
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get(HOME)
    assert Session.objects.get().expire_date == expiry
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get(HOME)
    assert Session.objects.get().expire_date == expiry + timedelta(seconds=61)


def test_it_still_ends_at_browser_close(cast: Any, client: Any) -> None:
    response = client.post(reverse("login"), {"username": cast.community_a.username, "password": PASSWORD})

    assert response.cookies["sessionid"]["max-age"] == ""
    client.get(HOME)
    refreshed = client.get(HOME)
    assert "sessionid" not in refreshed.cookies or refreshed.cookies["sessionid"]["max-age"] == ""
