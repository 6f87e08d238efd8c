"""Taking part in an event as a kind of contact (the home's "no contact" list, the risk radar)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.functions import TruncDate

from .models import Attendance


def last_attendance() -> Subquery:
    """The day of the cadre's latest check-in at an event (index attendance_cadre_time)."""
    checked = Attendance.objects.filter(cadre=OuterRef("pk")).order_by("-checked_in_at")
    return Subquery(checked.annotate(day=TruncDate("checked_in_at")).values("day")[:1])


def register() -> None:
    from jiujin.core.registry import ContactSource, contact_source_register

    contact_source_register(ContactSource("attendance", "参加活动", last_attendance))
