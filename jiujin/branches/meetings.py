"""The yearly check of a branch's meetings (三会一课, 主题党日, 组织生活会, 民主评议党员) and the meetings list.

What is required: 主题党日 and 支委会 monthly, 支部党员大会 and 党课 quarterly, 组织生活会 and 民主评议党员
once a year (the common rule for retirees' branches; 党小组会 are held where a branch has groups, so none is
required). Within the current year a monthly meeting counts as due once its month is over, a quarterly one
once its quarter is over, a yearly one in December: a branch is not flagged in March for October's duty.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count

from jiujin.events.models import counts_for

from .models import Branch, BranchMeeting, MeetingKind

MONTHLY, QUARTERLY, YEARLY = 12, 4, 1
REQUIRED: dict[str, int] = {
    MeetingKind.THEME_DAY: MONTHLY,
    MeetingKind.COMMITTEE: MONTHLY,
    MeetingKind.GENERAL: QUARTERLY,
    MeetingKind.LECTURE: QUARTERLY,
    MeetingKind.LIFE: YEARLY,
    MeetingKind.REVIEW: YEARLY,
}


@dataclass(frozen=True)
class CheckRow:
    kind: str
    label: str
    required: int  # in the whole year
    due: int  # by today
    held: int

    @property
    def missing(self) -> int:
        return max(0, self.due - self.held)


def due_by(per_year: int, year: int, today: date) -> int:
    if year < today.year:
        return per_year
    if year > today.year:
        return 0
    months_over = today.month - 1
    if per_year == MONTHLY:
        return months_over
    if per_year == QUARTERLY:
        return months_over // 3
    return per_year if today.month == 12 else 0


def _rows(held: dict[str, int], year: int, today: date) -> list[CheckRow]:
    return [
        CheckRow(kind, MeetingKind(kind).label, per_year, due_by(per_year, year, today), held.get(kind, 0))
        for kind, per_year in REQUIRED.items()
    ]


def yearly_check(branch: Branch, year: int, *, today: date) -> list[CheckRow]:
    held = dict(
        BranchMeeting.objects.filter(branch=branch, held_on__year=year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return _rows(held, year, today)


def missing_by_branch(branches: Iterable[Branch], year: int, *, today: date) -> dict[int, list[CheckRow]]:
    """{branch id: the rows with a shortfall} for a page of branches, in one grouped query."""
    ids = [b.pk for b in branches]
    held: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        BranchMeeting.objects.filter(branch_id__in=ids, held_on__year=year)
        .values_list("branch_id", "kind")
        .annotate(n=Count("id"))
    )
    for branch_id, kind, n in rows:
        held[branch_id][kind] = n
    return {i: [r for r in _rows(held[i], year, today) if r.missing] for i in ids}


def branch_meetings(branch: Branch, year: int) -> list[dict[str, Any]]:
    """The year's meetings, newest first, each with its event's sign-up and attendance counts."""
    found = list(
        BranchMeeting.objects.filter(branch=branch, held_on__year=year)
        .select_related("event")
        .order_by("-held_on", "-id")
    )
    counts = counts_for([m.event for m in found])
    return [{"meeting": m, "event": m.event, **counts.get(m.event_id, {})} for m in found]
