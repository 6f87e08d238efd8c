"""Bearer tokens for /api/v1/: the API never reads the session cookie, so it needs no CSRF token.

Routers read the caller with `jiujin.core.api.caller` / `caller_token`."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from jiujin.accounts.models import ApiToken, TokenState, User

# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
TOUCH_INTERVAL = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now = timezone.now()
        api_token = (
            ApiToken.objects.select_related("user__org_unit")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        # Revoked, expired, inactive user or issued under an older password: the token speaks for nobody.
        if api_token is None or api_token.state(now) != TokenState.ACTIVE:
            return None
        _touch(api_token)
        # Replace whatever the session middleware put there: only the token speaks for the caller.
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


def _touch(api_token: ApiToken) -> None:
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
