"""Login, logout and lockout (django-axes): the only door to the personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jiujin.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")


def test_it_shows_the_login_page(client: Any) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "用户名" in html and "密码" in html
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_it_logs_in_and_lands_on_the_home_page(client: Any, cast: Any) -> None:
    response = client.post(LOGIN, {"username": cast.community_a.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_is_a_chinese_error(client: Any, cast: Any) -> None:
    response = client.post(LOGIN, {"username": cast.community_a.username, "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_logout_is_a_post(client_for: Any, cast: Any) -> None:
    client = client_for(cast.community_a)
    assert client.get(LOGOUT).status_code == 405
    assert client.get(reverse("cadres:list")).status_code == 200
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get(reverse("cadres:list")).status_code == 302


def test_it_locks_the_account_after_five_bad_passwords(client: Any, cast: Any) -> None:
    username = cast.community_a.username
    for _ in range(4):
        assert client.post(LOGIN, {"username": username, "password": "wrong-password"}).status_code == 200
    locked = client.post(LOGIN, {"username": username, "password": "wrong-password"})
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_user_name(client: Any, cast: Any) -> None:
    for _ in range(5):
        client.post(LOGIN, {"username": cast.community_a.username, "password": "wrong-password"})
    response = client.post(LOGIN, {"username": cast.community_b.username, "password": PASSWORD})
    assert response.status_code == 302


def test_it_makes_the_first_real_administrator_with_createsuperuser(db) -> None:
    from django.core.management import call_command

    from jiujin.accounts.models import Role, User

    call_command("createsuperuser", username="zhang.li", email="", interactive=False, verbosity=0)
    admin = User.objects.get(username="zhang.li")
    assert admin.role == Role.ADMIN and admin.is_superuser and admin.org_unit is None


def test_it_answers_a_bad_host_header_with_400_not_500(client, settings) -> None:
    client.raise_request_exception = False
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
