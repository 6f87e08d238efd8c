"""A volunteer's logged contact (一助一) as a kind of contact for the home's "no contact for 30 days"."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from .models import ContactLog


def last_volunteer_contact() -> Subquery:
    logs = ContactLog.objects.filter(pairing__cadre=OuterRef("pk")).order_by("-on")
    return Subquery(logs.values("on")[:1])


def register() -> None:
    from jiujin.core.registry import ContactSource, contact_source_register

    contact_source_register(ContactSource("volunteer", "志愿者联系", last_volunteer_contact))
