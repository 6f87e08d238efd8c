"""Writes of opinions: intake (with its reply task on the agenda), the answer, the rating, the per-unit answer
days and the daily escalation.

Escalation, one level per due period: an opinion still unanswered after its `escalate_on` day moves one level
up the tree (community → street → district → city) and gets a fresh period there (that unit's answer days,
from the day it moved); at the city it stays. The job compares dates only, so running it twice a day, or
again after a missed day, moves an opinion at most one level per run and never twice in one day.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, diff, snapshot
from jiujin.cadres.models import Cadre
from jiujin.lib.calendar import lunar_label
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import PENDING, TaskStatus, VisitTask

from .models import DEFAULT_ANSWER_DAYS, AnswerDays, Escalation, Opinion, OpinionState, Outcome, RouteTo
from .task_kinds import OPINION_REPLY

REPLY_FIELDS = ["reply", "outcome", "reason", "state", "answered_at", "answered_by", "answer_days"]


class OpinionRefused(Exception):
    """A step the opinion's state does not allow (answering twice, rating before the answer): 409 / a warning."""


# ---------------------------------------------------------------- answer days


def answer_days_for(unit: OrgUnit) -> int:
    """The nearest unit's answer days up the tree, else DEFAULT_ANSWER_DAYS."""
    days = (
        AnswerDays.objects.filter(org_unit__path__in=unit.chain_paths())
        .order_by(Length("org_unit__path").desc())
        .values_list("days", flat=True)
        .first()
    )
    return days or DEFAULT_ANSWER_DAYS


@transaction.atomic
def answer_days_set(*, actor: Actor, unit: OrgUnit, days: int | None) -> None:
    """Set a unit's answer days (None: inherit again). Only new opinions get the new due date."""
    before = AnswerDays.objects.filter(org_unit=unit).values_list("days", flat=True).first()
    if days is None:
        AnswerDays.objects.filter(org_unit=unit).delete()
    else:
        AnswerDays.objects.update_or_create(org_unit=unit, defaults={"days": days})
    if before != days:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            subject_type="opinions.answerdays",
            subject_id=unit.code,
            detail=f"设置{unit.name}意见建议答复时限：{days or '沿用上级'}{'天' if days else ''}",
            changes={"days": [before, days]},
        )


# ---------------------------------------------------------------- intake


@transaction.atomic
def opinion_create(
    *,
    actor: Actor,
    cadre: Cadre,
    source: str,
    content: str,
    route_to: str,
    category: str = "other",
    raised_on: date | None = None,
) -> Opinion:
    if route_to == RouteTo.WORK_UNIT and cadre.work_unit_id is None:
        raise ValidationError({"route_to": "该老干部未登记原工作单位，不能转原单位"})
    raised_on = raised_on or timezone.localdate()
    due = raised_on + timedelta(days=answer_days_for(cadre.community))
    opinion = Opinion.objects.create(
        cadre=cadre,
        community_id=cadre.community_id,
        source=source,
        category=category,
        content=content,
        route_to=route_to,
        work_unit_id=cadre.work_unit_id if route_to == RouteTo.WORK_UNIT else None,
        raised_on=raised_on,
        due_date=due,
        escalate_on=due,
        created_at=timezone.now(),
        created_by=actor.user,
    )
    VisitTask.objects.create(
        cadre=cadre,
        kind=OPINION_REPLY.code,
        rule_key=task_key(opinion),
        occurrence="reply",
        title=OPINION_REPLY.label,
        due_date=due,
        window_start=raised_on,
        lunar_label=lunar_label(due),
        priority=3,
        status=TaskStatus.OPEN,
        assignee_id=cadre.responsible_worker_id,
        suggestion=f"#{opinion.pk} 转{opinion.get_route_to_display()}：{content}"[:100],
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=cadre,
        subject=opinion,
        detail=f"记录意见建议 #{opinion.pk}（{opinion.get_source_display()}，转{opinion.get_route_to_display()}）",
        changes=diff({}, snapshot(opinion)),
    )
    return opinion


def task_key(opinion: Opinion) -> str:
    return f"opinion:{opinion.pk}"


# ---------------------------------------------------------------- answer and rating


