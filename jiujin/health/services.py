"""Writes of the health records. Every write is audit-logged with before/after; reads are logged by the views
and API through `health_record_view`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_labels_register, audit_record, audit_record_batch, diff
from jiujin.audit.services import snapshot as audit_snapshot
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.cadres.services import CLOSED_FILE_REASONS, cadre_record_view
from jiujin.lib.calendar import lunar_label
from jiujin.tasks.models import PENDING, TaskStatus, VisitTask
from jiujin.tasks.services import tasks_add
from jiujin.visits.events import cadre_event_record
from jiujin.visits.models import EventKind

from .models import HealthCampaign, HealthProfile, HospitalStay, MedicalRoundSchedule
from .task_kinds import MEDICAL_ROUND

VIEW_DETAIL = "查看健康档案"
# How far ahead 巡诊 tasks are created: a month shows the next visits without flooding the agenda.
ROUND_DAYS = 30
ROUND_PREFIX = "medical:"
RESCHEDULED = "巡诊安排已调整"
# Bookkeeping columns left out of the audit before/after.
_UNAUDITED = {"id", "cadre", "created_at", "updated_at", "recorded_by", "created_by", "updated_by", "event"}


def health_record_view(*, actor: Actor, cadre: Cadre, detail: str = VIEW_DETAIL) -> None:
    cadre_record_view(actor=actor, cadre=cadre, detail=detail)


audit_labels_register("health.healthcampaign", {"attendees": "参加人员"})


def snapshot(item: models.Model) -> dict[str, Any]:
    """The audited columns of a health row (the shared audit snapshot), JSON-ready; {} while unsaved."""
    return audit_snapshot(item, exclude=_UNAUDITED)


def _label(item: models.Model) -> str:
    return str(item._meta.verbose_name)


def _audit_write(*, actor: Actor, cadre: Cadre, item: models.Model, before: dict[str, Any]) -> dict:
    changes = diff(before, snapshot(item))
    if changes:
        verb = "修改" if before else "新增"
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            cadre=cadre,
            subject=item,
            detail=f"健康档案：{verb}{_label(item)}",
            changes=changes,
        )
    return changes


def _save(item: models.Model, before: dict[str, Any], *, touch: tuple[str, ...] = ()) -> None:
    """INSERT a new row; UPDATE only the changed columns of an existing one (plus `touch` when any did)."""
    if not before:
        item.save()
        return
    columns = [name for name, value in snapshot(item).items() if before.get(name) != value]
    if columns:
        item.save(update_fields=[*columns, *touch])


# ---------------------------------------------------------------- profile and plain rows


@transaction.atomic
def health_profile_save(*, actor: Actor, profile: HealthProfile, before: dict[str, Any]) -> dict:
    """Create or update the cadre's profile; `before` is `snapshot(profile)` taken before the edit."""
    profile.updated_by = actor.user
    _save(profile, before, touch=("updated_by", "updated_at"))
    return _audit_write(actor=actor, cadre=profile.cadre, item=profile, before=before)


@transaction.atomic
def health_item_create(*, actor: Actor, cadre: Cadre, item: Any) -> Any:
    """A check-up, condition or medication of this cadre."""
    item.cadre = cadre
    if hasattr(item, "recorded_by_id"):
        item.recorded_by = actor.user
    item.save()
    _audit_write(actor=actor, cadre=cadre, item=item, before={})
    return item


@transaction.atomic
def health_item_update(*, actor: Actor, item: Any, before: dict[str, Any]) -> dict:
    _save(item, before)
    return _audit_write(actor=actor, cadre=item.cadre, item=item, before=before)


# ---------------------------------------------------------------- hospital stays


@transaction.atomic
def hospital_stay_create(
    *, actor: Actor, cadre: Cadre, item: HospitalStay, history: bool = False
) -> HospitalStay:
    """Record a stay and, unless it is entered as history, the 住院 event whose 探视 task is due within the
    unit's hospital_days (3 by default). The event note names where to visit, never the diagnosis: events
    are shown on the visit pages, which users without `view_health` see."""
    if not history:
        where = " ".join(p for p in (item.hospital, item.ward) if p)
        try:
            item.event = cadre_event_record(
                actor=actor, cadre=cadre, kind=EventKind.HOSPITALISED, on=item.admitted_on, note=where
            )
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
    return health_item_create(actor=actor, cadre=cadre, item=item)


# ---------------------------------------------------------------- 巡诊 schedules


@transaction.atomic
def medical_round_schedule_create(
    *, actor: Actor, cadre: Cadre, item: MedicalRoundSchedule
) -> MedicalRoundSchedule:
    item.created_by = actor.user
    health_item_create(actor=actor, cadre=cadre, item=item)
    _sync_round_tasks(item, today=timezone.localdate())
    return item


@transaction.atomic
def medical_round_schedule_update(
    *, actor: Actor, item: MedicalRoundSchedule, before: dict[str, Any]
) -> dict:
    """Save an edited schedule and bring its pending tasks in line: dates no longer on the schedule go."""
    changes = health_item_update(actor=actor, item=item, before=before)
    if changes.keys() & {"every", "unit", "next_date", "active", "provider"}:
        _sync_round_tasks(item, today=timezone.localdate())
    return changes


