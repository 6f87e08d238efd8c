"""What other apps do when a cadre's file is closed (去世, 迁出): they register here, cadres calls them.

The registry keeps the ground floor from importing the apps built on it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from jiujin.audit.services import Actor

    from .models import Cadre


class FileClosedHook(Protocol):
    def __call__(self, *, actor: Actor, cadre: Cadre, on: date, reason: str) -> object: ...


_file_closed: list[FileClosedHook] = []


def on_file_closed(hook: Callable[..., object]) -> Callable[..., object]:
    """Register `hook(actor=, cadre=, on=, reason=)`; called inside the status change's transaction, once when
    the file closes. `cadre` already holds its new status, date and the reason given (a hook that acts
    only on a death reads `cadre.status`); `reason` is why scheduled work stops ("老干部已去世")."""
    if hook not in _file_closed:
        _file_closed.append(hook)
    return hook


def file_closed(*, actor: Actor, cadre: Cadre, on: date, reason: str) -> None:
    for hook in _file_closed:
        hook(actor=actor, cadre=cadre, on=on, reason=reason)
