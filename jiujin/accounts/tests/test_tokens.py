"""The API tokens page: one's own tokens, or everyone's for an administrator."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiujin.accounts.models import ApiToken
from jiujin.accounts.services import api_token_issue

pytestmark = pytest.mark.django_db

TOKENS = reverse("account_tokens")


def revoke_url(token: ApiToken) -> str:
    return reverse("account_token_revoke", args=[token.pk])


def test_it_lists_my_tokens_only(cast: Any, client_for: Any) -> None:
    api_token_issue(user=cast.community_a, name="街道数据对接")
    api_token_issue(user=cast.community_b, name="别人的令牌")

    html = client_for(cast.community_a).get(TOKENS).content.decode()

    assert "我的 API 令牌" in html
    assert "街道数据对接" in html and "有效" in html
    assert "别人的令牌" not in html


def test_it_needs_a_login(cast: Any, client: Any) -> None:
    assert client.get(TOKENS).status_code == 302


def test_it_revokes_my_token_with_a_post(cast: Any, client_for: Any) -> None:
    token, _ = api_token_issue(user=cast.community_a, name="旧令牌")
    client = client_for(cast.community_a)

    assert client.get(revoke_url(token)).status_code == 405
    response = client.post(revoke_url(token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "已撤销" in client.get(TOKENS).content.decode()


def test_it_needs_the_csrf_token_to_revoke(cast: Any) -> None:
    token, _ = api_token_issue(user=cast.community_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.community_a, backend="django.contrib.auth.backends.ModelBackend")

    assert client.post(revoke_url(token)).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_answers_404_for_someone_elses_token(cast: Any, client_for: Any) -> None:
    token, _ = api_token_issue(user=cast.community_b)

    assert client_for(cast.community_a).post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_shows_a_token_shut_out_by_a_password_change(cast: Any, client_for: Any) -> None:
    api_token_issue(user=cast.community_a, name="改密前")
    cast.community_a.set_password("a-new-Passw0rd-2026")
    cast.community_a.save()

    assert "密码已更改" in client_for(cast.community_a).get(TOKENS).content.decode()


def test_it_lets_an_admin_see_filter_and_revoke_anyones(cast: Any, client_for: Any) -> None:
    token, _ = api_token_issue(user=cast.community_b, name="社区B对接")
    api_token_issue(user=cast.community_z, name="社区Z对接")
    client = client_for(cast.admin)

    everyone = client.get(TOKENS).content.decode()
    assert "全部 API 令牌" in everyone and "社区B对接" in everyone and "社区Z对接" in everyone
    filtered = client.get(TOKENS, {"username": "worker-b"}).content.decode()
    assert "社区B对接" in filtered and "社区Z对接" not in filtered

    response = client.post(revoke_url(token), {"username": "worker-b"})

    assert response["Location"] == f"{TOKENS}?username=worker-b"
    token.refresh_from_db()
    assert token.revoked_at is not None
