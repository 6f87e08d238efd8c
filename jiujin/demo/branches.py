"""Demo history for the branches app: one retirees' party branch per demo community with its party members
(join dates, some over 50 years ago), a secretary, pensions, a year of dues with some arrears, and a year of
主题党日, 党课, 支部党员大会, 组织生活会 and 民主评议 recorded as events with attendance."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from jiujin.branches.dues import dues_amount, month_start, rules_for_communities
from jiujin.branches.models import (
    Branch,
    BranchMeeting,
    DuesCharge,
    MemberRole,
    Membership,
    PartyProfile,
    Pension,
)
from jiujin.branches.services import BRANCH_GROUP
from jiujin.cadres.models import CadreStatus
from jiujin.events.models import Attendance, Audience, CheckInVia, Event, EventKind, SignUp, SignUpState
from jiujin.orgs.models import OrgUnit

from .context import Demo

# (kind, title, months): which meetings the demo year holds; 支委会 is left out so the yearly check shows gaps.
MEETINGS = [
    ("theme_day", "主题党日", range(1, 13)),
    ("lecture", "党课", (3, 6, 9, 12)),
    ("general", "支部党员大会", (1, 7)),
    ("life", "组织生活会", (1,)),
    ("review", "民主评议党员", (1,)),
]


def branches_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write a year of branches history for the demo city; return a one-line Chinese report."""
    rng = demo.rng("branches")
    members_by_community: dict[int, list] = {}
    for cadre in demo.cadres:
        if cadre.is_party_member and cadre.status == CadreStatus.ACTIVE:
            members_by_community.setdefault(cadre.community_id, []).append(cadre)
    communities = [c for c in demo.communities if members_by_community.get(c.pk)]
    branches = Branch.objects.bulk_create(
        [
            Branch(org_unit=c, name=f"{c.name}离退休干部党支部", founded_on=date(2010, 7, 1))
            for c in communities
        ]
    )
    profiles, memberships, pensions = [], [], []
    for branch, community in zip(branches, communities, strict=True):
        for n, cadre in enumerate(members_by_community[community.pk]):
            earliest = cadre.birth_date + timedelta(days=365 * 19)
            joined = earliest + timedelta(days=rng.randrange(0, 365 * 15))
            profiles.append(
                PartyProfile(cadre=cadre, joined_party_on=min(joined, demo.today - timedelta(days=3650)))
            )
            role = MemberRole.SECRETARY if n == 0 else MemberRole.MEMBER
            memberships.append(Membership(branch=branch, cadre=cadre, role=role, joined_on=date(2015, 1, 1)))
            amount = Decimal(rng.randrange(3200, 9800)) + Decimal(rng.randrange(0, 100)) / 100
            pensions.append(Pension(cadre=cadre, amount=amount, effective_from=month_start(demo.start)))
    PartyProfile.objects.bulk_create(profiles)
    Membership.objects.bulk_create(memberships)
    Pension.objects.bulk_create(pensions)
    charges = _dues(demo, branches, communities, members_by_community, pensions)
    meetings = _meetings(demo, branches, communities, members_by_community)
    return f"党支部 {len(branches)} 个，党员 {len(memberships)} 人，党费 {charges} 条，支部会议 {meetings} 次"


def _months(demo: Demo) -> list[date]:
    month, months = month_start(demo.start), []
    while month <= demo.today:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _dues(demo: Demo, branches: list, communities: list, members: dict, pensions: list[Pension]) -> int:
    rng = demo.rng("branches-dues")
    by_cadre = {p.cadre_id: p.amount for p in pensions}
    rows = []
    for month in _months(demo):
        rules = rules_for_communities(communities, month)
        for branch, community in zip(branches, communities, strict=True):
            rule = rules[community.pk]
            for cadre in members[community.pk]:
                dues = dues_amount(rule, rule.brackets.all(), by_cadre[cadre.pk])
                paid = (
                    month < month_start(demo.today) and rng.random() > 0.08
                )  # some arrears, this month open
                rows.append(
                    DuesCharge(
                        cadre=cadre, branch=branch, month=month, base=dues.base, rate_percent=dues.rate_percent,
                        rule=rule, amount_due=dues.amount,
                        paid_on=month + timedelta(days=rng.randrange(3, 25)) if paid else None,
                        amount_paid=dues.amount if paid else None,
                        receipt_no=f"DF{month:%Y%m}{cadre.pk:05d}" if paid else "",
                    )
                )  # fmt: skip
    DuesCharge.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _meetings(demo: Demo, branches: list, communities: list, members: dict) -> int:
    """Bulk-written rows of the events app's shape (an event for the branch, sign-ups, check-ins), as its
    services would write them but without audit rows: demo history is nobody's personal data."""
    rng = demo.rng("branches-meetings")
    planned = []
    for branch, community in zip(branches, communities, strict=True):
        for kind, title, months in MEETINGS:
            for month in months:
                day = _nth_day(demo, month)
                if day is not None:
                    planned.append((branch, community, kind, f"{day.month}月{title}", day))
    events = Event.objects.bulk_create(
        [
            Event(
                title=title, kind=EventKind.PARTY_CLASS if kind == "lecture" else EventKind.STUDY,
                unit=community, place=f"{community.name}党员活动室", starts_at=demo.at(day, 9 * 60),
                ends_at=demo.at(day, 11 * 60), audience=Audience.GROUP, group_code=BRANCH_GROUP,
                group_value=str(branch.pk), created_by=demo.workers[community.pk],
            )
            for branch, community, kind, title, day in planned
        ]
    )  # fmt: skip
    BranchMeeting.objects.bulk_create(
        [
            BranchMeeting(
                event=event, branch=branch, kind=kind, held_on=day, minutes="学习传达上级精神，交流思想。"
            )
            for event, (branch, _c, kind, _t, day) in zip(events, planned, strict=True)
        ]
    )
    signups, attendances = [], []
    for event, (_b, community, _k, _t, day) in zip(events, planned, strict=True):
        worker = demo.workers[community.pk]
        for cadre in members[community.pk]:
            if rng.random() < 0.8:
                signups.append(SignUp(event=event, cadre=cadre, state=SignUpState.CONFIRMED, by=worker))
                attendances.append(
                    Attendance(
                        event=event,
                        cadre=cadre,
                        via=CheckInVia.LIST,
                        by=worker,
                        checked_in_at=demo.at(day, 545),
                    )
                )
    SignUp.objects.bulk_create(signups, batch_size=2000)
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    return len(events)


def _nth_day(demo: Demo, month: int) -> date | None:
    """The meeting day in `month` within the demo year (the last twelve months), or None if still ahead."""
    for year in (demo.today.year, demo.today.year - 1):
        day = date(year, month, 5)
        if demo.start <= day <= demo.today:
            return day
    return None
