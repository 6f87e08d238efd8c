"""Volunteers and 一助一 over /api/v1/: the registry, pairings and the contact log.

Mounted at "/" on the project's NinjaAPI (bearer auth, error shapes). Scoping is the pages' selectors: staff see
the volunteers of communities in scope and the pairings of cadres in scope; a volunteer login sees only their own
current pairings. Out of scope is 404 like missing; acting on an ended pairing is 409; input is validated by the
pages' forms (422, Chinese messages).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from jiujin.audit.services import actor_from_request
from jiujin.cadres.masking import sees_full_numbers, shown_phone
from jiujin.cadres.selectors import get_cadre_for_user
from jiujin.core.access import LOGIN, STAFF, access
from jiujin.core.api import (
    PAGE_SIZE,
    Detail,
    Page,
    caller,
    forbid,
    one_of,
    page_field,
    paged,
    raise_field_errors,
    raise_form_errors,
)

from . import selectors
from .forms import ContactLogForm, PairingEndForm, PairingForm
from .models import ContactForm, ContactLog, Pairing, Volunteer
from .services import PairingConflict, contact_log_add, pairing_create, pairing_end

router = Router(tags=["志愿者与一助一"])


# ---------------------------------------------------------------- volunteers


class VolunteerFilters(Schema):
    community: str | None = Field(None, description="社区代码")
    active: bool | None = Field(None, description="true：只看在岗")
    page: int = page_field(PAGE_SIZE)


class VolunteerOut(Schema):
    id: int
    name: str
    kind: str = Field(description="youth / party / neighbour / other")
    phone: str = Field(description="无“查看完整身份证号和电话”权限时为掩码")
    community: str = Field(description="社区代码")
    address: str
    building: str = Field(description="从住址解析出的楼栋号，如 3")
    skills: str
    availability: str
    active: bool
    has_login: bool
    active_pairings: int


class VolunteerPage(Page):
    items: list[VolunteerOut]


@router.get("/volunteers", response={200: VolunteerPage, 404: Detail}, summary="志愿者 List volunteers")
@access(STAFF)
def list_volunteers(request: HttpRequest, filters: Query[VolunteerFilters]) -> dict[str, Any]:
    user = caller(request)
    community = selectors.community_for_user(user, filters.community)
    qs = selectors.volunteer_list(user, community=community, active=filters.active)
    full = sees_full_numbers(user)
    return paged(qs, filters.page, items=lambda rows: [_volunteer_out(v, full) for v in rows])


def _volunteer_out(v: Volunteer, full_phone: bool) -> dict[str, Any]:
    return {
        "id": v.pk,
        "name": v.name,
        "kind": v.kind,
        "phone": shown_phone(v.phone, full=full_phone),
        "community": v.community.code,
        "address": v.address,
        "building": v.building,
        "skills": v.skills,
        "availability": v.availability,
        "active": v.active,
        "has_login": v.user_id is not None,
        "active_pairings": v.load,  # type: ignore[attr-defined]
    }


# ---------------------------------------------------------------- pairings


class PairingFilters(Schema):
    cadre: int | None = Field(None, description="老干部 id")
    active: bool | None = Field(None, description="true：只看当前结对；false：只看已结束的")
    page: int = page_field(PAGE_SIZE)


class PairingOut(Schema):
    id: int
    cadre: int
    cadre_name: str
    volunteer: int
    volunteer_name: str
    started_on: date
    ended_on: date | None
    end_reason: str
    active: bool


class PairingPage(Page):
    items: list[PairingOut]


class PairingIn(Schema):
    cadre: int = Field(description="老干部 id")
    volunteer: int = Field(description="志愿者 id")
    started_on: str = Field(description="YYYY-MM-DD；该老人当前的结对在这一天结束")


class PairingEndIn(Schema):
    ended_on: str = Field(description="YYYY-MM-DD")
    reason: str


@router.get("/pairings", response=PairingPage, summary="一助一结对 List pairings")
@access(LOGIN)
def list_pairings(request: HttpRequest, filters: Query[PairingFilters]) -> dict[str, Any]:
    qs = selectors.pairings_for(caller(request)).select_related("cadre", "volunteer")
    if filters.cadre is not None:
        qs = qs.filter(cadre_id=filters.cadre)  # already scoped: another's cadre simply yields nothing
    if filters.active is not None:
        qs = qs.filter(ended_on__isnull=filters.active)
    return paged(
        qs.order_by("-started_on", "-id"), filters.page, items=lambda rows: [_pairing_out(p) for p in rows]
    )


def _pairing_out(p: Pairing) -> dict[str, Any]:
    return {
        "id": p.pk,
        "cadre": p.cadre_id,
        "cadre_name": p.cadre.name,
        "volunteer": p.volunteer_id,
        "volunteer_name": p.volunteer.name,
        "started_on": p.started_on,
        "ended_on": p.ended_on,
        "end_reason": p.end_reason,
        "active": p.active,
    }


@router.post(
    "/pairings",
    response={201: PairingOut, 403: Detail, 404: Detail, 409: Detail},
    summary="结对 Pair a cadre with a volunteer",
)
@access(STAFF)
def create_pairing(request: HttpRequest, payload: PairingIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    cadre = get_cadre_for_user(user, payload.cadre)
    volunteer = selectors.volunteer_for_user(user, payload.volunteer)
    if not user.can("manage_cadres"):
        forbid("没有管理结对的权限")
    form = PairingForm({"started_on": payload.started_on})
    raise_form_errors(form)
    pairing = _run(
        pairing_create,
        actor=actor_from_request(request, via="api"),
        cadre=cadre,
        volunteer=volunteer,
        started_on=form.cleaned_data["started_on"],
    )
    return 201, _pairing_out(pairing)


@router.post(
    "/pairings/{pairing_id}/end",
    response={200: PairingOut, 403: Detail, 404: Detail, 409: Detail},
    summary="结束结对 End a pairing",
)
@access(STAFF)
def end_pairing(request: HttpRequest, pairing_id: int, payload: PairingEndIn) -> dict[str, Any]:
    user = caller(request)
    pairing = selectors.pairing_for_user(user, pairing_id)
    if not user.can("manage_cadres"):
        forbid("没有管理结对的权限")
    form = PairingEndForm(payload.dict())
    raise_form_errors(form)
    _run(pairing_end, actor=actor_from_request(request, via="api"), pairing=pairing, **form.cleaned_data)
    return _pairing_out(pairing)


# ---------------------------------------------------------------- contact logs


class ContactIn(Schema):
    on: str | None = Field(None, description="YYYY-MM-DD，默认今天")
    form: Annotated[str, one_of(ContactForm)] = Field(
        ContactForm.VISIT, description="上门 / 电话 / 陪同外出 / 其他"
    )
    note: str = ""
    needs_attention: bool = Field(False, description="需要社区跟进")


class ContactOut(Schema):
    id: int
    pairing: int
    on: date
    form: str
    note: str
    needs_attention: bool
    followed_up: bool
    created_by: str | None


@router.get(
    "/pairings/{pairing_id}/contacts",
    response={200: list[ContactOut], 404: Detail},
    summary="联系记录 Contacts",
)
@access(LOGIN)
def list_contacts(request: HttpRequest, pairing_id: int) -> list[dict[str, Any]]:
    pairing = selectors.pairing_for_user(caller(request), pairing_id)
    return [_contact_out(c) for c in selectors.contacts_of(pairing)]


@router.post(
    "/pairings/{pairing_id}/contacts",
    response={201: ContactOut, 403: Detail, 404: Detail, 409: Detail},
    summary="记录联系 Log a contact",
)
@access(LOGIN)
def create_contact(request: HttpRequest, pairing_id: int, payload: ContactIn) -> tuple[int, dict[str, Any]]:
    user = caller(request)
    pairing = selectors.pairing_for_user(user, pairing_id)
    # The paired volunteer logs their own contacts; a worker who manages cadres may log one for them.
    if pairing.volunteer.user_id != user.pk and not user.can("manage_cadres"):
        forbid("只有结对的志愿者或社区工作人员可以记录联系")
    values = payload.dict()
    values["on"] = values["on"] or timezone.localdate().isoformat()
    form = ContactLogForm(ContactLogForm.data_for(values))
    raise_form_errors(form)
    log = _run(
        contact_log_add, actor=actor_from_request(request, via="api"), pairing=pairing, **form.cleaned_data
    )
    return 201, _contact_out(ContactLog.objects.select_related("created_by").get(pk=log.pk))


def _contact_out(c: ContactLog) -> dict[str, Any]:
    return {
        "id": c.pk,
        "pairing": c.pairing_id,
        "on": c.on,
        "form": c.form,
        "note": c.note,
        "needs_attention": c.needs_attention,
        "followed_up": c.followed_up_at is not None,
        "created_by": c.created_by.display_name if c.created_by else None,
    }


# ---------------------------------------------------------------- helpers


def _run(service: Any, **kwargs: Any) -> Any:
    """Call a service; its rule errors become 422 (input) or 409 (state) like the pages show them."""
    try:
        return service(**kwargs)
    except PairingConflict as exc:
        raise HttpError(409, str(exc)) from None
    except DjangoValidationError as exc:
        raise_field_errors(exc.message_dict)
