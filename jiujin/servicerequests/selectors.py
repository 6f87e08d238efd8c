"""Read-side queries of service requests: scoping, the overdue annotation, the board and the lists.

Every query starts from `requests_for_user` (the cadres `Cadre.objects.for_user` returns), so a request of a
cadre out of scope is as missing as one that does not exist. Query counts do not grow with rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.cadres.summary import local_days
from jiujin.core.access import is_volunteer
from jiujin.tasks.models import VisitRecord

from .models import OPEN_STATES, WAITING_STATES, RequestState, ServiceRequest, ServiceRequestEvent

BOARD_LIMIT = 50  # per state column: a dispatcher works the top of the board, the counts say the rest
MINE_LIMIT = 50


def requests_for_user(user: User) -> QuerySet[ServiceRequest]:
    """Staff: the requests of cadres in scope. A volunteer: only the requests sent to them, of cadres on file."""
    if is_volunteer(user):
        return ServiceRequest.objects.filter(assignee_volunteer__user=user, cadre__status=CadreStatus.ACTIVE)
    return ServiceRequest.objects.filter(cadre__in=Cadre.objects.for_user(user).values("pk"))


def requests_received(start: date, end: date) -> QuerySet[ServiceRequest]:
    """Every community's requests received (created) on a local day in [start, end]."""
    return ServiceRequest.objects.filter(local_days("created_at", start, end)).order_by()


def overdue_q(now: datetime) -> Q:
    """Still waiting past the deadline, or arrived after it (a late arrival stays late)."""
    return Q(state__in=WAITING_STATES, due_at__lt=now) | Q(arrived_at__gt=F("due_at"))


