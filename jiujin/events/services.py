"""Writes of events: create/edit (with a weekly series), sign-up with capacity, audience and waiting list,
check-in (idempotent under concurrency), the report with photos, and 老年大学 enrolment.

Callers fetch the cadre in the actor's scope (`get_cadre_for_user`, 404 outside); these functions add the
event's own rules (the cadre's community under the organising unit, the audience, the capacity).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, diff, snapshot
from jiujin.cadres.cards import cadre_for_card_token
from jiujin.cadres.models import Cadre
from jiujin.core.attachments import CheckedUpload

from .models import (
    Attendance,
    CheckInVia,
    Course,
    CourseClass,
    Enrolment,
    Event,
    EventKind,
    EventPhoto,
    EventSeries,
    SignUp,
    SignUpState,
    Term,
)

EVENT_FIELDS = (
    "title", "kind", "unit", "place", "starts_at", "ends_at", "capacity", "waiting_list", "description",
    "audience", "audience_category", "age_min", "age_max", "group_code", "group_value",
)  # fmt: skip
MAX_SESSIONS = 60  # a weekly series over a term; more is a typo in the end date


class EventFull(ValidationError):
    """No place left and no waiting list (409 in the API)."""


def weekly_dates(first: date, until: date) -> list[date]:
    days = (until - first).days
    return [first + timedelta(weeks=n) for n in range(days // 7 + 1)] if days >= 0 else [first]


def _shift(moment: datetime, day: date) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(year=day.year, month=day.month, day=day.day)


@transaction.atomic
def event_create(*, actor: Actor, data: dict[str, Any]) -> Event:
    """One event, or with `repeat_until` a weekly series of them (the first is returned)."""
    fields = {k: data[k] for k in EVENT_FIELDS if k in data}
    repeat_until: date | None = data.get("repeat_until")
    first = Event(**fields, created_by=actor.user)
    first.full_clean(exclude=["created_by"])
    if not repeat_until:
        first.save()
        audit_record(actor=actor, action=AuditAction.CREATE, subject=first, detail=first.title)
        return first
    start_day = timezone.localtime(first.starts_at).date()
    days = weekly_dates(start_day, repeat_until)
    if len(days) > MAX_SESSIONS:
        raise ValidationError({"repeat_until": f"每周重复最多 {MAX_SESSIONS} 次，请检查截止日期。"})
    series = EventSeries.objects.create(
        title=first.title, unit=first.unit, first_date=start_day, until=repeat_until
    )
    events = [
        Event(
            **{**fields, "starts_at": _shift(first.starts_at, d), "ends_at": _shift(first.ends_at, d)},
            series=series,
            created_by=actor.user,
        )
        for d in days
    ]
    Event.objects.bulk_create(events)
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=series, detail=f"{series.title}，共 {len(days)} 次"
    )
    return Event.objects.filter(series=series).order_by("starts_at").first() or events[0]


@transaction.atomic
def event_update(*, actor: Actor, event: Event, data: dict[str, Any]) -> Event:
    # Read "before" from the row: a bound ModelForm has already copied its input onto `event`.
    before = snapshot(Event.objects.get(pk=event.pk), EVENT_FIELDS)
    for k in EVENT_FIELDS:
        if k in data:
            setattr(event, k, data[k])
    event.full_clean(exclude=["created_by"])
    event.save(update_fields=[k for k in EVENT_FIELDS if k in data])
    changes = diff(before, snapshot(event, EVENT_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, subject=event, changes=changes)
    if data.get("following") and event.series_id and changes:
        # The later sessions of the series take the same details; each keeps its own date and time.
        shared = {k: getattr(event, k) for k in changes if k not in ("starts_at", "ends_at")}
        later = Event.objects.filter(series_id=event.series_id, starts_at__gt=event.starts_at)
        n = later.update(**shared) if shared else 0
        audit_record(
            actor=actor, action=AuditAction.UPDATE, subject=event.series, detail=f"同步修改以后 {n} 次"
        )
    return event


def check_open_to(event: Event, cadre: Cadre) -> None:
    """The cadre lives under the organising unit and is in the event's audience; else a Chinese error."""
    if not Cadre.objects.filter(event.audience_q(), pk=cadre.pk).exists():
        raise ValidationError(
            f"{cadre.name}不在本活动的参加对象内（{event.audience_label()}）。", code="audience"
        )


def _locked(event: Event) -> Event:
    # Capacity is counted under a row lock on the event, so two workers signing up at once cannot overfill it.
    return Event.objects.select_for_update().select_related("unit").get(pk=event.pk)


