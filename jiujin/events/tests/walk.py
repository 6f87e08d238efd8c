"""The events app's objects for the access walk: an event of community A with a sign-up, a check-in and a
report photo, plus a 老年大学 class of community A."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from jiujin.audit.services import Actor
from jiujin.core.attachments import CheckedUpload
from jiujin.events.models import Attendance, Course, Enrolment, Event, EventPhoto, SignUp, Term
from jiujin.events.services import course_class_create, event_check_in, event_report_save, event_sign_up

from .helpers import make_event


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    actor = Actor(user=cast.community_a)
    event = make_event(cast.community_a, tree.community_a)
    event_sign_up(actor=actor, event=event, cadre=cadre_a)
    event_check_in(actor=actor, event=event, cadre=cadre_a, via="list")
    event_report_save(
        actor=actor, event=event, report="学习认真", photos=[CheckedUpload("a.png", "image/png", b"\x89PNG")]
    )
    photo = EventPhoto.objects.get(event=event)
    course = Course.objects.create(name="书法", unit=tree.community_a)
    term = Term.objects.create(
        course=course, name="秋季", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31)
    )
    klass = course_class_create(
        actor=actor, term=term,
        data={"name": "一班", "teacher": "李老师", "weekday": 2, "start_time": time(9), "end_time": time(11),
              "place": "活动室", "capacity": 20},
    )  # fmt: skip
    return {
        "ids": {"event_id": event.pk, "photo_id": photo.pk, "class_id": klass.pk, "course_id": course.pk},
        "pks": {
            "events": event.pk,
            "events:class_detail": klass.pk,
            "events:enrol": klass.pk,
            "events:course_detail": course.pk,
        },
        "written": [
            Event.objects.count,
            SignUp.objects.filter(state="confirmed").count,
            SignUp.objects.count,
            Attendance.objects.count,
            EventPhoto.objects.count,
            Enrolment.objects.count,
            Course.objects.count,
        ],
    }
