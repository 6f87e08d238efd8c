"""What the service-request app puts on the homes: the open requests (late ones first) on a worker's, the
late requests and the satisfaction per unit on a supervisor's, and a request as a kind of contact."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OPEN_STATES, Satisfaction, ServiceRequest
from .selectors import _decorate, card_rows, overdue_q, requests_for_user, with_overdue

HOME_REQUEST_LIMIT = 10


def open_requests_panel(request: Any) -> str:
    now = timezone.now()
    scoped = requests_for_user(request.user).filter(state__in=OPEN_STATES)
    counts = scoped.aggregate(total=Count("pk"), late=Count("pk", filter=overdue_q(now)))
    late_first = Case(When(overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField())
    rows = _decorate(
        list(
            with_overdue(card_rows(scoped, "cadre__address"), now).order_by(
                late_first, "urgency", "-created_at", "-id"
            )[:HOME_REQUEST_LIMIT]
        ),
        now,
    )
    context = {"rows": rows, **counts}
    return render_to_string("servicerequests/_home_requests.html", context, request=request)


def last_request() -> Subquery:
    """The day of the latest call or request about the cadre (a call is a contact, whatever came of it)."""
    calls = ServiceRequest.objects.filter(cadre=OuterRef("pk")).order_by("-created_at")
    return Subquery(calls.annotate(day=TruncDate("created_at")).values("day")[:1])


def _month_start(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today.replace(day=1), time.min))


def _in(communities: QuerySet[Any], user: Any) -> QuerySet[ServiceRequest]:
    return requests_for_user(user).filter(cadre__community__in=communities).order_by()


def late_by_community(user: Any, communities: QuerySet[Any], today: date) -> dict[int, tuple[int, int]]:
    """Requests taken this month that are or were late against their response target."""
    now = timezone.now()
    rows = (
        _in(communities, user)
        .filter(created_at__gte=_month_start(today))
        .values("cadre__community_id")
        .annotate(late=Count("pk", filter=overdue_q(now)), total=Count("pk"))
    )
    return {r["cadre__community_id"]: (r["late"], r["total"]) for r in rows}


def satisfaction_by_community(
    user: Any, communities: QuerySet[Any], today: date
) -> dict[int, tuple[int, int]]:
    """Satisfied of the requests rated this month."""
    rows = (
        _in(communities, user)
        .filter(rated_at__gte=_month_start(today))
        .exclude(satisfaction="")
        .values("cadre__community_id")
        .annotate(ok=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)), rated=Count("pk"))
    )
    return {r["cadre__community_id"]: (r["ok"], r["rated"]) for r in rows}


def register() -> None:
    from jiujin.core.registry import (
        ContactSource,
        HomePanel,
        UnitFigure,
        contact_source_register,
        home_panel_register,
        unit_figure_register,
    )

    home_panel_register(HomePanel("open-requests", open_requests_panel, order=20))
    contact_source_register(ContactSource("request", "服务工单", last_request))
    unit_figure_register(
        UnitFigure("requests-late", "本月超时工单", order=50, by_community=late_by_community, alarm=True),
        UnitFigure(
            "satisfaction", "本月满意率", order=60, by_community=satisfaction_by_community, percent=True
        ),
    )