@transaction.atomic
def event_sign_up(*, actor: Actor, event: Event, cadre: Cadre) -> SignUp:
    """Confirmed while places are left, then waiting (or EventFull without a waiting list). Idempotent."""
    event = _locked(event)
    check_open_to(event, cadre)
    existing = SignUp.objects.filter(event=event, cadre=cadre).first()
    if existing and existing.state != SignUpState.CANCELLED:
        return existing
    confirmed = SignUp.objects.filter(event=event, state=SignUpState.CONFIRMED).count()
    if event.capacity is None or confirmed < event.capacity:
        state = SignUpState.CONFIRMED
    elif event.waiting_list:
        state = SignUpState.WAITING
    else:
        raise EventFull(f"名额已满（共 {event.capacity} 人），本活动不设候补。", code="full")
    if existing:
        existing.state, existing.queued_at, existing.by = state, timezone.now(), actor.user
        existing.save(update_fields=["state", "queued_at", "by"])
        signup = existing
    else:
        signup = SignUp.objects.create(event=event, cadre=cadre, state=state, by=actor.user)
    audit_record(
        actor=actor, action=AuditAction.CREATE, cadre=cadre, subject=signup,
        detail=f"报名「{event.title}」：{signup.get_state_display()}",
    )  # fmt: skip
    return signup


@transaction.atomic
def event_sign_up_cancel(*, actor: Actor, event: Event, cadre: Cadre) -> SignUp | None:
    """Cancel a cadre's sign-up; the first on the waiting list takes a freed place. Returns the promoted."""
    event = _locked(event)
    signup = SignUp.objects.filter(event=event, cadre=cadre).exclude(state=SignUpState.CANCELLED).first()
    if signup is None:
        return None
    was_confirmed = signup.state == SignUpState.CONFIRMED
    signup.state = SignUpState.CANCELLED
    signup.save(update_fields=["state"])
    audit_record(actor=actor, action=AuditAction.STATUS, cadre=cadre, subject=signup, detail="取消报名")
    return _promote(actor, event) if was_confirmed else None


def _promote(actor: Actor, event: Event) -> SignUp | None:
    confirmed = SignUp.objects.filter(event=event, state=SignUpState.CONFIRMED).count()
    if event.capacity is not None and confirmed >= event.capacity:
        return None
    first = SignUp.objects.filter(event=event, state=SignUpState.WAITING).order_by("queued_at", "id").first()
    if first is not None:
        first.state = SignUpState.CONFIRMED
        first.save(update_fields=["state"])
        audit_record(
            actor=actor, action=AuditAction.STATUS, cadre=first.cadre, subject=first, detail="候补转为已报名"
        )
    return first


@transaction.atomic
def event_check_in(*, actor: Actor, event: Event, cadre: Cadre, via: str) -> tuple[Attendance, bool]:
    """(attendance, created). The same cadre again returns the first row: counted once, even when two
    phones check the same cadre in at the same moment (the unique constraint decides). Someone who came
    without signing up is signed up as they check in."""
    check_open_to(event, cadre)
    attendance, created = Attendance.objects.get_or_create(
        event=event, cadre=cadre, defaults={"via": via, "by": actor.user, "checked_in_at": timezone.now()}
    )
    if created:
        signup, new = SignUp.objects.get_or_create(
            event=event, cadre=cadre, defaults={"state": SignUpState.CONFIRMED, "by": actor.user}
        )
        if not new and signup.state != SignUpState.CONFIRMED:
            signup.state = SignUpState.CONFIRMED
            signup.save(update_fields=["state"])
        audit_record(
            actor=actor, action=AuditAction.CREATE, cadre=cadre, subject=attendance,
            detail=f"签到「{event.title}」（{CheckInVia(via).label}）",
        )  # fmt: skip
    return attendance, created


def event_check_in_card(*, actor: Actor, event: Event, token: str) -> tuple[Attendance, bool]:
    """Check in by the QR code on the cadre's 爱心服务卡; a bad, revoked or out-of-scope card is NoAccess."""
    cadre = cadre_for_card_token(actor.user, token.strip())
    return event_check_in(actor=actor, event=event, cadre=cadre, via=CheckInVia.CARD)


@transaction.atomic
def event_report_save(
    *, actor: Actor, event: Event, report: str, photos: Iterable[CheckedUpload] = ()
) -> Event:
    event.report = report
    event.report_at = timezone.now()
    event.save(update_fields=["report", "report_at"])
    rows = [EventPhoto.build(p, uploaded_by=actor.user, event=event) for p in photos]
    EventPhoto.objects.bulk_create(rows)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=event, detail=f"活动小结，照片 {len(rows)} 张"
    )
    return event


# ---------------------------------------------------------------- 老年大学


@transaction.atomic
def course_create(*, actor: Actor, data: dict[str, Any]) -> Course:
    """A course and its first term."""
    course = Course(name=data["name"], unit=data["unit"], description=data.get("description", ""))
    course.full_clean()
    course.save()
    term = Term(course=course, name=data["term_name"], starts_on=data["starts_on"], ends_on=data["ends_on"])
    term.full_clean()
    term.save()
    audit_record(actor=actor, action=AuditAction.CREATE, subject=course, detail=f"{course.name} {term.name}")
    return course


