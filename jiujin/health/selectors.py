"""Read-side queries of the health records. A cadre reaches here only through `get_cadre_for_user`, campaigns
only through `HealthCampaign.objects.for_user`; each list is one query, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear

from jiujin.accounts.models import User
from jiujin.cadres.models import Cadre
from jiujin.orgs.models import OrgUnit

from .models import (
    CampaignKind,
    CheckUp,
    Condition,
    HealthCampaign,
    HealthProfile,
    HospitalStay,
    MedicalRoundSchedule,
    Medication,
)

CAMPAIGN_PAGE = 50
SEARCH_LIMIT = 20


def active_condition_names(cadre: Cadre) -> list[str]:
    """The cadre's chronic conditions still treated, by name: the 健康档案 is their only home (the cadre page's
    panel and the volunteers' matching read them here)."""
    return list(
        Condition.objects.filter(cadre=cadre, active=True)
        .order_by("name", "id")
        .values_list("name", flat=True)
    )


class HealthRecord:
    """One cadre's record; each part is read when first used, so a section re-rendered alone costs its query."""

    def __init__(self, cadre: Cadre, *, today: date) -> None:
        self.cadre = cadre
        self.today = today

    @cached_property
    def profile(self) -> HealthProfile | None:
        return HealthProfile.objects.filter(cadre=self.cadre).first()

    @cached_property
    def conditions(self) -> list[Condition]:
        return list(Condition.objects.filter(cadre=self.cadre))

    @cached_property
    def medications(self) -> list[Medication]:
        return list(Medication.objects.filter(cadre=self.cadre))

    @cached_property
    def checkups(self) -> list[CheckUp]:
        return list(CheckUp.objects.filter(cadre=self.cadre))

    @cached_property
    def stays(self) -> list[HospitalStay]:
        return list(
            HospitalStay.objects.filter(cadre=self.cadre)
            .select_related("event")
            .prefetch_related("event__tasks")
        )

    @cached_property
    def rounds(self) -> list[MedicalRoundSchedule]:
        rounds = list(MedicalRoundSchedule.objects.filter(cadre=self.cadre))
        for schedule in rounds:
            schedule.upcoming_date = schedule.upcoming(self.today)  # type: ignore[attr-defined]
        return rounds

    @cached_property
    def campaigns(self) -> list[HealthCampaign]:
        return list(self.cadre.health_campaigns.select_related("org_unit").order_by("-date", "-id"))


def campaigns_for(user: User) -> QuerySet[HealthCampaign]:
    own = Q(org_unit__in=OrgUnit.objects.for_user(user))
    return (
        HealthCampaign.objects.for_user(user)
        .select_related("org_unit")
        .annotate(
            attendee_count=Count("attendees"),
            editable=ExpressionWrapper(own, output_field=BooleanField()),
        )
        .order_by("-date", "-id")
    )


def editable_campaign(user: User, pk: Any) -> HealthCampaign | None:
    """A campaign of the user's own subtree (a street's lecture is seen by its communities, not edited)."""
    try:
        return HealthCampaign.objects.filter(org_unit__in=OrgUnit.objects.for_user(user)).get(pk=pk)
    except (HealthCampaign.DoesNotExist, ValueError, TypeError):
        return None


def campaign_attendees(user: User, campaign: HealthCampaign) -> list[Cadre]:
    """The attendees the user may see (another community's cadres at a street's lecture are left out)."""
    return list(Cadre.objects.for_user(user).filter(health_campaigns=campaign).select_related("community"))


def cadre_search(user: User, text: str, *, exclude: set[int]) -> list[Cadre]:
    text = text.strip()
    if not text:
        return []
    qs = Cadre.objects.for_user(user).active().search(text).exclude(pk__in=exclude)
    return list(qs.select_related("community")[:SEARCH_LIMIT])


def picked_cadres(user: User, ids: list[str]) -> list[Cadre]:
    pks = [int(i) for i in ids if i.isdigit()]
    return list(Cadre.objects.for_user(user).filter(pk__in=pks).select_related("community"))


@dataclass
class CampaignStats:
    unit: str
    year: int
    half: int  # 1 = January–June, 2 = July–December
    lectures: int = 0
    checkups: int = 0
    headcount: int = 0
    attendees: int = 0  # cadre attendances (人次)

    @property
    def half_label(self) -> str:
        return f"{self.year}年{'上' if self.half == 1 else '下'}半年"


def campaign_stats(user: User, *, start: date, end: date) -> list[CampaignStats]:
    """Per holding unit and half-year: lectures, free check-ups, total headcount and cadre attendances.

    Two GROUP BY queries: counting attendees in the first would join the M2M and multiply the headcounts.
    """
    campaigns = HealthCampaign.objects.for_user(user).filter(date__gte=start, date__lte=end)
    rows = (
        campaigns.annotate(year=ExtractYear("date"), half=_half("date"))
        .values("org_unit__path", "org_unit__name", "year", "half")
        .annotate(
            lectures=Count("pk", filter=Q(kind=CampaignKind.LECTURE)),
            checkups=Count("pk", filter=Q(kind=CampaignKind.CHECKUP)),
            headcount=Sum("headcount"),
        )
        .order_by("-year", "-half", "org_unit__path")
    )
    attendance = (
        # The plugin drops annotations on an auto-created through model, so it cannot see `year` below.
        HealthCampaign.attendees.through.objects.filter(healthcampaign__in=campaigns)  # type: ignore[misc]
        .annotate(year=ExtractYear("healthcampaign__date"), half=_half("healthcampaign__date"))
        .values("healthcampaign__org_unit__path", "year", "half")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted = {(r["healthcampaign__org_unit__path"], r["year"], r["half"]): r["n"] for r in attendance}
    return [
        CampaignStats(
            unit=row["org_unit__name"],
            year=row["year"],
            half=row["half"],
            lectures=row["lectures"],
            checkups=row["checkups"],
            headcount=row["headcount"] or 0,
            attendees=counted.get((row["org_unit__path"], row["year"], row["half"]), 0),
        )
        for row in rows
    ]


def _half(field: str) -> Case:
    """1 for January–June, 2 for July–December (a CASE: PostgreSQL's EXTRACT is numeric, so no int division)."""
    return Case(
        When(**{f"{field}__month__lte": 6}, then=Value(1)), default=Value(2), output_field=IntegerField()
    )
