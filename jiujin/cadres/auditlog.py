"""What the audit log needs of cadres, registered with it (`jiujin.audit.people`): the audit app sits below
cadres and imports none of it, so the cadres app tells it how to search, show and name cadres."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import QuerySet

from jiujin.audit.people import CadreDirectory

from .models import Cadre


def _search(viewer: Any, text: str) -> QuerySet[Cadre, Any]:
    # The cadre list's own search, so 姓名/拼音/身份证尾号 mean in the log what they mean there.
    return Cadre.objects.for_user(viewer).search(text).values("pk")


def _focus(viewer: Any, pk: int) -> Cadre | None:
    return Cadre.objects.for_user(viewer).select_related("community").filter(pk=pk).first()


def _names(ids: Collection[int]) -> dict[int, str]:
    # Whoever's they are: the log is read by administrators, and a page's events are already theirs to see.
    return dict(Cadre._base_manager.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


DIRECTORY = CadreDirectory(search=_search, focus=_focus, names=_names)
