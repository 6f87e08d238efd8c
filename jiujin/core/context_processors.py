from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from jiujin.accounts.models import Capability

from .registry import menu_for


class _Capabilities:
    """`{{ user_can.export_roster }}` in templates; evaluated lazily, per capability."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> bool:
        return name in Capability.values and self.user.is_authenticated and self.user.can(name)


def capabilities(request: HttpRequest) -> dict[str, Any]:
    # A request refused before the auth middleware ran (a bad Host header → 400) has no user.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "user_can": _Capabilities(user),
        "menu": SimpleLazyObject(lambda: menu_for(user)),  # built only by pages that show it
    }
