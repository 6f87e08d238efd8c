"""Demo history for the events app: a year of learning and activities per community and street — weekly
政治学习, monthly 党课, 健康讲座, 象棋/军棋/双升 contests, a 老年大学 class — with sign-ups and attendance
drawn so that some cadres took part in nothing for six months, and short reports on past events."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from jiujin.core.attachments import check_upload
from jiujin.events.models import (
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
from jiujin.orgs.models import OrgUnit

from .context import Demo

STUDY_TOPICS = ["学习党的二十届三中全会精神", "学习《习近平谈治国理政》", "读报学习时事政策", "学习党章党规"]
PARTY_CLASSES = ["党校社区课堂：党史故事", "党课：不忘初心", "党课：发挥老干部余热", "党课：廉洁自律"]
LECTURES = ["健康讲座：高血压防治", "健康讲座：冬季防跌倒", "健康讲座：合理用药", "健康讲座：老年人防诈骗"]
CONTESTS = ["象棋比赛", "军棋比赛", "双升比赛"]
REPORTS = [
    "老同志们认真学习、踊跃发言，气氛热烈。",
    "到场老干部积极参与，会后交流了学习体会。",
    "活动有序开展，老同志们表示收获很大，希望多组织。",
]
IDLE_SHARE = 0.15  # cadres who took part in nothing for the last six months (the loneliness list)


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 50)).save(out, "JPEG")
    return check_upload(out.getvalue(), name="活动合影.jpg").data


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _schedule(demo: Demo, unit: OrgUnit, street: bool) -> list[Event]:
    """A year of events of one unit (a street runs fewer, larger ones)."""
    rng = demo.rng(f"events:{unit.code}")
    start, end = demo.start, demo.today + timedelta(days=30)
    rows: list[Event] = []

    def add(title: str, kind: str, day: date, hour: int, place: str, capacity: int | None = None) -> None:
        rows.append(
            Event(
                title=title,
                kind=kind,
                unit=unit,
                place=place,
                starts_at=_at(day, hour),
                ends_at=_at(day, hour) + timedelta(hours=2),
                capacity=capacity,
                waiting_list=True,
                created_at=_at(day - timedelta(days=7), 9),
            )
        )

    place = f"{unit.name}活动室"
    day = start + timedelta(days=(2 - start.weekday()) % 7)  # Wednesdays
    if not street:
        while day <= end:
            add(rng.choice(STUDY_TOPICS), EventKind.STUDY, day, 9, place)
            day += timedelta(weeks=1)
    for month in range(13):
        first = (start.replace(day=1) + timedelta(days=32 * month)).replace(day=1)
        if street:
            add(rng.choice(PARTY_CLASSES), EventKind.PARTY_CLASS, first + timedelta(days=rng.randint(5, 20)), 14,
                f"{unit.name}党校", 80)  # fmt: skip
        elif month % 3 == 0:
            add(
                rng.choice(LECTURES),
                EventKind.HEALTH,
                first + timedelta(days=rng.randint(5, 20)),
                15,
                place,
                40,
            )
    for title in CONTESTS:
        add(
            f"{unit.name}{title}",
            EventKind.CONTEST,
            start + timedelta(days=rng.randint(20, 340)),
            9,
            place,
            24,
        )
    return [e for e in rows if start <= timezone.localtime(e.starts_at).date() <= end]


def events_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write a year of events history for the demo city; return a one-line Chinese report."""
    rng = demo.rng("events")
    streets = list(OrgUnit.objects.filter(pk__in={c.parent_id for c in demo.communities}))
    planned: list[Event] = []
    for unit in demo.communities:
        planned += _schedule(demo, unit, street=False)
    for unit in streets:
        planned += _schedule(demo, unit, street=True)
    Event.objects.bulk_create(planned, batch_size=2000)

    by_community: dict[int, list] = {}
    for cadre in demo.cadres:
        by_community.setdefault(cadre.community_id, []).append(cadre)
    street_of = {c.pk: c.parent_id for c in demo.communities}
    idle_since = demo.today - timedelta(days=200)
    keen = {c.pk: rng.random() for c in demo.cadres}  # how often each cadre comes
    # Idle cadres are drawn among non-members: the branches' demo records party meetings with attendance.
    outside = [c for c in demo.cadres if not c.is_party_member]
    idle = set(c.pk for c in rng.sample(outside, min(len(outside), round(IDLE_SHARE * len(demo.cadres)))))
    signups: list[SignUp] = []
    attendances: list[Attendance] = []
    past_events = []
    for event in planned:
        day = timezone.localtime(event.starts_at).date()
        pool = (
            by_community.get(event.unit_id, [])
            if event.unit_id in by_community
            else [c for cid, s in street_of.items() if s == event.unit_id for c in by_community.get(cid, [])]
        )
        past = event.starts_at <= demo.now
        if past:
            past_events.append(event)
        taken = 0
        for cadre in pool:
            if cadre.pk in idle and day >= idle_since:
                continue
            if rng.random() > keen[cadre.pk] * (0.5 if event.unit_id in by_community else 0.08):
                continue
            full = event.capacity is not None and taken >= event.capacity
            state = SignUpState.WAITING if full else SignUpState.CONFIRMED
            taken += not full
            worker = demo.workers.get(cadre.community_id)
            signups.append(
                SignUp(event=event, cadre=cadre, state=state, by=worker, queued_at=event.created_at)
            )
            if past and not full and rng.random() < 0.85:
                attendances.append(
                    Attendance(
                        event=event,
                        cadre=cadre,
                        by=worker,
                        checked_in_at=event.starts_at + timedelta(minutes=rng.randint(-20, 10)),
                        via=rng.choice([CheckInVia.LIST, CheckInVia.LIST, CheckInVia.CARD]),
                    )
                )
    SignUp.objects.bulk_create(signups, batch_size=5000)
    Attendance.objects.bulk_create(attendances, batch_size=5000)

    reported = [e for e in past_events if rng.random() < 0.4]
    for e in reported:
        e.report = rng.choice(REPORTS)
        e.report_at = e.ends_at + timedelta(hours=3)
    Event.objects.bulk_update(reported, ["report", "report_at"], batch_size=2000)
    photo = _photo()
    contests = [e for e in reported if e.kind == EventKind.CONTEST]
    EventPhoto.objects.bulk_create(
        [
            EventPhoto(
                event=e,
                file_name="活动合影.jpg",
                content_type="image/jpeg",
                size=len(photo),
                sha256=check_upload(photo, name="a.jpg").sha256,
                data=photo,
                uploaded_at=e.report_at or demo.now,
            )
            for e in contests
        ]
    )
    classes = _college(demo, idle)
    return (
        f"学习活动 {len(planned)} 场（含街道 {len(streets)} 个），报名 {len(signups)} 人次，签到 {len(attendances)} 人次，"
        f"老年大学班级 {classes} 个"
    )


