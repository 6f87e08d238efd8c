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
        # Also cancels the scheduled tasks (tasks.services.tasks_cancel_scheduled, a file-closed hook).
        cadre_change_status(
            actor=actor, cadre=cadre, status=CadreStatus.DECEASED, on=on, reason=note or label
        )
    _event_task_create(cadre=cadre, event=event)
    return event


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
