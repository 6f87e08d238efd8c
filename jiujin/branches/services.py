"""Writes of the branches app: branches, memberships (history kept, never deleted), pensions, dues rules, the
monthly dues ledger and the 光荣在党50年 badge. Every write is audited; pensions are personal data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, audit_record_batch, diff, snapshot
from jiujin.cadres.models import Cadre, WorkUnit
from jiujin.events.models import Audience, CheckInVia, EventKind
from jiujin.events.services import event_check_in, event_create
from jiujin.orgs.models import OrgLevel, OrgUnit

from .dues import dues_amount, month_start, pensions_on, rules_for_communities
from .models import (
    BadgeAward,
    Branch,
    BranchMeeting,
    DuesBracket,
    DuesCharge,
    DuesRule,
    LeaveReason,
    MeetingKind,
    MemberRole,
    Membership,
    PartyProfile,
    Pension,
)

BRANCH_FIELDS = ["name", "org_unit", "work_unit", "founded_on", "note"]


def _check_place(org_unit: OrgUnit, work_unit: WorkUnit | None) -> None:
    if work_unit is None and org_unit.level not in (OrgLevel.COMMUNITY, OrgLevel.STREET):
        raise ValidationError({"org_unit": "设在社区或街道的支部，登记单位应为社区或街道"})


@transaction.atomic
def branch_create(
    *,
    actor: Actor,
    name: str,
    org_unit: OrgUnit,
    work_unit: WorkUnit | None = None,
    founded_on: date | None = None,
    note: str = "",
) -> Branch:
    _check_place(org_unit, work_unit)
    branch = Branch.objects.create(
        name=name, org_unit=org_unit, work_unit=work_unit, founded_on=founded_on, note=note
    )
    audit_record(actor=actor, action=AuditAction.CREATE, subject=branch, changes=diff({}, snapshot(branch)))
    return branch


@transaction.atomic
def branch_update(*, actor: Actor, branch: Branch, **values: Any) -> Branch:
    before = snapshot(branch, BRANCH_FIELDS)
    for field in BRANCH_FIELDS:
        if field in values:
            setattr(branch, field, values[field])
    _check_place(branch.org_unit, branch.work_unit)
    branch.save(update_fields=[f for f in BRANCH_FIELDS if f in values])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=branch,
        changes=diff(before, snapshot(branch, BRANCH_FIELDS)),
    )
    return branch


# ---------------------------------------------------------------- memberships


def _open_membership(cadre: Cadre) -> Membership | None:
    return Membership.objects.select_related("branch").filter(cadre=cadre, left_on__isnull=True).first()


def _profile_set(cadre: Cadre, joined_party_on: date | None) -> None:
    if joined_party_on is not None:
        PartyProfile.objects.update_or_create(cadre=cadre, defaults={"joined_party_on": joined_party_on})


def _make_secretary_room(branch: Branch, role: str, keep: Membership | None = None) -> None:
    """A new secretary takes over: the former one stays in the branch as an ordinary member."""
    if role == MemberRole.SECRETARY:
        current = Membership.objects.filter(branch=branch, left_on__isnull=True, role=MemberRole.SECRETARY)
        if keep is not None:
            current = current.exclude(pk=keep.pk)
        current.update(role=MemberRole.MEMBER)


@transaction.atomic
def membership_add(
    *,
    actor: Actor,
    branch: Branch,
    cadre: Cadre,
    joined_on: date,
    joined_party_on: date | None = None,
    role: str = MemberRole.MEMBER,
    note: str = "",
) -> Membership:
    """Enter a cadre into a branch. A cadre already in a branch is transferred, not added twice."""
    current = _open_membership(cadre)
    if current is not None:
        raise ValidationError({"cadre": f"{cadre.name}已在{current.branch.name}，请办理转接"})
    if not hasattr(cadre, "party_profile") and joined_party_on is None:
        raise ValidationError({"joined_party_on": "请填写入党日期"})
    _profile_set(cadre, joined_party_on)
    _make_secretary_room(branch, role)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                branch=branch, cadre=cadre, joined_on=joined_on, role=role, note=note
            )
    except IntegrityError as exc:  # a concurrent entry of the same cadre: the database keeps one open row
        raise ValidationError({"cadre": f"{cadre.name}已在其他支部，请办理转接"}) from exc
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=cadre,
        subject=membership,
        detail=f"转入{branch.name}",
        changes=diff({}, snapshot(membership)),
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: Actor, membership: Membership, left_on: date, reason: str, note: str = ""
) -> Membership:
    if membership.left_on is not None:
        raise ValidationError("该组织关系已经转出")
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": "转出日期不能早于转入日期"})
    before = snapshot(membership)
    membership.left_on, membership.left_reason = left_on, reason
    membership.note = note or membership.note
    membership.save(update_fields=["left_on", "left_reason", "note"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=membership.cadre,
        subject=membership,
        detail=f"{LeaveReason(reason).label}：{membership.branch.name}",
        changes=diff(before, snapshot(membership)),
    )
    return membership


@transaction.atomic
def membership_transfer(
    *, actor: Actor, membership: Membership, to_branch: Branch, on: date, note: str = ""
) -> Membership:
    """Close the cadre's membership on `on` and open one in `to_branch` the same day; both rows are kept."""
    if to_branch.pk == membership.branch_id:
        raise ValidationError({"to_branch": "转入支部与原支部相同"})
    membership_end(
        actor=actor,
        membership=membership,
        left_on=on,
        reason=LeaveReason.TRANSFER,
        note=f"转至{to_branch.name}",
    )
    return membership_add(actor=actor, branch=to_branch, cadre=membership.cadre, joined_on=on, note=note)