def _college(demo: Demo, idle: set[int]) -> int:
    """A 老年大学 calligraphy course in the first community: one class of weekly sessions this term."""
    if not demo.communities:
        return 0
    unit = demo.communities[0]
    term_start = demo.today - timedelta(days=60)
    course = Course.objects.create(name="书法", unit=unit, description="楷书入门，自带笔墨")
    term = Term.objects.create(
        course=course, name="本学期", starts_on=term_start, ends_on=term_start + timedelta(days=140)
    )
    first = term_start + timedelta(days=(1 - term_start.weekday()) % 7)  # Tuesdays
    series = EventSeries.objects.create(title="书法·一班", unit=unit, first_date=first, until=term.ends_on)
    klass = CourseClass.objects.create(
        term=term, name="一班", teacher="王老师", weekday=1, start_time=time(9), end_time=time(11),
        place=f"{unit.name}活动室", capacity=12, series=series,
    )  # fmt: skip
    sessions = []
    day = first
    while day <= term.ends_on:
        sessions.append(
            Event(
                title=series.title,
                kind=EventKind.COLLEGE,
                unit=unit,
                place=klass.place,
                starts_at=_at(day, 9),
                ends_at=_at(day, 11),
                series=series,
                waiting_list=False,
                description="任课老师：王老师",
            )
        )
        day += timedelta(weeks=1)
    Event.objects.bulk_create(sessions)
    cadres = [c for c in demo.cadres if c.community_id == unit.pk and c.pk not in idle][:15]
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                course_class=klass, cadre=c, state=SignUpState.CONFIRMED if i < 12 else SignUpState.WAITING
            )
            for i, c in enumerate(cadres)
        ]
    )
    rng = demo.rng("college")
    SignUp.objects.bulk_create(
        [SignUp(event=s, cadre=c, state=SignUpState.CONFIRMED) for s in sessions for c in cadres[:12]]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(event=s, cadre=c, via=CheckInVia.LIST, checked_in_at=s.starts_at)
            for s in sessions
            if s.starts_at <= demo.now
            for c in cadres[:12]
            if rng.random() < 0.8
        ]
    )
    return 1
