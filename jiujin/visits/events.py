"""Events in a cadre's life (住院/重大家事/特殊情况/去世): the visit each calls for. (No more scheduled
tasks once the file is closed: the tasks app's hook, by the kinds registered as scheduled.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.cadres.services import cadre_change_status
from jiujin.lib.calendar import lunar_label
from jiujin.tasks.models import TaskStatus, VisitTask

from .generation import PRIORITY_HIGH, PRIORITY_NORMAL
from .models import CadreEvent, EventKind
from .rules import effective_rules
from .task_kinds import CONDOLENCE, FAMILY_EVENT, HOSPITAL, SPECIAL


@dataclass(frozen=True)
class _EventTask:
    kind: str
    title: str
    days_setting: str  # the VisitSettings field giving "due within N days"
    priority: int


DECEASED_NO_EVENTS = "该老干部已去世，不能登记事件"

EVENT_TASKS: dict[str, _EventTask] = {
    EventKind.HOSPITALISED: _EventTask(HOSPITAL.code, "住院探视", "hospital_days", PRIORITY_HIGH),
    EventKind.FAMILY_EVENT: _EventTask(FAMILY_EVENT.code, "重大家事看望", "family_event_days", PRIORITY_HIGH),
    EventKind.SPECIAL: _EventTask(SPECIAL.code, "特殊情况走访", "special_days", PRIORITY_NORMAL),
    EventKind.DEATH: _EventTask(CONDOLENCE.code, "吊唁慰问家属", "condolence_days", PRIORITY_HIGH),
}


@transaction.atomic
def cadre_event_record(*, actor: Actor, cadre: Cadre, kind: str, on: date, note: str = "") -> CadreEvent:
    """Record 住院/重大家事/特殊情况/去世 and create the visit it calls for; a death also closes the file."""
    if kind not in EVENT_TASKS:
        raise ValidationError({"kind": "未知的事件类型"})
    # Lock the cadre: parallel 去世 events wait here, then see the file closed (one event, one 吊唁).
    locked = Cadre.objects.select_for_update().only("status").get(pk=cadre.pk)
    cadre.status = locked.status
    if cadre.status == CadreStatus.DECEASED:
        raise ValidationError(DECEASED_NO_EVENTS)
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError("只能为在册老干部登记事件")
    event = CadreEvent.objects.create(cadre=cadre, kind=kind, date=on, note=note, created_by=actor.user)
    label = EventKind(kind).label
    audit_record(
        actor=actor, action=AuditAction.CREATE, cadre=cadre, detail=f"登记事件：{label} {on:%Y-%m-%d}"
    )
    if kind == EventKind.DEATH:
        # The one death path: the status change runs the file-closed hooks, which cancel the scheduled
        # tasks (tasks) and make the 吊唁 visit from this event (condolence_on_file_closed below).
        cadre_change_status(
            actor=actor, cadre=cadre, status=CadreStatus.DECEASED, on=on, reason=note or label
        )
    else:
        _event_task_create(cadre=cadre, event=event)
    return event


def condolence_on_file_closed(*, actor: Actor, cadre: Cadre, on: date, reason: str) -> VisitTask | None:
    """A file-closed hook: a death, however it was entered (登记事件 or the status page), calls for one
    吊唁慰问家属. From 登记事件 the task hangs on the 去世 event just recorded; from the status page a 去世
    event is recorded here, so the cadre's events say what happened either way."""
    if cadre.status != CadreStatus.DECEASED:
        return None
    live = VisitTask.objects.filter(cadre=cadre, kind=CONDOLENCE.code).exclude(status=TaskStatus.CANCELLED)
    if live.exists():  # e.g. 去世 → 在册 (a mistake) → 去世 again
        return None
    event = (
        CadreEvent.objects.filter(cadre=cadre, kind=EventKind.DEATH, tasks__isnull=True)
        .order_by("-pk")
        .first()
    )
    if event is None:
        event = CadreEvent.objects.create(
            cadre=cadre, kind=EventKind.DEATH, date=on, note=cadre.status_reason, created_by=actor.user
        )
    return _event_task_create(cadre=cadre, event=event)


def _event_task_create(*, cadre: Cadre, event: CadreEvent) -> VisitTask:
    spec = EVENT_TASKS[event.kind]
    days = getattr(effective_rules(cadre.community).settings, spec.days_setting)
    due = event.date + timedelta(days=days)
    overdue = due < timezone.localdate()  # an event recorded late is already overdue
    if spec.kind != CONDOLENCE.code:
        return _event_task_insert(cadre=cadre, event=event, spec=spec, due=due, overdue=overdue)
    try:
        with transaction.atomic():  # a savepoint: visittask_one_condolence is the backstop of the lock
            return _event_task_insert(cadre=cadre, event=event, spec=spec, due=due, overdue=overdue)
    except IntegrityError:
        raise ValidationError(DECEASED_NO_EVENTS) from None


def _event_task_insert(
    *, cadre: Cadre, event: CadreEvent, spec: _EventTask, due: date, overdue: bool
) -> VisitTask:
    return VisitTask.objects.create(
        cadre=cadre,
        kind=spec.kind,
        rule_key=spec.kind,
        occurrence=f"event-{event.pk}",
        title=spec.title,
        due_date=due,
        window_start=event.date,
        lunar_label=lunar_label(due),
        priority=spec.priority,
        status=TaskStatus.OVERDUE if overdue else TaskStatus.OPEN,
        assignee_id=cadre.responsible_worker_id,
        event=event,
    )
