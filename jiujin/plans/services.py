"""Individual service plans (个性化服务方案): writing them, and turning their services into due work.

Each active service makes `tasks.VisitTask` rows of kind plan_service (rule_key "plan:<item id>",
occurrence = due date), and the plan's review date one more ("plan-review:<plan id>"); the unique
(cadre, rule_key, occurrence) key makes generating twice create nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_labels_register, audit_record, diff
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.lib.calendar import lunar_label, recurring_dates
from jiujin.tasks.models import PENDING, TaskStatus, VisitTask
from jiujin.tasks.services import tasks_add

from .models import PlanService, ServicePlan
from .task_kinds import PLAN_SERVICE

HORIZON_DAYS = 14  # how far ahead services become tasks: a daily service is not 60 rows on the agenda
REVIEW_WINDOW_DAYS = 7
ITEM_FIELDS = ["what", "every", "unit", "worker", "volunteer", "start_date", "active"]


@dataclass
class ItemValues:
    """One service as a form or the API gives it; `item` is the existing row it edits, if any."""

    what: str
    every: int
    unit: str
    start_date: date
    active: bool = True
    worker: Any = None
    volunteer: Any = None
    item: PlanService | None = None


# --- Schedules ------------------------------------------------------------------------------------------


def _window(item: PlanService) -> timedelta:
    period = item.every * {"day": 1, "week": 7, "month": 30}[item.unit]
    return timedelta(days=min(REVIEW_WINDOW_DAYS, period // 2))


def _assignee_id(item: PlanService) -> int | None:
    """The worker in charge; a volunteer's own login, else the cadre's responsible worker."""
    if item.worker_id:
        return item.worker_id
    if item.volunteer_id and item.volunteer.user_id:  # type: ignore[union-attr]
        return item.volunteer.user_id  # type: ignore[union-attr]
    return item.plan.cadre.responsible_worker_id


def _service_task(item: PlanService, due: date) -> VisitTask:
    return VisitTask(
        cadre_id=item.plan.cadre_id,
        kind=PLAN_SERVICE.code,
        rule_key=f"plan:{item.pk}",
        occurrence=due.isoformat(),
        title=f"方案服务：{item.what}"[:100],
        due_date=due,
        window_start=due - _window(item),
        lunar_label=lunar_label(due),
        assignee_id=_assignee_id(item),
        suggestion=f"{item.frequency_display} · {item.responsible_display}"[:100],
    )


def _review_task(plan: ServicePlan) -> VisitTask:
    due = plan.review_date
    assert due is not None
    return VisitTask(
        cadre_id=plan.cadre_id,
        kind=PLAN_SERVICE.code,
        rule_key=f"plan-review:{plan.pk}",
        occurrence=due.isoformat(),
        title="服务方案复核",
        due_date=due,
        window_start=due - timedelta(days=REVIEW_WINDOW_DAYS),
        lunar_label=lunar_label(due),
        status=TaskStatus.OVERDUE if due < timezone.localdate() else TaskStatus.OPEN,
        assignee_id=plan.cadre.responsible_worker_id,
    )


# --- Generating tasks -----------------------------------------------------------------------------------


@transaction.atomic
def plan_tasks_daily(today: date, through: date | None) -> str:
    """The daily loop's step (registered in apps.py)."""
    return f"新生成服务方案任务 {plan_tasks_generate(today=today, through=through)} 项"


def plan_tasks_generate(*, today: date, through: date | None = None) -> int:
    """Tasks for every active service due in [today, through] and every pending review date up to
    `through` (default: HORIZON_DAYS ahead); returns how many were new. Idempotent."""
    return _generate(Q(), today=today, through=through or today + timedelta(days=HORIZON_DAYS))


def _generate(plans: Q, *, today: date, through: date) -> int:
    live = Q(cadre__status=CadreStatus.ACTIVE) & plans
    items = PlanService.objects.filter(
        active=True, start_date__lte=through, plan__in=ServicePlan.objects.filter(live)
    ).select_related("plan__cadre", "volunteer", "worker")
    rows = [
        _service_task(item, due)
        for item in items
        for due in recurring_dates(
            start=item.start_date, every=item.every, unit=item.unit, lo=today, hi=through
        )
    ]
    reviews = ServicePlan.objects.filter(live, review_date__isnull=False, review_date__lte=through)
    rows += [_review_task(plan) for plan in reviews.select_related("cadre")]
    return tasks_add(rows)