def with_overdue(qs: QuerySet[ServiceRequest], now: datetime) -> QuerySet[ServiceRequest]:
    return qs.annotate(
        overdue=Case(
            When(overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def request_for_user(user: User, pk: Any, now: datetime) -> ServiceRequest:
    try:
        return (
            with_overdue(requests_for_user(user), now)
            .select_related(
                "cadre__community",
                "cadre__responsible_worker",
                "assignee_user",
                "assignee_volunteer",
                "created_by",
            )
            .get(pk=pk)
        )
    except (ServiceRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该服务工单") from exc


def response_minutes(request: ServiceRequest) -> int | None:
    if request.arrived_at is None:
        return None
    return int((request.arrived_at - request.created_at).total_seconds() // 60)


def elapsed_minutes(request: ServiceRequest, now: datetime) -> int:
    """Minutes counted against the target: up to arrival, or up to now while still waiting."""
    if request.arrived_at is not None:
        end = request.arrived_at
    elif request.state in WAITING_STATES:
        end = now
    else:
        end = request.cancelled_at or now
    return max(0, int((end - request.created_at).total_seconds() // 60))


def _decorate(rows: list[ServiceRequest], now: datetime) -> list[ServiceRequest]:
    for row in rows:
        row.elapsed = elapsed_minutes(row, now)  # type: ignore[attr-defined]
    return rows


def _list_related(qs: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return qs.select_related(
        "cadre__community", "cadre__responsible_worker", "assignee_user", "assignee_volunteer"
    )


# What a card shows (the board's _card.html and _assignee.html; the home's panel adds the address): building
# the cadre's ~35 columns and the people's whole rows took longer than the queries on a board of 150 cards.
# A column left out here is fetched one query per card: the board tests pin the query count.
CARD_FIELDS = (
    "cadre", "category", "urgency", "state", "created_at", "arrived_at", "cancelled_at", "target_minutes",
    "provider_name", "provider_phone", "assignee_user", "assignee_volunteer",
    "cadre__name", "cadre__community", "cadre__community__name", "cadre__responsible_worker",
    "cadre__responsible_worker__first_name", "cadre__responsible_worker__last_name",
    "cadre__responsible_worker__username",
    "assignee_user__first_name", "assignee_user__last_name", "assignee_user__username", "assignee_user__phone",
    "assignee_volunteer__name", "assignee_volunteer__phone",
)  # fmt: skip


def card_rows(qs: QuerySet[ServiceRequest], *extra: str) -> QuerySet[ServiceRequest]:
    return _list_related(qs).only(*CARD_FIELDS, *extra)


# ---------------------------------------------------------------- board


@dataclass
class Column:
    state: str
    label: str
    count: int
    rows: list[ServiceRequest]

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass
class Board:
    columns: list[Column]
    overdue: int
    now: datetime

    @property
    def total(self) -> int:
        return sum(c.count for c in self.columns)


def board_for(user: User, now: datetime, *, limit: int = BOARD_LIMIT) -> Board:
    """Open requests by state, emergencies on top and newest first; one count query plus one per column."""
    scoped = requests_for_user(user).filter(state__in=OPEN_STATES)
    counts = scoped.aggregate(
        overdue=Count("pk", filter=overdue_q(now)),
        **{s: Count("pk", filter=Q(state=s)) for s in OPEN_STATES},
    )
    columns = []
    for state in OPEN_STATES:
        rows: list[ServiceRequest] = []
        if counts[state]:
            qs = with_overdue(card_rows(scoped.filter(state=state)), now)
            # The codes sort emergency before normal, so the sr_board index yields the order.
            rows = _decorate(list(qs.order_by("urgency", "-created_at", "-id")[:limit]), now)
        columns.append(Column(state, RequestState(state).label, counts[state], rows))
    return Board(columns=columns, overdue=counts["overdue"], now=now)


# ---------------------------------------------------------------- lists


def filtered(
    user: User,
    now: datetime,
    *,
    cadre: int | None = None,
    state: str | None = None,
    overdue: bool | None = None,
    category: str | None = None,
) -> QuerySet[ServiceRequest]:
    """The shared filters of the list page and the API; everything stays in SQL."""
    qs = with_overdue(requests_for_user(user), now)
    if cadre is not None:
        qs = qs.filter(cadre_id=cadre)  # already scoped: another's cadre yields nothing
    if state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    if overdue is True:
        qs = qs.filter(overdue_q(now))
    elif overdue is False:
        qs = qs.exclude(overdue_q(now))
    return qs.order_by("-created_at", "-id")


def list_page(qs: QuerySet[ServiceRequest], now: datetime, start: int, size: int) -> list[ServiceRequest]:
    return _decorate(list(_list_related(qs)[start : start + size]), now)


def mine(user: User, now: datetime) -> list[ServiceRequest]:
    """What the user was sent to do: open ones first, then the latest closed ones."""
    assigned = Q(assignee_user=user) | Q(assignee_volunteer__user=user)
    qs = with_overdue(_list_related(requests_for_user(user).filter(assigned)), now)
    open_first = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1))
    return _decorate(list(qs.order_by(open_first, "-created_at", "-id")[:MINE_LIMIT]), now)


def cadre_requests(cadre: Cadre, now: datetime) -> list[ServiceRequest]:
    qs = with_overdue(_list_related(ServiceRequest.objects.filter(cadre=cadre)), now)
    return _decorate(list(qs.order_by("-created_at", "-id")[:MINE_LIMIT]), now)


# ---------------------------------------------------------------- pickers


def cadre_matches(user: User, text: str, limit: int = 8) -> list[Cadre]:
    """The intake typeahead: the cadre list's own search, in the user's scope."""
    if not text.strip():
        return []
    return list(Cadre.objects.for_user(user).active().search(text).select_related("community")[:limit])


def visit_record_for_user(user: User, pk: Any) -> VisitRecord | None:
    """A visit record whose needs start a request; out of scope reads as missing."""
    if not str(pk or "").isdigit():
        return None
    return (
        VisitRecord.objects.filter(task__cadre__in=Cadre.objects.for_user(user).values("pk"))
        .select_related("task__cadre__community")
        .filter(pk=pk)
        .first()
    )


def request_timeline(request: ServiceRequest) -> list[ServiceRequestEvent]:
    """The request's state changes, oldest first, for the detail page: one 完成 at most.

    Ratings no longer write events; those written by earlier releases (a second 完成 row with the rating in
    its note) are left out here, so old requests do not show "完成 张丽" twice either."""
    events = list(request.events.select_related("actor"))
    first_done = next((e for e in events if e.state == RequestState.COMPLETED), None)
    return [e for e in events if e.state != RequestState.COMPLETED or e is first_done]
