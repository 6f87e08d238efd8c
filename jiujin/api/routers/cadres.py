from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import HttpError

from jiujin.accounts.models import User
from jiujin.api.auth import caller
from jiujin.api.cadre_form import bind_cadre_form, raise_form_errors
from jiujin.api.records import Reveal, cadre_detail, cadre_item
from jiujin.api.schemas import CadreDetail, CadreFilters, CadreIn, CadrePage, Detail
from jiujin.audit.services import actor_from_request
from jiujin.cadres.filters import CadreFilterForm
from jiujin.cadres.models import Cadre, CadreQuerySet
from jiujin.cadres.services import cadre_create, cadre_record_view, cadre_update, get_cadre_for_user, snapshot
from jiujin.core.access import STAFF, access
from jiujin.core.paging import CappedPaginator

router = Router(tags=["cadres 老干部"])

# Filters naming something that does not exist for the caller match nothing, as an unknown community does.
LOOKUP_FILTERS = {"unit", "tag"}


@router.get("", response=CadrePage, summary="老干部列表 List cadres")
@access(STAFF)
def list_cadres(request: HttpRequest, filters: Query[CadreFilters]) -> dict[str, Any]:
    user = caller(request)
    qs = _filtered(user, filters)
    size = settings.JIUJIN_PAGE_SIZE
    start = (filters.page - 1) * size
    rows = Cadre.objects.known_counts(list(qs.select_related("community")[start : start + size]))
    reveal = Reveal.for_list(user)
    items = [cadre_item(c, reveal, known_count=c.known_count) for c in rows]  # type: ignore[attr-defined]
    paginator = CappedPaginator(qs, size)
    return {"count": paginator.count, "count_capped": paginator.capped, "items": items}


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
    raise_form_errors(form)
    try:
        with transaction.atomic():  # the new work unit and the cadre stand or fall together
            cadre = form.save(commit=False)
            cadre.work_unit = form.work_unit()
            cadre_create(
                actor=actor_from_request(request, via="api"), cadre=cadre, tag_names=form.tag_names()
            )
    except DjangoValidationError as exc:  # e.g. the same ID number saved at the same moment: 422, not 500
        form.add_error(None, exc)
        raise_form_errors(form)
    return 201, cadre_detail(_load(user, cadre.pk), Reveal.for_detail(user))


@router.patch(
    "/{cadre_id}", response={200: CadreDetail, 403: Detail, 404: Detail}, summary="修改老干部 Update a cadre"
)
@access(STAFF)
def update_cadre(request: HttpRequest, cadre_id: int, payload: CadreIn) -> dict[str, Any]:
    user = _manager(request)
    cadre = _load(user, cadre_id)
    before = snapshot(cadre)  # the form writes the new values into the instance while validating
    sent = payload.model_dump(exclude_unset=True)
    form = bind_cadre_form(user=user, instance=cadre, sent=sent)
    raise_form_errors(form)
    with transaction.atomic():
        cadre.work_unit = form.work_unit()
        cadre_update(
            actor=actor_from_request(request, via="api"),
            cadre=cadre,
            before=before,
            tag_names=form.tag_names() if "tags" in sent else None,
        )
    return cadre_detail(_load(user, cadre.pk), Reveal.for_detail(user))


def _registry(user: User) -> CadreQuerySet:
    """The registry as the caller may read it. Volunteers reach their paired cadres through /pairings only,
    as on the pages: the registry record (ID number, health, family) is for staff (least privilege)."""
    return Cadre.objects.for_user(user)


def _filtered(user: User, filters: CadreFilters) -> CadreQuerySet:
    qs = _registry(user)
    form = CadreFilterForm(filters.model_dump(exclude_none=True, exclude={"community", "page"}), user=user)
    if not form.is_valid():
        if set(form.errors) <= LOOKUP_FILTERS:
            return qs.none()
        raise_form_errors(form, source="query")
    qs = form.apply(qs)
    if filters.community:
        # Already scoped: a community the caller cannot see simply yields nothing.
        qs = qs.filter(community__code=filters.community)
    return qs


def _load(user: User, cadre_id: int) -> Cadre:
    cadre = get_cadre_for_user(user, cadre_id)
    prefetch_related_objects([cadre], "tags", "family_contacts")
    return cadre


def _manager(request: HttpRequest) -> User:
    # Checked before the cadre is looked up, so a refusal tells nothing about whether it exists.
    user = caller(request)
    if not user.can("manage_cadres"):
        raise HttpError(403, "没有新增和修改老干部信息的权限")
    return user