def _sync_tasks(plan: ServicePlan) -> None:
    """After an edit: pending tasks no longer on the plan's schedule are cancelled, the rest follow the
    new responsible person, and what is now due is generated."""
    today = timezone.localdate()
    through = today + timedelta(days=HORIZON_DAYS)
    pending = VisitTask.objects.filter(cadre_id=plan.cadre_id, kind=PLAN_SERVICE.code, status__in=PENDING)
    for item in plan.items.select_related("plan__cadre", "volunteer", "worker"):
        tasks = pending.filter(rule_key=f"plan:{item.pk}")
        if not item.active:
            tasks.update(status=TaskStatus.CANCELLED, cancel_reason="该服务已停止")
            continue
        keep = {
            d.isoformat()
            for d in recurring_dates(
                start=item.start_date, every=item.every, unit=item.unit, lo=today, hi=through
            )
        }
        tasks.filter(due_date__gte=today).exclude(occurrence__in=keep).update(
            status=TaskStatus.CANCELLED, cancel_reason="服务方案已调整"
        )
        tasks.exclude(status=TaskStatus.CANCELLED).update(assignee_id=_assignee_id(item))
    reviews = pending.filter(rule_key=f"plan-review:{plan.pk}")
    if plan.review_date:
        reviews = reviews.exclude(occurrence=plan.review_date.isoformat())
    reviews.update(status=TaskStatus.CANCELLED, cancel_reason="复核日期已调整")
    _generate(Q(pk=plan.pk), today=today, through=through)


# --- Writing plans --------------------------------------------------------------------------------------


def _apply_items(plan: ServicePlan, items: list[ItemValues], *, deactivate_missing: bool) -> None:
    kept = set()
    for values in items:
        item = values.item or PlanService(plan=plan)
        for name in ITEM_FIELDS:
            setattr(item, name, getattr(values, name))
        if values.item is None:
            item.save()
        else:
            item.save(update_fields=ITEM_FIELDS)
        kept.add(item.pk)
    if deactivate_missing:
        # Services left out stop, but stay: the tasks they made keep their meaning.
        plan.items.exclude(pk__in=kept).update(active=False)


# `_summary` keys that are not ServicePlan columns (the others take the model's verbose_name).
audit_labels_register("plans.serviceplan", {"services": "服务项目"})


def _summary(plan: ServicePlan) -> dict[str, Any]:
    return {
        "needs": plan.needs,
        "need_tags": list(plan.need_tags),
        "review_date": plan.review_date.isoformat() if plan.review_date else None,
        "services": [
            f"{i.what}（{i.frequency_display}，{i.responsible_display or '未指定'}，{'执行中' if i.active else '已停止'}）"
            for i in plan.items.select_related("worker", "volunteer").order_by("id")
        ],
    }


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    cadre: Cadre,
    needs: str,
    need_tags: list[str],
    review_date: date | None,
    items: list[ItemValues],
) -> ServicePlan:
    plan = ServicePlan.objects.create(
        cadre=cadre, needs=needs, need_tags=need_tags, review_date=review_date, updated_by=actor.user
    )
    _apply_items(plan, items, deactivate_missing=False)
    _sync_tasks(plan)
    after = _summary(plan)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=cadre,
        subject=plan,
        detail="制定个性化服务方案",
        changes={k: [None, v] for k, v in after.items()},
    )
    return plan


@transaction.atomic
def plan_update(
    *,
    actor: Actor,
    plan: ServicePlan,
    needs: str,
    need_tags: list[str],
    review_date: date | None,
    items: list[ItemValues],
) -> ServicePlan:
    """Replace the plan's content; services not in `items` are stopped (kept as history)."""
    before = _summary(plan)
    plan.needs, plan.need_tags, plan.review_date, plan.updated_by = needs, need_tags, review_date, actor.user
    plan.save(update_fields=["needs", "need_tags", "review_date", "updated_by", "updated_at"])
    _apply_items(plan, items, deactivate_missing=True)
    _sync_tasks(plan)
    after = _summary(plan)
    changes = diff(before, after)
    if changes:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            cadre=plan.cadre,
            subject=plan,
            detail="修改个性化服务方案",
            changes=changes,
        )
    return plan


@transaction.atomic
def plan_review(
    *, actor: Actor, plan: ServicePlan, reviewed_on: date, next_review_date: date | None, note: str = ""
) -> ServicePlan:
    """Record a review: the current review task is done, and the next review date (if any) is scheduled."""
    if plan.review_date:
        VisitTask.objects.filter(
            cadre_id=plan.cadre_id,
            rule_key=f"plan-review:{plan.pk}",
            occurrence=plan.review_date.isoformat(),
            status__in=PENDING,
        ).update(status=TaskStatus.DONE, done_at=timezone.now())
    plan.last_reviewed_on, plan.review_note, plan.review_date = reviewed_on, note, next_review_date
    plan.updated_by = actor.user
    plan.save(update_fields=["last_reviewed_on", "review_note", "review_date", "updated_by", "updated_at"])
    _sync_tasks(plan)
    nxt = f"，下次复核 {next_review_date:%Y-%m-%d}" if next_review_date else ""
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=plan.cadre,
        subject=plan,
        detail=f"复核个性化服务方案（{reviewed_on:%Y-%m-%d}）{nxt}{'：' + note if note else ''}",
    )
    return plan


def plan_record_view(*, actor: Actor, cadre: Cadre) -> None:
    audit_record(actor=actor, action=AuditAction.VIEW, cadre=cadre, detail="查看个性化服务方案")
