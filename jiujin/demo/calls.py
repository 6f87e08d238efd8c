"""A year of service requests (服务工单) across every category: intake, dispatch, arrival and completion
times against the response targets (most on time, some late), a few open now, most rated; each with the
event rows its state implies. Some come from visits that noted a need."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit
from jiujin.servicerequests.models import (
    RequestSource,
    RequestState,
    ResponseTarget,
    Satisfaction,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestEvent,
    Urgency,
)
from jiujin.servicerequests.services import response_target_minutes
from jiujin.tasks.models import VisitRecord

from . import identities
from .context import Demo

S = RequestState
C = ServiceCategory
# Category → (weight, share of emergencies, what the caller says).
CATEGORIES: dict[str, tuple[int, float, list[str]]] = {
    C.EMERGENCY_HELP: (6, 1.0, ["老人在家摔倒，起不来", "老人突发胸闷气短", "家中燃气泄漏报警"]),
    C.MEDICAL_ESCORT: (12, 0.1, ["需要人陪同去医院复查", "明天上午去中心医院做检查，家属不在"]),
    C.HOME_MEDICAL: (10, 0.05, ["血压控制不好，请医生上门看看", "卧床老人需要上门换药"]),
    C.CLEANING: (16, 0.0, ["家里需要大扫除", "厨房和卫生间需要保洁"]),
    C.HAIRCUT: (14, 0.0, ["老人行动不便，想请理发师上门"]),
    C.ERRANDS: (14, 0.0, ["代购一周的米面蔬菜", "帮忙到医院代取药品", "代缴水电燃气费"]),
    C.REPAIR: (14, 0.05, ["水龙头漏水", "电灯不亮了", "门锁坏了打不开"]),
    C.COUNSELLING: (8, 0.0, ["老伴去世后情绪低落，想找人说说话", "子女不在身边，感到孤单"]),
    C.OTHER: (6, 0.0, ["咨询老干部待遇政策", "想报名参加社区老年大学"]),
}
PROVIDERS: dict[str, tuple[str, str]] = {
    C.CLEANING: ("江城家政服务公司", "027-86661234"),
    C.REPAIR: ("安居维修服务部", "027-86665678"),
    C.HAIRCUT: ("夕阳红理发店", "027-86669012"),
}
# The timestamp each state sets (as services.TIMESTAMPS does).
STAMPS: dict[str, str] = {
    S.DISPATCHED: "dispatched_at",
    S.ARRIVED: "arrived_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "cancelled_at",
}
CALLERS = [("本人", ""), ("女儿", "女儿"), ("儿子", "儿子"), ("邻居", "邻居"), ("配偶", "配偶")]
COMMENTS = {
    Satisfaction.SATISFIED: ["来得很快，服务周到", "非常感谢社区", ""],
    Satisfaction.FAIR: ["来得有点晚", ""],
    Satisfaction.UNSATISFIED: ["等了很久才来人", "问题没有彻底解决"],
}


@dataclass
class _Call:
    request: ServiceRequest
    events: list[ServiceRequestEvent] = field(default_factory=list)


def calls_create(demo: Demo, *, city: OrgUnit) -> int:
    """Returns the number of requests."""
    rng = demo.rng("calls")
    # The city's own targets for home services, so the targets page and the lateness have something to show.
    ResponseTarget.objects.bulk_create(
        [
            ResponseTarget(org_unit=city, category=C.CLEANING, urgency=Urgency.NORMAL, minutes=48 * 60),
            ResponseTarget(org_unit=city, category=C.HAIRCUT, urgency=Urgency.NORMAL, minutes=72 * 60),
        ]
    )
    units = {c.pk: c for c in demo.communities}
    targets: dict[tuple[int, str, str], int] = {}
    calls = []
    needs = {
        r.task.cadre_id: r
        for r in VisitRecord.objects.filter(task__cadre__in=demo.cadres)
        .exclude(needs="")
        .select_related("task")
    }
    open_left = {demo.communities[0].pk: 6}
    for cadre in demo.cadres:
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            category = rng.choices(list(CATEGORIES), weights=[w for w, _, _ in CATEGORIES.values()])[0]
            urgency = Urgency.EMERGENCY if rng.random() < CATEGORIES[category][1] else Urgency.NORMAL
            key = (cadre.community_id, category, urgency)
            if key not in targets:
                targets[key] = response_target_minutes(
                    unit=units[cadre.community_id], category=category, urgency=urgency
                )
            # A few stay open now: six in the first demo community, one in a hundred elsewhere.
            still_open = open_left.get(cadre.community_id, 0) > 0 or rng.random() < 0.01
            if still_open and cadre.community_id in open_left:
                open_left[cadre.community_id] -= 1
            calls.append(
                _call(
                    rng, demo, cadre, category, urgency, targets[key], still_open, needs.pop(cadre.pk, None)
                )
            )
    ServiceRequest.objects.bulk_create([c.request for c in calls], batch_size=2000)
    for call in calls:
        for event in call.events:
            event.request = call.request
    ServiceRequestEvent.objects.bulk_create([e for c in calls for e in c.events], batch_size=2000)
    return len(calls)


def _call(
    rng: random.Random,
    demo: Demo,
    cadre: Cadre,
    category: str,
    urgency: str,
    target: int,
    still_open: bool,
    record: VisitRecord | None,
) -> _Call:
    worker = demo.worker(cadre)
    emergency = urgency == Urgency.EMERGENCY
    if still_open:
        created = demo.now - timedelta(
            minutes=rng.randint(10, 30 * 60) if not emergency else rng.randint(5, 40)
        )
    else:
        day = demo.start + timedelta(days=rng.randrange(360))
        created = demo.at(day, rng.randrange(24 * 60) if emergency else rng.randint(450, 1200))
    caller, relation = rng.choice(CALLERS)
    from_visit = record is not None and record.visited_on <= created.date() and not emergency
    request = ServiceRequest(
        cadre=cadre,
        category=category,
        urgency=urgency,
        description=record.needs if from_visit and record else rng.choice(CATEGORIES[category][2]),
        caller_name=cadre.name if caller == "本人" else f"{cadre.name}的{caller}",
        caller_relation=relation,
        caller_phone=cadre.phone_mobile or identities.mobile(rng),
        source=RequestSource.VISIT if from_visit else RequestSource.PHONE,
        visit_record=record if from_visit else None,
        created_at=created,
        target_minutes=target,
        due_at=created + timedelta(minutes=target),
        created_by=worker,
    )
    call = _Call(request, [ServiceRequestEvent(state=S.RECEIVED, at=created, actor=worker)])
    _assign(rng, demo, request, category)
    late = rng.random() < 0.13
    dispatched = created + timedelta(
        minutes=rng.randint(1, 8) if emergency else rng.randint(5, min(240, target // 3))
    )
    arrived = created + timedelta(
        minutes=int(target * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.2, 0.95)))
    )
    arrived = max(arrived, dispatched + timedelta(minutes=2))  # nobody arrives before being sent
    completed = arrived + timedelta(minutes=rng.randint(20, 180))
    steps = [(S.DISPATCHED, dispatched), (S.ARRIVED, arrived), (S.COMPLETED, completed)]
    if not still_open and rng.random() < 0.03:
        steps = [
            (S.DISPATCHED, dispatched),
            (S.CANCELLED, dispatched + timedelta(minutes=rng.randint(5, 60))),
        ]
    for state, at in steps:
        if at > demo.now:
            break
        _step(call, state, at, worker)
    if request.state == S.COMPLETED and rng.random() < 0.65:
        _rate(rng, call, late, demo.now)
    return call


def _assign(rng: random.Random, demo: Demo, request: ServiceRequest, category: str) -> None:
    roll = rng.random()
    if category in PROVIDERS and roll < 0.5:
        request.provider_name, request.provider_phone = PROVIDERS[category]
    elif roll < 0.75 and category != C.EMERGENCY_HELP:
        request.assignee_volunteer = rng.choice(demo.volunteers[request.cadre.community_id])
    else:
        request.assignee_user = demo.worker(request.cadre)


def _step(call: _Call, state: str, at: datetime, worker: User) -> None:
    request = call.request
    request.state = state
    setattr(request, STAMPS[state], at)
    label = request.assignee_label if state == S.DISPATCHED else ""
    note = "家属已自行处理" if state == S.CANCELLED else ""
    call.events.append(ServiceRequestEvent(state=state, at=at, actor=worker, assignee=label, note=note))


def _rate(rng: random.Random, call: _Call, late: bool, now: datetime) -> None:
    request = call.request
    weights = (45, 35, 20) if late else (82, 15, 3)
    request.satisfaction = rng.choices(list(Satisfaction), weights=weights)[0]
    request.satisfaction_comment = rng.choice(COMMENTS[Satisfaction(request.satisfaction)])
    assert request.completed_at is not None  # only completed requests are rated
    rated = min(now, request.completed_at + timedelta(hours=rng.randint(2, 48)))
    request.rated_at = rated  # a rating writes no event (as service_request_rate): the timeline shows it once
