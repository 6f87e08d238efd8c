"""The cadres the audit log names, as the cadres app describes them.

The audit app sits below cadres and imports none of it: an event keeps the cadre's id only (`cadre_id`), and
the cadres app registers, in its `AppConfig.ready()`, how the log finds and names cadres
(`cadre_directory_register`). Without it (cadres not installed) the log still works, naming no one.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CadreDirectory:
    """How the audit log reaches cadres.

    `search(viewer, text)`: the ids of the cadres `viewer` reaches whose name, pinyin, ID-number tail or phone
    match `text` (a `values("pk")` queryset, used as a subquery); `focus(viewer, pk)`: the cadre whose whole
    trail is shown (with `.pk`, `.name`, `.community.name`), or None when it is missing or out of the viewer's
    reach; `names(ids)`: {id: name} of those cadres, in one query, for one page of events.
    """

    search: Callable[[Any, str], Iterable[Any]]
    focus: Callable[[Any, int], Any | None]
    names: Callable[[Collection[int]], dict[int, str]]


NOBODY = CadreDirectory(search=lambda viewer, text: [], focus=lambda viewer, pk: None, names=lambda ids: {})
_directory: list[CadreDirectory] = [NOBODY]


def cadre_directory_register(directory: CadreDirectory) -> None:
    """Called once by the cadres app; a second call (a second `ready()`) replaces the first."""
    _directory[0] = directory


def cadre_directory() -> CadreDirectory:
    return _directory[0]
