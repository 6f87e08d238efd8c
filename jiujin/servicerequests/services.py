"""Writes of service requests: intake, the state machine, the rating, and response targets.

The allowed transitions live in TRANSITIONS and nowhere else; an illegal one raises `TransitionRefused`
with a Chinese message (409 in the API, a warning on the pages). Every timestamp comes from
`timezone.now()`, so a frozen clock freezes the SLA too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import VisitRecord
from jiujin.volunteers.models import Volunteer

from .models import (
    RequestSource,
    RequestState,
    ResponseTarget,
    Satisfaction,
    ServiceRequest,
    ServiceRequestEvent,
    Urgency,
)

S = RequestState
# The one place that says which state may follow which. Re-dispatching hands the request to someone else.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.DISPATCHED, S.CANCELLED}),
    S.DISPATCHED: frozenset({S.DISPATCHED, S.ARRIVED, S.CANCELLED}),
    S.ARRIVED: frozenset({S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
TIMESTAMPS: dict[str, str] = {
    S.DISPATCHED: "dispatched_at",
    S.ARRIVED: "arrived_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
}
# What the person sent out may record themselves, without the dispatcher's capability.
ASSIGNEE_STATES = frozenset({S.ARRIVED, S.COMPLETED})

# 紧急: staff at the door within 20 minutes; anything else within a day — unless a unit sets otherwise.
DEFAULT_TARGET_MINUTES = {Urgency.EMERGENCY: 20, Urgency.NORMAL: 24 * 60}


class TransitionRefused(Exception):
    """An illegal state change (or a rating before completion); the message is shown to the user."""


@dataclass(frozen=True)
class Assignee:
    user: User | None = None
    volunteer: Volunteer | None = None
    provider_name: str = ""
    provider_phone: str = ""

    def __bool__(self) -> bool:
        return bool(self.user or self.volunteer or self.provider_name)

    @property
    def label(self) -> str:
        if self.user:
            return self.user.display_name
        if self.volunteer:
            return f"{self.volunteer.name}（志愿者）"
        return f"{self.provider_name}（服务商）" if self.provider_name else ""


# ---------------------------------------------------------------- response targets


def response_target_minutes(*, unit: OrgUnit, category: str, urgency: str) -> int:
    """The nearest unit's target up the tree (a category row beats the unit's all-category row)."""
    row = (
        ResponseTarget.objects.filter(
            org_unit__path__in=unit.chain_paths(), urgency=urgency, category__in=[category, ""]
        )
        .annotate(
            depth=Length("org_unit__path"),
            specific=Case(When(category="", then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .order_by("-depth", "-specific")
        .values_list("minutes", flat=True)
        .first()
    )
    return row or DEFAULT_TARGET_MINUTES[Urgency(urgency)]


@transaction.atomic
def response_target_set(
    *, actor: Actor, unit: OrgUnit, category: str, urgency: str, minutes: int
) -> ResponseTarget:
    target, _ = ResponseTarget.objects.update_or_create(
        org_unit=unit, category=category, urgency=urgency, defaults={"minutes": minutes}
    )
    return target


# ---------------------------------------------------------------- intake


@transaction.atomic
def service_request_create(
    *,
    actor: Actor,
    cadre: Cadre,
    category: str,
    urgency: str,
    description: str,
    caller_name: str = "",
    caller_relation: str = "",
    caller_phone: str = "",
    visit_record: VisitRecord | None = None,
) -> ServiceRequest:
    now = timezone.now()
    # The target is fixed at intake: changing a unit's targets later does not move old requests' deadlines.
    minutes = response_target_minutes(unit=cadre.community, category=category, urgency=urgency)
    request = ServiceRequest.objects.create(
        cadre=cadre,
        category=category,
        urgency=urgency,
        description=description,
        caller_name=caller_name,
        caller_relation=caller_relation,
        caller_phone=caller_phone,
        source=RequestSource.VISIT if visit_record else RequestSource.PHONE,
        visit_record=visit_record,
        created_at=now,
        target_minutes=minutes,
        due_at=now + timedelta(minutes=minutes),
        created_by=actor.user,
    )
    ServiceRequestEvent.objects.create(request=request, state=S.RECEIVED, at=now, actor=actor.user)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=cadre,
        detail=f"受理服务工单 #{request.pk}：{request.get_category_display()}（{request.get_urgency_display()}）",
    )
    return request


# ---------------------------------------------------------------- state machine


def refusal(current: str, target: str) -> str | None:
    """Why `current → target` is not allowed, in Chinese; None when it is."""
    if target in TRANSITIONS[current]:
        return None
    now_label, to_label = S(current).label, S(target).label
    if current in (S.COMPLETED, S.CANCELLED):
        return f"工单已{now_label}，不能再改为“{to_label}”"
    if target == S.ARRIVED and current == S.RECEIVED:
        return "工单尚未派单，不能登记到达"
    if target == S.COMPLETED:
        return "服务人员尚未到达，不能登记完成"
    return f"工单当前为“{now_label}”，不能改为“{to_label}”"


def may_transition(user: User, request: ServiceRequest, state: str) -> bool:
    """Dispatchers may do anything the state machine allows; the one sent out may record arrival and completion."""
    if user.can("dispatch_services"):
        return True
    return state in ASSIGNEE_STATES and is_assignee(user, request)


def is_assignee(user: User, request: ServiceRequest) -> bool:
    if request.assignee_user_id is not None:
        return request.assignee_user_id == user.pk
    if request.assignee_volunteer_id is not None:
        return Volunteer.objects.filter(pk=request.assignee_volunteer_id, user=user).exists()
    return False


@transaction.atomic
def service_request_transition(
    *, actor: Actor, request: ServiceRequest, state: str, assignee: Assignee | None = None, note: str = ""
) -> ServiceRequest:
    # Lock the row and read its state afresh: two dispatchers tapping at once make one transition.
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if reason := refusal(locked.state, state):
        raise TransitionRefused(reason)
    now = timezone.now()
    fields = ["state"]
    if state == S.DISPATCHED:
        if not assignee:
            raise ValidationError({"assignee": "派单须指定处理人（工作人员、志愿者或服务商）"})
        if assignee.user and not Cadre.objects.for_user(assignee.user).filter(pk=locked.cadre_id).exists():
            # The assignee would get a 404 for their own request and never see it in 我的工单.
            raise ValidationError(
                {"assignee": f"{assignee.user.display_name} 看不到这位老干部，不能派给他/她"}
            )
        fields += _assign(locked, assignee)
    if (stamp := TIMESTAMPS.get(state)) and getattr(locked, stamp) is None:
        setattr(locked, stamp, now)  # a re-dispatch keeps the first dispatch time
        fields.append(stamp)
    locked.state = state
    locked.save(update_fields=fields)
    ServiceRequestEvent.objects.create(
        request=locked,
        state=state,
        at=now,
        actor=actor.user,
        assignee=assignee.label if assignee else "",
        note=note[:300],
    )
    _copy_back(locked, request, fields)
    return request


def _assign(request: ServiceRequest, assignee: Assignee) -> list[str]:
    request.assignee_user = assignee.user
    request.assignee_volunteer = assignee.volunteer
    request.provider_name = assignee.provider_name
    request.provider_phone = assignee.provider_phone
    return ["assignee_user", "assignee_volunteer", "provider_name", "provider_phone"]


def _copy_back(source: ServiceRequest, target: ServiceRequest, fields: list[str]) -> None:
    # The caller's instance reflects what was saved, so pages and API answer from it without re-reading.
    for name in fields:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def service_request_rate(
    *, actor: Actor, request: ServiceRequest, satisfaction: str, comment: str = ""
) -> ServiceRequest:
    """Record (or change) the cadre's satisfaction with a completed request.

    A rating is no state change, so it writes no timeline event (it used to write a second "完成" one: the
    history showed "完成 张丽" twice); the page shows the rating beside the timeline, the audit log says who
    rated and what changed."""
    locked = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if locked.state != S.COMPLETED:
        raise TransitionRefused("工单完成后才能评价")
    before = [locked.satisfaction, locked.satisfaction_comment]
    request.satisfaction = Satisfaction(satisfaction)
    request.satisfaction_comment = comment[:300]
    request.rated_at = timezone.now()
    request.save(update_fields=["satisfaction", "satisfaction_comment", "rated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=request.cadre,
        subject=request,
        detail=f"评价服务工单 #{request.pk}：{request.get_satisfaction_display()}",
        changes={
            "satisfaction": [before[0] or None, request.satisfaction],
            "satisfaction_comment": [before[1], request.satisfaction_comment],
        },
    )
    return request
