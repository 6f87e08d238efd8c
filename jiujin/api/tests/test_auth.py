from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from jiujin.accounts.models import ApiToken
from jiujin.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ENDPOINTS = [("get", "/org-units"), ("get", "/cadres"), ("get", "/cadres/1"), ("post", "/cadres")]


def issue(client, username, password):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_it_issues_a_token_that_opens_the_api(cast, api_as):
    response = issue(Client(enforce_csrf_checks=True), "worker-a", PASSWORD)

    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(token)).user == cast.community_a
    api = api_as(None)
    api.headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/org-units").status_code == 200


@pytest.mark.parametrize("username,password", [("worker-a", "wrong-password"), ("nobody", PASSWORD)])
def test_it_refuses_bad_credentials_in_chinese(cast, client, username, password):
    response = issue(client, username, password)

    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码不正确"}
    assert not ApiToken.objects.exists()


def test_it_refuses_an_inactive_user(cast, client):
    cast.community_a.is_active = False
    cast.community_a.save(update_fields=["is_active"])

    assert issue(client, "worker-a", PASSWORD).status_code == 401


def test_it_locks_a_user_out_after_repeated_failures(cast, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        issue(client, "worker-a", "wrong-password")

    response = issue(client, "worker-a", PASSWORD)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "锁定" in response.json()["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_it_requires_a_token(cast, api_as, method, path):
    api = api_as(None)
    response = api.get(path) if method == "get" else api.post(path, {})

    assert response.status_code == 401


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_it_rejects_an_unknown_token(cast, api_as, method, path):
    api = api_as(None)
    api.headers = {"Authorization": "Bearer not-a-token"}
    response = api.get(path) if method == "get" else api.post(path, {})

    assert response.status_code == 401


def test_it_rejects_the_token_of_a_deactivated_user(cast, api_as):
    api = api_as(cast.community_a)
    cast.community_a.is_active = False
    cast.community_a.save(update_fields=["is_active"])

    assert api.get("/org-units").status_code == 401


def test_it_ignores_a_logged_in_session(cast, client_for):
    client = client_for(cast.admin)

    assert client.get("/api/v1/org-units").status_code == 401


def test_it_does_not_touch_the_session_or_csrf(cast, api_as):
    api = api_as(cast.community_a)  # enforce_csrf_checks=True, no session cookie

    response = api.post("/cadres", {"name": "王建国"})

    assert response.status_code == 422  # validation ran: CSRF did not block the write
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


def test_it_records_last_use_at_most_once_a_minute(cast, api_as):
    api = api_as(cast.community_a)
    token = ApiToken.objects.get(user=cast.community_a)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        api.get("/org-units")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api.get("/org-units")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        api.get("/org-units")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)
