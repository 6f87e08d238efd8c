"""Read-side queries of the service plans. The cadre reaches here already scoped (`get_cadre_for_user`)."""

from __future__ import annotations

from django.db.models import QuerySet

from jiujin.cadres.models import Cadre
from jiujin.tasks.models import VisitTask

from .models import PlanService, ServicePlan
from .task_kinds import PLAN_SERVICE

UPCOMING_LIMIT = 10


def plan_for(cadre: Cadre) -> ServicePlan | None:
    """The cadre's plan, or None while none has been made."""
    return ServicePlan.objects.filter(cadre=cadre).first()


def plan_items(plan: ServicePlan | None) -> QuerySet[PlanService] | list[PlanService]:
    """The plan's services with their responsible people, as the plan page lists them."""
    return plan.items.select_related("worker", "volunteer") if plan else []


def plan_items_by_id(plan: ServicePlan | None) -> QuerySet[PlanService] | list[PlanService]:
    """The plan's services in the order they were added, with the worker (the API's list)."""
    return plan.items.select_related("worker").order_by("id") if plan else []


def plan_upcoming_tasks(cadre: Cadre, *, limit: int = UPCOMING_LIMIT) -> QuerySet[VisitTask]:
    """The cadre's next pending plan-service tasks, soonest first."""
    return (
        VisitTask.objects.filter(cadre=cadre, kind=PLAN_SERVICE.code)
        .pending()
        .select_related("assignee")
        .order_by("due_date", "id")[:limit]
    )
