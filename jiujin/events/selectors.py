"""Read-side of events: the scoped list, one event fetched and authorized, participation, attendance rates
and the cadres who took part in nothing for six months (loneliness risk)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.core.access import NoAccess
from jiujin.orgs.models import OrgUnit

from .models import Attendance, Event, EventKind, EventQuerySet, SignUp, SignUpState

INACTIVE_DAYS = 183  # "nothing for 6 months"


def events_for_user(user: User) -> EventQuerySet:
    return Event.objects.for_user(user)


def filtered(
    user: User,
    *,
    kind: str = "",
    unit: OrgUnit | None = None,
    start: date | None = None,
    end: date | None = None,
) -> EventQuerySet:
    qs = events_for_user(user).between(start, end)
    if kind:
        qs = qs.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs


def get_event_for_user(user: User, pk: Any) -> Event:
    try:
        return events_for_user(user).select_related("unit", "series").get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该活动") from exc


def get_event_to_manage(user: User, pk: Any) -> Event:
    """An event the user may edit (organised in their own subtree); others' are 404 like missing."""
    try:
        return Event.objects.managed_by(user).select_related("unit", "series").get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该活动") from exc


def signups_in_scope(user: User, event: Event) -> QuerySet[SignUp]:
    """The event's sign-ups of cadres this user reaches (a street's event seen by a community worker shows
    only that community's cadres)."""
    return (
        SignUp.objects.filter(event=event, cadre__in=Cadre.objects.for_user(user).values("pk"))
        .exclude(state=SignUpState.CANCELLED)
        .select_related("cadre__community")
        .annotate(attended=Exists(Attendance.objects.filter(event=event, cadre=OuterRef("cadre_id"))))
        .order_by("state", "queued_at", "id")
    )


def audience_matches(user: User, event: Event, text: str, limit: int = 8) -> list[Cadre]:
    """The sign-up typeahead: the cadre list's own search, in scope and in the event's audience."""
    qs = Cadre.objects.for_user(user).active().filter(event.audience_q()).search(text)
    return list(qs.select_related("community")[:limit])


def participation(cadre_id: int, since: date) -> tuple[int, date | None]:
    """(events attended since `since`, the last day attended ever) of one cadre."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    row = Attendance.objects.filter(cadre_id=cadre_id).aggregate(
        n=Count("pk", filter=Q(event__starts_at__gte=start)), last=Max("event__starts_at")
    )
    last = row["last"]
    return row["n"], timezone.localtime(last).date() if last else None


def cadre_rate(cadre_id: int, since: date) -> dict[str, Any]:
    """One cadre's sign-ups (confirmed) and check-ins at events since `since`, and the rate."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    signed = SignUp.objects.filter(
        cadre_id=cadre_id,
        state=SignUpState.CONFIRMED,
        event__starts_at__gte=start,
        event__starts_at__lte=timezone.now(),
    ).count()
    came = Attendance.objects.filter(cadre_id=cadre_id, event__starts_at__gte=start).count()
    return {"signed_up": signed, "attended": came, "rate": rate(came, signed)}


def recent_for_cadre(cadre: Cadre, limit: int = 8) -> list[SignUp]:
    return list(
        SignUp.objects.filter(cadre=cadre)
        .exclude(state=SignUpState.CANCELLED)
        .select_related("event")
        .annotate(attended=Exists(Attendance.objects.filter(event=OuterRef("event_id"), cadre=cadre)))
        .order_by("-event__starts_at")[:limit]
    )


def inactive_cadres(user: User, today: date, days: int = INACTIVE_DAYS) -> QuerySet[Cadre]:
    """Active cadres in scope who attended no event in the last `days` days (loneliness risk)."""
    since = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
    attended = Attendance.objects.filter(cadre=OuterRef("pk"), event__starts_at__gte=since)
    last = Attendance.objects.filter(cadre=OuterRef("pk")).order_by("-event__starts_at")
    return (
        Cadre.objects.for_user(user)
        .active()
        .filter(~Exists(attended))
        .annotate(last_attended=last.values("event__starts_at")[:1])
        .select_related("community")
        .order_by("community__path", "name_pinyin", "id")
    )


# ---------------------------------------------------------------- what the assessment and the summaries count


def counted_attendances(start: date, end: date) -> QuerySet[Attendance]:
    """The check-ins 人均参加活动次数 counts for [start, end] (the Metric and the `attendances` figure): at
    events starting then, whoever organised them (a street's lecture counts for the attendee's community),
    of cadres still on file: one who has left counts on neither side."""
    # The bounds on the joined event rather than `event__in` the events: the summaries group by its day anyway.
    since, until = (
        timezone.make_aware(datetime.combine(d, time.min)) for d in (start, end + timedelta(days=1))
    )
    return Attendance.objects.filter(
        cadre__status=CadreStatus.ACTIVE, event__starts_at__gte=since, event__starts_at__lt=until
    )


def events_held(start: date, end: date) -> EventQuerySet:
    """The events held in [start, end]: starting then and already begun (a planned one is not yet held)."""
    return Event.objects.between(start, end).filter(starts_at__lte=timezone.now())


def health_lectures_held(start: date, end: date) -> EventQuerySet:
    """健康讲座场次 (the Metric and the `health_lectures` figure): health lectures held in [start, end], counted
    for their organising unit only (a street's lecture is open to all its communities and would count once
    for each; its attendances count in `counted_attendances`)."""
    return events_held(start, end).filter(kind=EventKind.HEALTH)


def rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def rates_by_unit(user: User, parent: OrgUnit | None, start: date, end: date) -> list[dict[str, Any]]:
    """Sign-ups (confirmed) and check-ins of the user's cadres at events in [start, end], per child unit of
    `parent` (drill down the tree): two grouped queries by community, summed up the tree in Python."""
    since = timezone.make_aware(datetime.combine(start, time.min))
    until = timezone.make_aware(datetime.combine(end, time.max))
    units = OrgUnit.objects.for_user(user)
    children = list(units.filter(parent=parent) if parent else units.filter(parent__isnull=True))
    if parent is not None and parent.is_community:
        children = [parent]
    scoped = Cadre.objects.for_user(user).values("pk")
    window = Q(event__starts_at__gte=since, event__starts_at__lte=until, cadre__in=scoped)

    def by_community(qs: QuerySet[Any]) -> dict[int, int]:
        rows = qs.filter(window).order_by().values_list("cadre__community_id").annotate(n=Count("pk"))
        return dict(rows)

    signed = by_community(SignUp.objects.filter(state=SignUpState.CONFIRMED))
    came = by_community(Attendance.objects.all())
    paths = dict(units.communities().values_list("pk", "path"))
    rows = []
    for unit in children:
        inside = [pk for pk, path in paths.items() if path.startswith(unit.path)]
        s_n, a_n = sum(signed.get(pk, 0) for pk in inside), sum(came.get(pk, 0) for pk in inside)
        rows.append({"unit": unit, "signed_up": s_n, "attended": a_n, "rate": rate(a_n, s_n)})
    return rows
