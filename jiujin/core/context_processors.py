from typing import Any

from django.http import HttpRequest

from jiujin.accounts.models import Capability


class _Capabilities:
    """`{{ user_can.export_roster }}` in templates; evaluated lazily, per capability."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> bool:
        return name in Capability.values and self.user.is_authenticated and self.user.can(name)


def capabilities(request: HttpRequest) -> dict[str, Any]:
    return {"user_can": _Capabilities(request.user)}