def _sync_round_tasks(schedule: MedicalRoundSchedule, *, today: date) -> None:
    through = today + timedelta(days=ROUND_DAYS)
    wanted = (
        {d.isoformat() for d in schedule.occurrences(today, through)}
        if schedule.active and schedule.cadre.status == CadreStatus.ACTIVE
        else set()
    )
    pending = VisitTask.objects.filter(
        cadre_id=schedule.cadre_id, rule_key=schedule.rule_key, status__in=PENDING, due_date__gte=today
    )
    # A new provider's name goes on the tasks that stay.
    pending.filter(occurrence__in=wanted).update(suggestion=_suggestion(schedule))
    stale = pending.exclude(occurrence__in=wanted)
    # Generated rows nobody has touched are derived data: drop them; those with a 空访 record stay, cancelled.
    stale.filter(records__isnull=True).delete()
    stale.update(status=TaskStatus.CANCELLED, cancel_reason=RESCHEDULED)
    if wanted:
        _insert_round_tasks([schedule], today=today, through=through)


@transaction.atomic
def medical_rounds_daily(today: date, through: date | None) -> str:
    """The daily loop's step (registered in apps.py)."""
    return f"新生成巡诊任务 {medical_rounds_generate(today=today, through=through)} 项"


def medical_rounds_generate(*, today: date, through: date | None = None) -> int:
    """Create the 上门巡诊 visit tasks of active schedules falling in [today, through]; returns how many were
    new. The VisitTask key (cadre, "medical:<schedule id>", date) makes a second run create nothing. Pending
    round tasks of cadres whose file was closed are cancelled, as the visit engine does for its own."""
    through = through or today + timedelta(days=ROUND_DAYS)
    _cancel_closed_files()
    schedules = (
        MedicalRoundSchedule.objects.filter(
            active=True, next_date__lte=through, cadre__status=CadreStatus.ACTIVE
        )
        .select_related("cadre")
        .order_by("pk")
    )
    created, batch = 0, []
    for schedule in schedules.iterator(chunk_size=1000):
        batch.append(schedule)
        if len(batch) == 1000:
            created += _insert_round_tasks(batch, today=today, through=through)
            batch = []
    if batch:
        created += _insert_round_tasks(batch, today=today, through=through)
    return created


def _cancel_closed_files() -> int:
    cancelled = 0
    for status, reason in CLOSED_FILE_REASONS.items():
        cancelled += VisitTask.objects.filter(
            kind=MEDICAL_ROUND.code, status__in=PENDING, cadre__status=status
        ).update(status=TaskStatus.CANCELLED, cancel_reason=reason)
    return cancelled


def _insert_round_tasks(schedules: list[MedicalRoundSchedule], *, today: date, through: date) -> int:
    return tasks_add([_round_task(s, due) for s in schedules for due in s.occurrences(today, through)])


def _suggestion(schedule: MedicalRoundSchedule) -> str:
    return f"巡诊：{schedule.provider}"[:100]


def _round_task(schedule: MedicalRoundSchedule, due: date) -> VisitTask:
    return VisitTask(
        cadre_id=schedule.cadre_id,
        kind=MEDICAL_ROUND.code,
        rule_key=schedule.rule_key,
        occurrence=due.isoformat(),
        title=MEDICAL_ROUND.label,
        due_date=due,
        window_start=due,
        lunar_label=lunar_label(due),
        priority=2,
        status=TaskStatus.OPEN,
        assignee_id=schedule.cadre.responsible_worker_id,
        suggestion=_suggestion(schedule),
    )


# ---------------------------------------------------------------- campaigns


def campaign_snapshot(campaign: HealthCampaign) -> dict[str, Any]:
    if campaign.pk is None:
        return {}
    return {**snapshot(campaign), "attendees": sorted(campaign.attendees.values_list("pk", flat=True))}


@transaction.atomic
def health_campaign_save(
    *,
    actor: Actor,
    campaign: HealthCampaign,
    before: dict[str, Any],
    attendees: list[Cadre],
    visible_ids: set[int] | None = None,
) -> HealthCampaign:
    """Create or update a campaign with its attendees; `before` is `campaign_snapshot` taken before the edit.

    `attendees` are the cadres picked (all in the actor's scope). Attendees the actor cannot see
    (`visible_ids` given: those not in it) are kept as they were: an editor removes only whom they can see.
    Each cadre added or removed gets an audit row of its own, so their file shows the attendance.
    """
    old = set(before.get("attendees", []))
    hidden = {pk for pk in old if visible_ids is not None and pk not in visible_ids}
    new = {c.pk for c in attendees} | hidden
    if campaign.pk is None:
        campaign.created_by = actor.user
    _save(campaign, {k: v for k, v in before.items() if k != "attendees"})
    campaign.attendees.set(new)
    changes = diff(before, campaign_snapshot(campaign))
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            subject=campaign,
            detail=f"健康活动：{'修改' if before else '新增'}“{campaign.title}”"[:200],
            changes=changes,
        )
    for ids, verb in ((new - old, "参加"), (old - new, "移出")):
        if ids:
            audit_record_batch(
                actor=actor,
                action=AuditAction.UPDATE,
                cadre_ids=sorted(ids),
                subject=campaign,
                detail=f"健康活动{verb}：{campaign.get_kind_display()}“{campaign.title}”"[:200],
            )
    return campaign
