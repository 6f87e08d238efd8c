"""A check-up or a hospital stay as a kind of contact for the home's "no contact for 30 days"."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery

from .models import CheckUp, HospitalStay


def last_checkup() -> Subquery:
    checkups = CheckUp.objects.filter(cadre=OuterRef("pk")).order_by("-date")
    return Subquery(checkups.values("date")[:1])


def last_hospital_stay() -> Subquery:
    # The community knows of the stay from its admission on (and visits then: 五必访 ①).
    stays = HospitalStay.objects.filter(cadre=OuterRef("pk")).order_by("-admitted_on")
    return Subquery(stays.values("admitted_on")[:1])


def register() -> None:
    from jiujin.core.registry import ContactSource, contact_source_register

    contact_source_register(
        ContactSource("checkup", "体检", last_checkup),
        ContactSource("hospital", "住院", last_hospital_stay),
    )
