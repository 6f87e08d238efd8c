"""The lockout keys on address and user name; administrators see and lift lockouts."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from jiujin.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOCKOUTS = reverse("account_lockouts")
UNLOCK = reverse("account_lockout_unlock")
IP_A = "10.1.1.1"
IP_B = "10.2.2.2"


def fail_five_times(client: Any, username: str, ip: str = IP_A) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": username, "password": "wrong-password"}, REMOTE_ADDR=ip)


def test_it_locks_the_address_that_failed_but_not_another(cast: Any) -> None:
    fail_five_times(Client(), cast.community_a.username, IP_A)

    from_a = Client().post(
        LOGIN, {"username": cast.community_a.username, "password": PASSWORD}, REMOTE_ADDR=IP_A
    )
    from_b = Client().post(
        LOGIN, {"username": cast.community_a.username, "password": PASSWORD}, REMOTE_ADDR=IP_B
    )

    assert from_a.status_code == 429
    assert "账号已暂时锁定" in from_a.content.decode()
    assert from_b.status_code == 302  # a stranger elsewhere cannot lock the worker out


def test_it_keeps_the_api_lockout_per_address_too(cast: Any) -> None:
    def issue(password: str, ip: str) -> Any:
        body = {"username": cast.community_a.username, "password": password}
        return Client().post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=ip)

    for _ in range(5):
        issue("wrong-password", IP_A)

    assert issue(PASSWORD, IP_A).status_code == 429
    assert issue(PASSWORD, IP_B).status_code == 200


def test_it_lists_current_lockouts_for_an_admin(cast: Any, client_for: Any) -> None:
    fail_five_times(Client(), cast.community_a.username, IP_A)
    Client().post(
        LOGIN, {"username": cast.community_b.username, "password": "wrong-password"}, REMOTE_ADDR=IP_A
    )

    html = client_for(cast.admin).get(LOCKOUTS).content.decode()

    assert "登录锁定" in html
    assert cast.community_a.username in html and IP_A in html
    assert cast.community_b.username not in html  # one failure is not a lockout


def test_an_admin_unlocks_an_account(cast: Any, client_for: Any) -> None:
    fail_five_times(Client(), cast.community_a.username, IP_A)
    admin = client_for(cast.admin)

    response = admin.post(UNLOCK, {"username": cast.community_a.username})

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=cast.community_a.username).exists()
    again = Client().post(
        LOGIN, {"username": cast.community_a.username, "password": PASSWORD}, REMOTE_ADDR=IP_A
    )
    assert again.status_code == 302
    assert "目前没有被锁定的账号" in admin.get(LOCKOUTS).content.decode()


@pytest.mark.parametrize("who", ["city", "district", "street", "community_a", "volunteer"])
def test_it_hides_the_lockouts_from_everyone_else(cast: Any, client_for: Any, who: str) -> None:
    fail_five_times(Client(), cast.community_a.username, IP_A)
    client = client_for(getattr(cast, who))

    assert client.get(LOCKOUTS).status_code == 404
    assert client.post(UNLOCK, {"username": cast.community_a.username}).status_code == 404
    assert AccessAttempt.objects.filter(username=cast.community_a.username).exists()
