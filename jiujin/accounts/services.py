"""Accounts: API tokens, password changes and deactivation.

Changing a password or deactivating a user revokes their API tokens here; authentication also refuses
tokens of inactive users and tokens issued under an older password (see `ApiToken.state`), so a password
changed any other way (`jiujin changepassword`, a shell) still shuts the old tokens out.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ApiToken, User, api_token_days, api_token_max_days

# At most this many live tokens per user: issuing one more revokes the oldest.
MAX_ACTIVE_TOKENS = 20
# Expired and revoked tokens stay listed (so their owner sees what happened) this long, then are deleted.
PURGE_AFTER_DAYS = 30


def _max_active() -> int:
    return int(getattr(settings, "JIUJIN_API_TOKEN_MAX_ACTIVE", MAX_ACTIVE_TOKENS))


def _purge_after() -> timedelta:
    return timedelta(days=int(getattr(settings, "JIUJIN_API_TOKEN_PURGE_DAYS", PURGE_AFTER_DAYS)))


def live_tokens(*, user: User) -> list[ApiToken]:
    """Unrevoked, unexpired tokens of the user, oldest first."""
    return list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by(
            "created_at", "pk"
        )
    )


@transaction.atomic
def api_token_issue(
    *, user: User, name: str = "", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a token; `expires_in_days` defaults to JIUJIN_API_TOKEN_DAYS and is capped at the maximum."""
    days = min(max(expires_in_days or api_token_days(), 1), api_token_max_days())
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialize concurrent issues per user
    api_token_purge(user=user)
    live = live_tokens(user=user)
    excess = len(live) - (_max_active() - 1)
    if excess > 0:
        ApiToken.objects.filter(pk__in=[t.pk for t in live[:excess]]).update(revoked_at=timezone.now())
    return ApiToken.issue(user, name=name.strip()[:100], days=days)


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


@transaction.atomic
def api_token_revoke_all(*, user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def api_token_purge(*, user: User | None = None) -> int:
    """Delete tokens that expired or were revoked more than PURGE_AFTER_DAYS ago."""
    cutoff = timezone.now() - _purge_after()
    tokens = ApiToken.objects.filter(Q(expires_at__lt=cutoff) | Q(revoked_at__lt=cutoff))
    if user is not None:
        tokens = tokens.filter(user=user)
    deleted, _ = tokens.delete()
    return deleted


@transaction.atomic
def user_set_password(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    api_token_revoke_all(user=user)


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])
    api_token_revoke_all(user=user)