@transaction.atomic
def membership_set_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    if membership.left_on is not None:
        raise ValidationError("该组织关系已经转出")
    before = snapshot(membership, ["role"])
    _make_secretary_room(membership.branch, role, keep=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=membership.cadre,
        subject=membership,
        changes=diff(before, snapshot(membership, ["role"])),
    )
    return membership


# ---------------------------------------------------------------- pensions and dues


@transaction.atomic
def pension_set(*, actor: Actor, cadre: Cadre, amount: Decimal, effective_from: date) -> Pension:
    """Record the basic pension from a month on (a second entry for the same month corrects it)."""
    month = month_start(effective_from)
    row = Pension.objects.filter(cadre=cadre, effective_from=month).first()
    before = snapshot(row) if row else {}
    if row is None:
        row = Pension.objects.create(cadre=cadre, amount=amount, effective_from=month)
    else:
        row.amount = amount
        row.save(update_fields=["amount"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        cadre=cadre,
        subject=row,
        detail="登记基本离退休费",
        changes=diff(before, snapshot(row)),
    )
    return row


@transaction.atomic
def dues_rule_set(
    *,
    actor: Actor,
    unit: OrgUnit | None,
    name: str,
    effective_from: date,
    rounding: str,
    brackets: Sequence[tuple[Decimal, Decimal]],
) -> DuesRule:
    """A unit's dues rule from a date (replacing the unit's rule of the same date). Months already charged
    keep what they were charged: the ledger stores its base, rate and rule."""
    if not brackets or min(above for above, _ in brackets) != 0:
        raise ValidationError({"brackets": "第一档应从 0 元起"})
    if len({above for above, _ in brackets}) != len(brackets):
        raise ValidationError({"brackets": "各档起点不能重复"})
    rule, _ = DuesRule.objects.update_or_create(
        org_unit=unit,
        effective_from=effective_from,
        defaults={"name": name, "rounding": rounding, "created_by": actor.user},
    )
    rule.brackets.all().delete()
    DuesBracket.objects.bulk_create(
        [DuesBracket(rule=rule, above=above, rate_percent=rate) for above, rate in sorted(brackets)]
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=rule,
        detail=f"党费标准 {name}：" + "；".join(f"超过{a}元 {r}%" for a, r in sorted(brackets)),
    )
    return rule


@transaction.atomic
def dues_charges_create(*, actor: Actor, branch: Branch, month: date) -> int:
    """Write the month's dues of every member in the branch that month with a pension on file; returns how
    many rows were new. Idempotent: a member's month is charged once (by the branch they were in)."""
    month = month_start(month)
    members = list(
        Membership.objects.filter(branch=branch, joined_on__lt=_next_month(month))
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=month))
        .select_related("cadre__community")
    )
    pensions = pensions_on([m.cadre_id for m in members], month)
    rules = rules_for_communities({m.cadre.community for m in members}, month)
    rows = []
    for m in members:
        pension, rule = pensions.get(m.cadre_id), rules.get(m.cadre.community_id)
        if pension is None or rule is None:
            continue
        dues = dues_amount(rule, rule.brackets.all(), pension.amount)
        rows.append(
            DuesCharge(
                cadre_id=m.cadre_id,
                branch=branch,
                month=month,
                base=dues.base,
                rate_percent=dues.rate_percent,
                rule=rule,
                amount_due=dues.amount,
            )
        )
    before = DuesCharge.objects.filter(branch=branch, month=month).count()
    DuesCharge.objects.bulk_create(rows, ignore_conflicts=True)
    created = DuesCharge.objects.filter(branch=branch, month=month).count() - before
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            subject=branch,
            detail=f"生成{month:%Y年%m月}党费 {created} 条",
        )
    return created


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@transaction.atomic
def dues_pay(*, actor: Actor, charges: Sequence[DuesCharge], paid_on: date, receipt_no: str = "") -> int:
    """Mark these months paid in full on `paid_on` under one receipt; months already paid are left alone."""
    unpaid = [c for c in charges if c.paid_on is None]
    for charge in unpaid:
        charge.paid_on, charge.amount_paid, charge.receipt_no = paid_on, charge.amount_due, receipt_no
        charge.recorded_by = actor.user
    DuesCharge.objects.bulk_update(unpaid, ["paid_on", "amount_paid", "receipt_no", "recorded_by"])
    if unpaid:
        audit_record_batch(
            actor=actor,
            action=AuditAction.UPDATE,
            cadre_ids=sorted({c.cadre_id for c in unpaid}),
            detail=f"登记党费缴纳 {len(unpaid)} 个月，收据 {receipt_no or '无'}",
        )
    return len(unpaid)


