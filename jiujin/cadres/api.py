"""The cadre registry over /api/v1/cadres: the list with the pages' filters, the audited detail, create and
update through the pages' CadreForm (so both accept and reject exactly the same input)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Query, Router

from jiujin.accounts.models import User
from jiujin.audit.services import actor_from_request
from jiujin.core.access import STAFF, access
from jiujin.core.api import Detail, caller, forbid, paged, raise_form_errors

from .filters import CadreFilterForm, Found
from .forms import CadreForm
from .masking import Reveal
from .models import Cadre, CadreQuerySet
from .records import cadre_detail, cadre_item
from .schemas import CadreDetail, CadreFilters, CadreIn, CadrePage
from .selectors import cadre_rows, cadre_with_details, cadres_for_user
from .services import cadre_create, cadre_record_view, cadre_update
from .validation import CHOICE_ALIASES

router = Router(tags=["cadres 老干部"])

# Filters naming something that does not exist for the caller match nothing, as an unknown community does.
LOOKUP_FILTERS = {"unit", "tag"}
# API field name → CadreForm field name, where they differ.
FORM_NAMES = {"tags": "tags_text", "work_unit": "work_unit_name"}
API_NAMES = {v: k for k, v in FORM_NAMES.items()}


@router.get("", response=CadrePage, summary="老干部列表 List cadres")
@access(STAFF)
def list_cadres(request: HttpRequest, filters: Query[CadreFilters]) -> dict[str, Any]:
    user = caller(request)
    reveal = Reveal.for_list(user)

    def items(rows: list[Cadre]) -> list[dict[str, Any]]:
        return [cadre_item(c, reveal, known_count=c.known_count) for c in rows]  # type: ignore[attr-defined]

    found = _filtered(user, filters)
    return paged(
        found.qs,
        filters.page,
        items=items,
        size=settings.JIUJIN_PAGE_SIZE,
        rows=cadre_rows,
        key=found.key,
        count_with_keys=found.count_with_keys,
    )


@router.get("/{cadre_id}", response={200: CadreDetail, 404: Detail}, summary="老干部详情 One cadre")
@access(STAFF)
def get_cadre(request: HttpRequest, cadre_id: int) -> dict[str, Any]:
    user = caller(request)
    cadre = _load(user, cadre_id)
    cadre_record_view(actor=actor_from_request(request, via="api"), cadre=cadre, detail="接口查看详情")
    return cadre_detail(cadre, Reveal.for_detail(user))


@router.post("", response={201: CadreDetail, 403: Detail}, summary="新增老干部 Create a cadre")
@access(STAFF)
def create_cadre(request: HttpRequest, payload: CadreIn) -> tuple[int, dict[str, Any]]:
    user = _manager(request)
    form = bind_cadre_form(user=user, instance=Cadre(), sent=payload.model_dump(exclude_unset=True))
    raise_form_errors(form, names=API_NAMES)
    try:  # the new work unit and the cadre stand or fall together
        cadre = cadre_create(actor=actor_from_request(request, via="api"), data=form.cadre_data())
    except DjangoValidationError as exc:  # e.g. the same ID number saved at the same moment: 422, not 500
        form.add_error(None, exc)
        raise_form_errors(form, names=API_NAMES)
    return 201, cadre_detail(_load(user, cadre.pk), Reveal.for_detail(user))


@router.patch(
    "/{cadre_id}", response={200: CadreDetail, 403: Detail, 404: Detail}, summary="修改老干部 Update a cadre"
)
@access(STAFF)
def update_cadre(request: HttpRequest, cadre_id: int, payload: CadreIn) -> dict[str, Any]:
    user = _manager(request)
    cadre = _load(user, cadre_id)
    sent = payload.model_dump(exclude_unset=True)
    form = bind_cadre_form(user=user, instance=cadre, sent=sent)  # validates a copy: `cadre` stays as stored
    raise_form_errors(form, names=API_NAMES)
    cadre_update(
        actor=actor_from_request(request, via="api"),
        cadre=cadre,
        data=form.cadre_data(with_tags="tags" in sent),
    )
    return cadre_detail(_load(user, cadre.pk), Reveal.for_detail(user))


def _registry(user: User) -> CadreQuerySet:
    """The registry as the caller may read it. Volunteers reach their paired cadres through /pairings only,
    as on the pages: the registry record (ID number, health, family) is for staff (least privilege)."""
    return cadres_for_user(user)


def _filtered(user: User, filters: CadreFilters) -> Found:
    form = CadreFilterForm(filters.model_dump(exclude_none=True, exclude={"community", "page"}), user=user)
    if not form.is_valid():
        if set(form.errors) <= LOOKUP_FILTERS:
            return Found(_registry(user).none(), key="pk")
        raise_form_errors(form, source="query", names=API_NAMES)
    found = form.found()  # the caller's registry: the same scope as _registry
    if filters.community:
        # Already scoped: a community the caller cannot see simply yields nothing.
        return replace(found, qs=found.qs.filter(community__code=filters.community))
    return found


def _load(user: User, cadre_id: int) -> Cadre:
    return cadre_with_details(user, cadre_id)


def _manager(request: HttpRequest) -> User:
    # Checked before the cadre is looked up, so a refusal tells nothing about whether it exists.
    user = caller(request)
    if not user.can("manage_cadres"):
        forbid("没有新增和修改老干部信息的权限")
    return user


def bind_cadre_form(*, user: User, instance: Cadre, sent: dict[str, Any]) -> CadreForm:
    """The instance's current values (a new Cadre's defaults) overlaid with the fields the client sent."""
    form = CadreForm(current_values(instance) | _form_values(sent), user=user, instance=instance)
    # The API names communities by code and workers by user name (the person field reads it), not by id.
    cast(forms.ModelChoiceField, form.fields["community"]).to_field_name = "code"
    return form


def current_values(cadre: Cadre) -> dict[str, Any]:
    values = forms.model_to_dict(cadre, fields=list(CadreForm.base_fields))
    values["community"] = cadre.community.code if cadre.community_id else None
    values["responsible_worker"] = cadre.responsible_worker.username if cadre.responsible_worker else None
    values["tags_text"] = "、".join(t.name for t in cadre.tags.all()) if cadre.pk else ""
    values["work_unit_name"] = cadre.work_unit.name if cadre.work_unit else ""
    return values


def _form_values(sent: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in sent.items():
        if name == "tags":
            value = "、".join(value or [])
        elif name in CHOICE_ALIASES and isinstance(value, str):
            # Labels such as "离休" are accepted as the roster import accepts them.
            value = CHOICE_ALIASES[name].get(value.strip(), value)
        values[FORM_NAMES.get(name, name)] = value
    return values
