"""Five must-visits over /api/v1/: events on a cadre (the tasks and their records are the tasks app's API).

Mounted at "/" on the project's NinjaAPI, so it inherits its bearer auth and error shapes. Scoping is the
pages' (get_cadre_for_user); out of scope is 404 like missing. Writes are validated by the page's form, so
both accept and reject the same input with the same Chinese messages.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema

from jiujin.audit.services import actor_from_request
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import STAFF, access
from jiujin.core.api import (
    Detail,
    caller,
    forbid,
    one_of,
    raise_form_errors,
)

from .events import cadre_event_record
from .forms import CadreEventForm
from .models import EventKind

router = Router(tags=["visits 五必访"])


class EventIn(Schema):
    kind: Annotated[str, one_of(EventKind)]
    date: str = Field(description="YYYY-MM-DD")
    note: str = ""


class EventOut(Schema):
    id: int
    cadre: int
    kind: str
    date: date
    note: str
    tasks: list[int] = Field(description="因此生成的走访任务 id")


@router.post(
    "/cadres/{cadre_id}/events",
    response={201: EventOut, 403: Detail, 404: Detail},
    summary="登记事件 Record an event on a cadre",
)
@access(STAFF)
def create_event(request: HttpRequest, cadre_id: int, payload: EventIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    cadre = get_cadre_for_user(user, cadre_id)
    if not user.can("manage_cadres"):
        forbid("没有登记事件的权限")
    # Calling the API is the explicit confirmation the page asks for before recording a death.
    form = CadreEventForm({**payload.dict(), "confirm_death": True})
    raise_form_errors(form)
    data = form.cleaned_data
    try:
        event = cadre_event_record(
            actor=actor_from_request(request, via="api"),
            cadre=cadre,
            kind=data["kind"],
            on=data["date"],
            note=data["note"],
        )
    except DjangoValidationError as exc:  # e.g. the cadre has died: 422 with the Chinese message, not 500
        form.add_error(None, exc)
        raise_form_errors(form)
    tasks = sorted(event.tasks.values_list("pk", flat=True))
    return 201, {
        "id": event.pk,
        "cadre": cadre.pk,
        "kind": event.kind,
        "date": event.date,
        "note": event.note,
        "tasks": tasks,
    }
