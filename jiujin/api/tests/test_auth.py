from __future__ import annotations

import io
from datetime import datetime, timedelta

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


# ---------------------------------------------------------------- expiry, revocation, cap (issue 7)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_it_expires_a_token_after_90_days_by_default(cast, client):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        body = issue(client, "worker-a", PASSWORD).json()
    assert datetime.fromisoformat(body["expires_at"]) == start + timedelta(days=90)

    with time_machine.travel(start + timedelta(days=89, hours=23), tick=False):
        assert client.get("/api/v1/org-units", headers=bearer(body["token"])).status_code == 200
    with time_machine.travel(start + timedelta(days=90, seconds=1), tick=False):
        assert client.get("/api/v1/org-units", headers=bearer(body["token"])).status_code == 401


def test_it_takes_the_default_lifetime_from_settings(cast, client, settings):
    settings.JIUJIN_API_TOKEN_DAYS = 7
    issue(client, "worker-a", PASSWORD)

    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))


def test_it_accepts_a_name_and_a_lifetime_but_caps_the_lifetime(cast, client):
    body = {"username": "worker-a", "password": PASSWORD, "name": "街道数据对接", "expires_in_days": 3}
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["name"] == "街道数据对接"
    short = ApiToken.objects.get()
    assert short.name == "街道数据对接"
    assert short.expires_at - short.created_at < timedelta(days=3, seconds=5)

    body["expires_in_days"] = 100_000
    client.post("/api/v1/auth/token", body, content_type="application/json")
    capped = ApiToken.objects.latest("pk")
    assert capped.expires_at - capped.created_at < timedelta(days=366)


def test_it_refuses_a_lifetime_below_one_day(cast, client):
    body = {"username": "worker-a", "password": PASSWORD, "expires_in_days": 0}

    assert client.post("/api/v1/auth/token", body, content_type="application/json").status_code == 422


def test_it_revokes_the_calling_token_on_delete(cast, client):
    token = issue(client, "worker-a", PASSWORD).json()["token"]
    other = issue(client, "worker-a", PASSWORD).json()["token"]

    response = client.delete("/api/v1/auth/token", headers=bearer(token))

    assert response.status_code == 204
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(token)).revoked_at is not None
    assert client.get("/api/v1/org-units", headers=bearer(token)).status_code == 401
    assert client.delete("/api/v1/auth/token", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/org-units", headers=bearer(other)).status_code == 200  # only the caller's


def test_it_needs_a_token_to_revoke_one(cast, client):
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_it_caps_the_live_tokens_of_a_user_revoking_the_oldest(cast, client, settings):
    settings.JIUJIN_API_TOKEN_MAX_ACTIVE = 3
    start = timezone.now()
    keys = []
    for minute in range(4):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            keys.append(issue(client, "worker-a", PASSWORD).json()["token"])

    live = ApiToken.objects.filter(user=cast.community_a, revoked_at__isnull=True)
    assert live.count() == 3
    assert client.get("/api/v1/org-units", headers=bearer(keys[0])).status_code == 401
    assert client.get("/api/v1/org-units", headers=bearer(keys[3])).status_code == 200


def test_it_purges_long_dead_tokens_when_issuing(cast, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        revoked = issue(client, "worker-a", PASSWORD).json()["token"]
        client.delete("/api/v1/auth/token", headers=bearer(revoked))
        issue(client, "worker-a", PASSWORD)  # expires at day 90
    with time_machine.travel(start + timedelta(days=10), tick=False):
        issue(client, "worker-a", PASSWORD)
        assert ApiToken.objects.count() == 3  # the revoked one is still listed for a while
    with time_machine.travel(start + timedelta(days=31), tick=False):
        issue(client, "worker-a", PASSWORD)
        assert ApiToken.objects.count() == 3  # revoked 31 days ago: gone
    with time_machine.travel(start + timedelta(days=121), tick=False):
        issue(client, "worker-a", PASSWORD)
        assert ApiToken.objects.count() == 3  # expired 31 days ago: gone


def test_it_shuts_out_tokens_when_the_password_changes_by_any_path(cast, api_as):
    api = api_as(cast.community_a)
    assert api.get("/org-units").status_code == 200

    cast.community_a.set_password("a-new-Passw0rd-2026")  # not through a service: a shell, a script
    cast.community_a.save()

    assert api.get("/org-units").status_code == 401


def test_it_shuts_out_tokens_when_changepassword_is_run(cast, api_as, monkeypatch):
    from django.contrib.auth.management.commands import changepassword
    from django.core.management import call_command

    api = api_as(cast.community_a)
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": "a-new-Passw0rd-2026")

    call_command("changepassword", "worker-a", stdout=io.StringIO())

    assert api.get("/org-units").status_code == 401


def test_it_revokes_all_tokens_in_the_password_and_deactivation_services(cast, api_as):
    from jiujin.accounts.services import user_deactivate, user_set_password

    api_as(cast.community_a)
    api_as(cast.community_b)

    user_set_password(user=cast.community_a, password="a-new-Passw0rd-2026")
    user_deactivate(user=cast.community_b)

    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()


def test_a_token_issued_after_a_password_change_works(cast, client):
    from jiujin.accounts.services import user_set_password

    user_set_password(user=cast.community_a, password="a-new-Passw0rd-2026")
    token = issue(client, "worker-a", "a-new-Passw0rd-2026").json()["token"]

    assert client.get("/api/v1/org-units", headers=bearer(token)).status_code == 200