# ---------------------------------------------------------------- the badge


@transaction.atomic
def badge_award(*, actor: Actor, cadre: Cadre, year: int, awarded_on: date) -> BadgeAward:
    award, created = BadgeAward.objects.get_or_create(
        cadre=cadre, defaults={"year": year, "awarded_on": awarded_on, "recorded_by": actor.user}
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            cadre=cadre,
            subject=award,
            detail=f"颁发{year}年光荣在党50年纪念章",
        )
    return award


# ---------------------------------------------------------------- meetings (events of the events app)

BRANCH_GROUP = "branch"  # the CadreGroup code registered in apps.py: an event for the branch's members


@transaction.atomic
def branch_meeting_create(
    *,
    actor: Actor,
    branch: Branch,
    kind: str,
    title: str,
    starts_at: Any,
    ends_at: Any,
    place: str = "",
    minutes: str = "",
) -> BranchMeeting:
    """An event for the branch's members (organised by the branch's unit) and the meeting row on it."""
    event = event_create(
        actor=actor,
        data={
            "title": title,
            "kind": EventKind.PARTY_CLASS if kind == MeetingKind.LECTURE else EventKind.STUDY,
            "unit": branch.org_unit,
            "place": place,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "audience": Audience.GROUP,
            "group_code": BRANCH_GROUP,
            "group_value": str(branch.pk),
        },
    )
    return BranchMeeting.objects.create(
        event=event, branch=branch, kind=kind, held_on=timezone.localtime(starts_at).date(), minutes=minutes
    )


@transaction.atomic
def branch_meeting_minutes(*, actor: Actor, meeting: BranchMeeting, minutes: str) -> BranchMeeting:
    before = snapshot(meeting, ["minutes"])
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=meeting,
        changes=diff(before, snapshot(meeting, ["minutes"])),
    )
    return meeting


def branch_meeting_attend(*, actor: Actor, meeting: BranchMeeting, cadres: Sequence[Cadre]) -> int:
    """Tick members present (the events app's check-in: a second tick counts once); returns how many new."""
    return sum(
        event_check_in(actor=actor, event=meeting.event, cadre=cadre, via=CheckInVia.LIST)[1]
        for cadre in cadres
    )
