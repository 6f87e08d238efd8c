"""Request type of the pages behind login, so views type-check against our User model (not AnonymousUser)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from jiujin.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
