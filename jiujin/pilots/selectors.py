"""Read-side queries of pilots: scoping, the progress board's figures, a pilot's page and the overdue steps.

Every query starts from `Pilot.objects.for_user`, so a pilot of a community out of scope is as missing as one
that does not exist (404). Query counts do not grow with rows: steps are prefetched for a page at once and
the last evidence is a subquery of the pilots' own query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from jiujin.accounts.models import User
from jiujin.core.access import NoAccess
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import STEP_COUNT, GroupMember, Pilot, PilotEvidence, PilotStep, StepState, overdue_q

OVERDUE_LIMIT = 10  # on a home: the oldest overdue steps; the count says the rest


def pilots_for_user(user: User) -> QuerySet[Pilot]:
    return Pilot.objects.for_user(user)


def filtered(user: User, *, year: int | None = None, unit: OrgUnit | None = None) -> QuerySet[Pilot]:
    qs = pilots_for_user(user)
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(community__path__startswith=unit.path)
    return qs


def get_pilot_for_user(user: User, pk: Any) -> Pilot:
    try:
        return pilots_for_user(user).select_related("community__parent", "district").get(pk=pk)
    except (Pilot.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该试点") from exc


def get_step_for_user(user: User, pilot_pk: Any, number: Any) -> PilotStep:
    pilot = get_pilot_for_user(user, pilot_pk)
    try:
        step = PilotStep.objects.get(pilot=pilot, number=number)
    except (PilotStep.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该步骤") from exc
    step.pilot = pilot
    return step


def get_evidence_for_user(user: User, pilot_pk: Any, evidence_pk: Any) -> PilotEvidence:
    pilot = get_pilot_for_user(user, pilot_pk)
    try:
        return PilotEvidence.objects.select_related("step__pilot").get(step__pilot=pilot, pk=evidence_pk)
    except (PilotEvidence.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该材料") from exc


def get_member_for_user(user: User, pilot_pk: Any, member_pk: Any) -> GroupMember:
    pilot = get_pilot_for_user(user, pilot_pk)
    try:
        return GroupMember.objects.select_related("pilot").get(pilot=pilot, pk=member_pk)
    except (GroupMember.DoesNotExist, ValueError, TypeError) as exc:
        raise NoAccess("没有找到该成员") from exc


# ---------------------------------------------------------------- progress


@dataclass
class Progress:
    """A pilot's steps as the board shows them: the strip, the share done, the next step, the last evidence."""

    pilot: Pilot
    steps: list[PilotStep]
    states: list[str]
    done: int
    overdue: int
    next_step: PilotStep | None
    last_evidence_name: str | None = None
    last_evidence_at: datetime | None = None
    strip: list[tuple[PilotStep, str]] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.done * 100 / STEP_COUNT)


def progress_of(pilot: Pilot, steps: list[PilotStep], today: date) -> Progress:
    states = [s.state_on(today) for s in steps]
    return Progress(
        pilot=pilot,
        steps=steps,
        states=states,
        done=states.count(StepState.DONE),
        overdue=states.count(StepState.OVERDUE),
        next_step=next((s for s in steps if s.done_date is None), None),
        last_evidence_name=getattr(pilot, "last_evidence_name", None),
        last_evidence_at=getattr(pilot, "last_evidence_at", None),
        strip=list(zip(steps, states, strict=True)),
    )


def with_last_evidence(qs: QuerySet[Pilot]) -> QuerySet[Pilot]:
    latest = PilotEvidence.objects.filter(step__pilot=OuterRef("pk")).order_by("-uploaded_at", "-id")
    return qs.annotate(
        last_evidence_name=Subquery(latest.values("file_name")[:1]),
        last_evidence_at=Subquery(latest.values("uploaded_at")[:1]),
    )


def progress_rows(pilots: list[Pilot], today: date) -> list[Progress]:
    """One query for the steps of all these pilots."""
    by_pilot: dict[int, list[PilotStep]] = {p.pk: [] for p in pilots}
    for step in PilotStep.objects.filter(pilot__in=[p.pk for p in pilots]).order_by("pilot_id", "number"):
        by_pilot[step.pilot_id].append(step)
    return [progress_of(p, by_pilot[p.pk], today) for p in pilots]


def board_queryset(user: User, *, year: int | None, unit: OrgUnit | None) -> QuerySet[Pilot]:
    qs = filtered(user, year=year, unit=unit).select_related("community__parent", "district")
    return with_last_evidence(qs).order_by("district__path", "community__path", "-year")


@dataclass(frozen=True)
class DistrictRow:
    unit: OrgUnit
    pilots: int
    done: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(self.done * 100 / (self.pilots * STEP_COUNT)) if self.pilots else 0


def districts_summary(
    user: User, *, year: int | None, unit: OrgUnit | None, today: date
) -> list[DistrictRow]:
    """For a user above the districts (a city): one row per district with pilots, to drill into."""
    steps = PilotStep.objects.filter(pilot__in=filtered(user, year=year, unit=unit).values("pk"))
    rows = (
        steps.order_by()
        .values("pilot__district_id")
        .annotate(
            pilots=Count("pilot_id", distinct=True),
            done=Count("pk", filter=Q(done_date__isnull=False)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
    )
    figures = {r["pilot__district_id"]: r for r in rows}
    units = OrgUnit.objects.filter(pk__in=figures, level=OrgLevel.DISTRICT).order_by("path")
    return [
        DistrictRow(u, figures[u.pk]["pilots"], figures[u.pk]["done"], figures[u.pk]["overdue"])
        for u in units
    ]


# ---------------------------------------------------------------- overdue steps (the homes)


def overdue_steps(user: User, today: date) -> QuerySet[PilotStep]:
    return PilotStep.objects.filter(overdue_q(today), pilot__in=pilots_for_user(user).values("pk"))


def overdue_for_home(user: User, today: date) -> tuple[list[PilotStep], int]:
    qs = overdue_steps(user, today)
    rows = list(
        qs.select_related("pilot__community").order_by("target_date", "pilot_id", "number")[:OVERDUE_LIMIT]
    )
    if len(rows) < OVERDUE_LIMIT:
        return rows, len(rows)
    return rows, qs.count()
