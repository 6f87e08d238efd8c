"""The audit log: who saw or changed whose data, browsable by administrators only."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from jiujin.audit.services import (
    actor_from_request,
    audit_record,
    field_label,
    subject_field,
    subject_label,
)
from jiujin.core.access import access, staff
from jiujin.core.http import AuthedRequest
from jiujin.lib.idcard import mask_id_number
from jiujin.lib.phones import mask_phone

from .filters import AuditFilterForm
from .models import AuditEvent
from .people import cadre_directory

PAGE_SIZE = 50
EMPTY = "（空）"
# Family contacts are logged as text lines, "张小明（儿子）13900001111 同住".
PHONE_IN_TEXT = re.compile(r"(?:0\d{2,3}-)?\d{7,11}")
# The audit log is read by administrators who need not see full numbers to answer "who changed what".
MASKERS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone_mobile": mask_phone,
    "phone_landline": mask_phone,
    "phone": mask_phone,  # a volunteer's or family contact's
    "contact_phone": mask_phone,
    "family": lambda text: PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text),
}
VIA_LABELS = {"web": "网页", "api": "接口", "cli": "命令行"}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@access(staff("view_audit"))
@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, user=request.user)
    events = form.apply(_events())
    cadre = _cadre_in_focus(request, form)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = _cadre_names(rows, cadre)
    for event, changes in zip(rows, describe_changes(rows), strict=True):
        cid = event.cadre_id
        event.cadre_name = "" if cid is None else names.get(cid, f"#{cid}")  # type: ignore[attr-defined]
        event.change_list = changes  # type: ignore[attr-defined]
        event.via_label = VIA_LABELS.get(event.via, event.via)  # type: ignore[attr-defined]
        event.subject_label = subject_label(event.subject_type, event.subject_id)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "events": rows,
        "cadre": cadre,
        "batch": form.cleaned_data.get("batch") if form.is_valid() else "",
        "people": _who_touched(events) if cadre else None,
    }
    if cadre:
        # One cadre's trail reveals whose record it is, so reading it is logged too (after the read,
        # so the page shows the trail as it was).
        audit_record(actor=actor_from_request(request), action="view", cadre=cadre, detail="审计日志")
    return render(request, "audit/list.html", context)


def _events() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("user").only(
        *("at", "action", "detail", "changes", "batch", "ip", "via", "user_id", "cadre_id"),
        *("subject_type", "subject_id"),
        *("user__username", "user__first_name", "user__last_name"),
    )


def _cadre_in_focus(request: AuthedRequest, form: AuditFilterForm) -> Any | None:
    """`?cadre=<id>`: one cadre's whole trail; a missing or out-of-scope cadre is a 404, as everywhere."""
    pk = form.cleaned_data.get("cadre") if form.is_valid() else None
    if not pk:
        return None
    cadre = cadre_directory().focus(request.user, pk)
    if cadre is None:
        raise Http404("没有找到该老干部")
    return cadre


def _cadre_names(events: Iterable[AuditEvent], cadre: Any | None) -> dict[int, str]:
    """The names of the page's cadres, in one query (none when one cadre's trail is shown: it is known)."""
    known = {cadre.pk: cadre.name} if cadre is not None else {}
    wanted = {e.cadre_id for e in events if e.cadre_id is not None} - known.keys()
    return {**known, **cadre_directory().names(wanted)} if wanted else known


def _who_touched(events: QuerySet[AuditEvent]) -> list[Mapping[str, Any]]:
    """One line per user: how often and when last they saw or changed the record (within the filters)."""
    return list(  # evaluated now, before this visit is logged
        events.order_by()
        .values("user__username", "user__first_name", "user__last_name")
        .annotate(times=Count("id"), last=Max("at"))
        .order_by("-last")
    )


def describe_changes(events: Iterable[AuditEvent]) -> list[list[Change]]:
    """Readable before → after per field, with masked numbers and names instead of ids.

    Foreign keys are resolved for the whole page at once: one query per related model, not per row.
    Labels, choices and foreign keys are those of each event's subject model (`subject_type`): a health
    condition's `name` is its 病名, not the cadre's 姓名.
    """
    events = list(events)
    names = _foreign_names(events)
    return [
        [
            Change(
                field_label(_kind(event), name),
                _show(_kind(event), name, pair[0], names),
                _show(_kind(event), name, pair[1], names),
            )
            for name, pair in (event.changes or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        for event in events
    ]


def _kind(event: AuditEvent) -> str:
    # Rows written before subjects existed, and not filled by the migration, were about the cadre.
    return event.subject_type or ("cadres.cadre" if event.cadre_id else "")


def _foreign_names(events: list[AuditEvent]) -> dict[tuple[str, str, Any], str]:
    wanted: dict[tuple[str, str], set[Any]] = defaultdict(set)
    for event in events:
        for name, pair in (event.changes or {}).items():
            field = subject_field(_kind(event), name)
            if field is not None and field.many_to_one and isinstance(pair, list | tuple):
                wanted[(_kind(event), name)].update(v for v in pair if v is not None)
    names = {}
    for (kind, name), ids in wanted.items():
        model = subject_field(kind, name).related_model  # type: ignore[union-attr]
        for pk, obj in model._base_manager.in_bulk(ids).items():  # type: ignore[union-attr]
            names[(kind, name, pk)] = getattr(obj, "display_name", None) or str(obj)
    return names


def _show(kind: str, name: str, value: Any, names: dict[tuple[str, str, Any], str]) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return "、".join(_show(kind, name, v, names) for v in value)
    if name in MASKERS:
        return MASKERS[name](str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    field = subject_field(kind, name)
    if field is not None and field.many_to_one:
        return names.get((kind, name, value), f"#{value}")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
