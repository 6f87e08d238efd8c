from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jiujin.accounts.models import ApiToken, User


class ApiClient:
    """A test client that speaks JSON and carries a bearer token, never a session."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, data: dict | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", data, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self._send("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("patch", path, body)

    def _send(self, method: str, path: str, body: Any) -> Any:
        send = getattr(self.client, method)
        return send(f"/api/v1{path}", body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as() -> Any:
    def make(user: User | None) -> ApiClient:
        token = ApiToken.issue(user)[1] if user else None
        return ApiClient(Client(enforce_csrf_checks=True), token)

    return make