@transaction.atomic
def opinion_reply(*, actor: Actor, opinion: Opinion, reply: str, outcome: str, reason: str = "") -> Opinion:
    """Record the answer (from whoever gave it: the party organisation, the work unit, the bureau or the
    community); the reply task on the agenda is done."""
    reply, reason = reply.strip(), reason.strip()
    errors = {}
    if not reply:
        errors["reply"] = "请填写答复内容"
    if outcome == Outcome.UNSOLVABLE and not reason:
        errors["reason"] = "无法解决的，须说明原因"
    if errors:
        raise ValidationError(errors)
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if locked.state != OpinionState.OPEN:
        raise OpinionRefused("该意见建议已答复")
    before = snapshot(locked, REPLY_FIELDS)
    now = timezone.now()
    opinion.reply, opinion.outcome = reply, Outcome(outcome)
    opinion.reason = reason if outcome == Outcome.UNSOLVABLE else ""
    opinion.state, opinion.answered_at, opinion.answered_by = OpinionState.ANSWERED, now, actor.user
    opinion.answer_days = (timezone.localdate(now) - opinion.raised_on).days
    opinion.save(update_fields=REPLY_FIELDS)
    VisitTask.objects.filter(
        cadre_id=opinion.cadre_id, rule_key=task_key(opinion), status__in=PENDING
    ).update(status=TaskStatus.DONE, done_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=opinion.cadre,
        subject=opinion,
        detail=f"答复意见建议 #{opinion.pk}：{opinion.get_outcome_display()}",
        changes=diff(before, snapshot(opinion, REPLY_FIELDS)),
    )
    return opinion


@transaction.atomic
def opinion_rate(*, actor: Actor, opinion: Opinion, satisfaction: int) -> Opinion:
    """The cadre's satisfaction with the answer, 1 (very unsatisfied) to 5 (very satisfied); may be changed."""
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": "满意度为 1 至 5 分"})
    locked = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if locked.state != OpinionState.ANSWERED:
        raise OpinionRefused("答复后才能评价满意度")
    before = locked.satisfaction
    opinion.satisfaction, opinion.rated_at = satisfaction, timezone.now()
    opinion.save(update_fields=["satisfaction", "rated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=opinion.cadre,
        subject=opinion,
        detail=f"意见建议 #{opinion.pk} 满意度：{satisfaction} 分",
        changes={"satisfaction": [before, satisfaction]},
    )
    return opinion


# ---------------------------------------------------------------- escalation (the daily job)


@transaction.atomic
def opinions_escalate(*, today: date) -> int:
    """Move every opinion unanswered past its `escalate_on` one level up; returns how many moved."""
    due = (
        Opinion.objects.select_for_update(of=("self",))
        .filter(state=OpinionState.OPEN, escalate_on__lt=today)
        .select_related("cadre", "community__parent", "escalated_to__parent")
        .order_by("pk")
    )
    moved: list[Opinion] = []
    steps: list[Escalation] = []
    days: dict[int, int] = {}
    for opinion in due.iterator(chunk_size=1000):
        holder = opinion.escalated_to or opinion.community
        parent = holder.parent
        if parent is None:  # already at the top: it stays on the city's home until answered
            continue
        if parent.pk not in days:
            days[parent.pk] = answer_days_for(parent)
        opinion.escalated_to, opinion.escalate_on = parent, today + timedelta(days=days[parent.pk])
        moved.append(opinion)
        steps.append(Escalation(opinion=opinion, from_unit=holder, to_unit=parent, on=today))
    Opinion.objects.bulk_update(moved, ["escalated_to", "escalate_on"], batch_size=1000)
    Escalation.objects.bulk_create(steps, batch_size=1000, ignore_conflicts=True)
    for opinion, step in zip(moved, steps, strict=True):
        audit_record(
            actor=Actor(user=None, via="job"),
            action=AuditAction.STATUS,
            cadre=opinion.cadre,
            subject=opinion,
            detail=f"意见建议 #{opinion.pk} 逾期未答复，升级至{step.to_unit.name}",
            changes={"escalated_to": [step.from_unit.pk, step.to_unit.pk]},
        )
    return len(moved)


def opinions_daily(today: date, through: date | None) -> str:
    """The daily loop's step (registered in apps.py)."""
    return f"逾期意见建议升级 {opinions_escalate(today=today)} 件"