@transaction.atomic
def course_class_create(*, actor: Actor, term: Term, data: dict[str, Any]) -> CourseClass:
    """A class and its weekly sessions over the term, as Events of one series (check-in is the events')."""
    klass = CourseClass(term=term, **data)
    klass.full_clean(exclude=["series"])
    course = term.course
    first = term.starts_on + timedelta(days=(klass.weekday - term.starts_on.weekday()) % 7)
    series = EventSeries.objects.create(
        title=f"{course.name}·{klass.name}", unit=course.unit, first_date=first, until=term.ends_on
    )
    klass.series = series
    klass.save()
    tz = timezone.get_current_timezone()
    Event.objects.bulk_create(
        [
            Event(
                title=series.title,
                kind=EventKind.COLLEGE,
                unit=course.unit,
                place=klass.place,
                starts_at=datetime.combine(d, klass.start_time, tz),
                ends_at=datetime.combine(d, klass.end_time, tz),
                capacity=None,
                waiting_list=False,
                description=f"任课老师：{klass.teacher}",
                series=series,
                created_by=actor.user,
            )
            for d in weekly_dates(first, term.ends_on)
        ]
    )
    audit_record(actor=actor, action=AuditAction.CREATE, subject=klass, detail=str(klass))
    return klass


def _future_sessions(klass: CourseClass) -> Any:
    return Event.objects.filter(series_id=klass.series_id, starts_at__gte=timezone.now())


def _join_sessions(actor: Actor, klass: CourseClass, cadre: Cadre) -> None:
    sessions = list(_future_sessions(klass).values_list("pk", flat=True))
    SignUp.objects.filter(event_id__in=sessions, cadre=cadre).update(state=SignUpState.CONFIRMED)
    SignUp.objects.bulk_create(
        [SignUp(event_id=pk, cadre=cadre, state=SignUpState.CONFIRMED, by=actor.user) for pk in sessions],
        ignore_conflicts=True,
    )


@transaction.atomic
def enrolment_add(*, actor: Actor, course_class: CourseClass, cadre: Cadre) -> Enrolment:
    """Enrol within the cap, else on the waiting list; an enrolled cadre is signed up to the coming sessions."""
    klass = (
        CourseClass.objects.select_for_update().select_related("term__course__unit").get(pk=course_class.pk)
    )
    if not Cadre.objects.filter(
        pk=cadre.pk, community__path__startswith=klass.term.course.unit.path
    ).exists():
        raise ValidationError(f"{cadre.name}不在开课单位的范围内。", code="audience")
    existing = Enrolment.objects.filter(course_class=klass, cadre=cadre).first()
    if existing and existing.state != SignUpState.CANCELLED:
        return existing
    taken = Enrolment.objects.filter(course_class=klass, state=SignUpState.CONFIRMED).count()
    state = SignUpState.CONFIRMED if taken < klass.capacity else SignUpState.WAITING
    if existing:
        existing.state, existing.queued_at = state, timezone.now()
        existing.save(update_fields=["state", "queued_at"])
        enrolment = existing
    else:
        enrolment = Enrolment.objects.create(course_class=klass, cadre=cadre, state=state)
    if state == SignUpState.CONFIRMED:
        _join_sessions(actor, klass, cadre)
    audit_record(
        actor=actor, action=AuditAction.CREATE, cadre=cadre, subject=enrolment,
        detail=f"{klass}：{enrolment.get_state_display()}",
    )  # fmt: skip
    return enrolment


@transaction.atomic
def enrolment_cancel(*, actor: Actor, course_class: CourseClass, cadre: Cadre) -> Enrolment | None:
    """Leave the class (and its coming sessions); the first waiting cadre takes the place. Returns them."""
    klass = CourseClass.objects.select_for_update().get(pk=course_class.pk)
    enrolment = Enrolment.objects.filter(course_class=klass, cadre=cadre).first()
    if enrolment is None or enrolment.state == SignUpState.CANCELLED:
        return None
    was_confirmed = enrolment.state == SignUpState.CONFIRMED
    enrolment.state = SignUpState.CANCELLED
    enrolment.save(update_fields=["state"])
    SignUp.objects.filter(event__in=_future_sessions(klass), cadre=cadre).update(state=SignUpState.CANCELLED)
    audit_record(actor=actor, action=AuditAction.STATUS, cadre=cadre, subject=enrolment, detail="退班")
    if not was_confirmed:
        return None
    nxt = (
        Enrolment.objects.filter(course_class=klass, state=SignUpState.WAITING)
        .select_related("cadre")
        .order_by("queued_at", "id")
        .first()
    )
    if nxt is not None:
        nxt.state = SignUpState.CONFIRMED
        nxt.save(update_fields=["state"])
        _join_sessions(actor, klass, nxt.cadre)
    return nxt
