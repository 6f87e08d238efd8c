"""Idle timeout: a signed-in session lives SESSION_COOKIE_AGE after its last request, not after login.

Saving the session is what moves its expiry on, so this saves an active session at most once every
SESSION_REFRESH_INTERVAL seconds instead of on every request (SESSION_SAVE_EVERY_REQUEST).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SEEN_KEY = "_jiujin_seen"


def _now() -> int:
    return int(timezone.now().timestamp())


def mark_seen_at_login(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    """Logging in saves the session anyway: start its refresh clock there, not on the next request."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = _now()


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No session cookie (the API, first visits): nothing to refresh, and no session is created.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        session = request.session
        if session.get(SESSION_KEY) is None or session.modified:
            return response  # anonymous, logged out, or already being saved
        now = _now()
        if now - int(session.get(SEEN_KEY, 0)) >= getattr(settings, "SESSION_REFRESH_INTERVAL", 60):
            session[SEEN_KEY] = now  # marks the session modified: SessionMiddleware saves it and its expiry
        return response
