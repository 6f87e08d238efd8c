"""Request type of the pages behind login, so views type-check against our User model (not AnonymousUser),
and the one line a refused write shows as a message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from jiujin.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def error_text(exc: ValidationError) -> str:
    """A refused write's messages as one line for `messages.error` (a page shows them above the form)."""
    return "；".join(exc.messages)
