"""Volunteers as people a picker may name (a request's 处理人, a 一助一 partner): registered in apps.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from jiujin.accounts.models import User
from jiujin.cadres.masking import shown_phone
from jiujin.cadres.people import Person, PersonSource
from jiujin.orgs.models import OrgUnit

from .models import Volunteer


class VolunteerSource(PersonSource):
    """Volunteers on duty in the communities of the caller's scope."""

    kind = "volunteer"
    label = "志愿者"
    name_fields = ("name",)

    def scoped(self, user: User, cadre: Any | None) -> QuerySet[Any]:
        units = OrgUnit.objects.for_user(user).values("pk")
        return Volunteer.objects.filter(community__in=units, active=True).select_related("community")

    def login_q(self, text: str, *, prefix: bool = False) -> Q:
        # A volunteer's login name stands for the volunteer.
        return Q(user__username__istartswith=text) if prefix else Q(user__username=text)

    def person(self, obj: Any, *, full_phone: bool) -> Person:
        # A volunteer's phone is personal: masked like the cadres' for readers without view_sensitive.
        phone = shown_phone(obj.phone, full=full_phone)
        return Person(self.kind, self.label, obj, obj.name, phone, obj.community.name)
