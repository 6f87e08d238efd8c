"""Writes of pilots: create a pilot with its eight steps, edit a step, mark it done or reopen it, add and
delete evidence, and keep the leading group. Every write is audited.

Who may do what (`may_manage`, `may_work`, `may_delete_evidence`):
- district and city staff (and admins) manage the pilots of their communities: create them, edit steps'
  dates and responsible people, reopen a step, keep the leading group, delete any evidence;
- street and community staff work on the pilots in their scope: upload evidence and mark steps done;
  an uploader may delete their own evidence.
A step is marked done only with at least one piece of evidence or a written note (a step like 宣传发动 may
have left nothing to upload, but then someone says what was done).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiujin.accounts.models import Role, User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, diff, snapshot
from jiujin.core.attachments import CheckedUpload
from jiujin.orgs.models import OrgLevel, OrgUnit

from .models import (
    PILOTS_PER_YEAR,
    STEP_NAMES,
    EvidenceKind,
    GroupMember,
    GroupPosition,
    Pilot,
    PilotEvidence,
    PilotStatus,
    PilotStep,
)

MANAGERS = frozenset({Role.DISTRICT, Role.CITY, Role.ADMIN})
WORKERS = MANAGERS | {Role.STREET, Role.COMMUNITY}
# The eight steps spread over the year: each due at the end of one of these months.
STEP_MONTHS = (2, 3, 5, 6, 8, 9, 11, 12)
STEP_FIELDS = ("target_date", "responsible", "note")


def may_manage(user: User) -> bool:
    return user.sees_everything or user.role in MANAGERS


def may_work(user: User) -> bool:
    return user.sees_everything or user.role in WORKERS


def may_delete_evidence(user: User, evidence: PilotEvidence) -> bool:
    return may_manage(user) or (evidence.uploaded_by_id is not None and evidence.uploaded_by_id == user.pk)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def suggested_targets(year: int) -> list[date]:
    return [date(year, m, monthrange(year, m)[1]) for m in STEP_MONTHS]


def district_of(community: OrgUnit) -> OrgUnit:
    codes = community.chain_codes()
    district = OrgUnit.objects.filter(code__in=codes, level=OrgLevel.DISTRICT).first()
    if district is None:
        raise ValidationError({"community": ["该社区不在任何区县之下"]})
    return district


def pilots_in_district(district: OrgUnit, year: int) -> int:
    return Pilot.objects.filter(district=district, year=year).count()


@transaction.atomic
def pilot_create(
    *, actor: Actor, community: OrgUnit, year: int, name: str, theme: str = ""
) -> tuple[Pilot, str]:
    """The pilot and its eight steps with suggested target dates; returns (pilot, warning or "")."""
    _require(may_manage(actor.user), "只有区县或市老干部局可以确定试点社区")
    if community.level != OrgLevel.COMMUNITY:
        raise ValidationError({"community": ["试点单位必须是社区"]})
    district = district_of(community)
    if Pilot.objects.filter(community=community, year=year).exists():
        raise ValidationError({"community": [f"{community.name} 已是 {year} 年的试点社区"]})
    pilot = Pilot(
        community=community, district=district, year=year, name=name, theme=theme, created_by=actor.user
    )
    pilot.full_clean()
    pilot.save()
    PilotStep.objects.bulk_create(
        PilotStep(pilot=pilot, number=n, name=step_name, target_date=target)
        for n, (step_name, target) in enumerate(zip(STEP_NAMES, suggested_targets(year), strict=True), 1)
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=pilot, detail=f"确定试点社区 {community.name}"
    )
    count = pilots_in_district(district, year)
    warning = ""
    if count > PILOTS_PER_YEAR:
        warning = f"{district.name} {year} 年已有 {count} 个试点社区（通常每年 1–{PILOTS_PER_YEAR} 个）"
    return pilot, warning


@transaction.atomic
def pilot_step_update(*, actor: Actor, step: PilotStep, data: dict[str, Any]) -> PilotStep:
    _require(may_manage(actor.user), "只有区县或市老干部局可以调整步骤计划")
    before = snapshot(step, STEP_FIELDS)
    for field in STEP_FIELDS:
        if field in data:
            setattr(step, field, data[field])
    step.save(update_fields=[f for f in STEP_FIELDS if f in data])
    changes = diff(before, snapshot(step, STEP_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, subject=step, detail=str(step), changes=changes)
    return step


@transaction.atomic
def pilot_step_mark_done(
    *, actor: Actor, step: PilotStep, note: str = "", done_date: date | None = None
) -> PilotStep:
    """Done on `done_date` (today by default, never in the future); needs evidence or a note."""
    _require(may_work(actor.user), "没有标记试点步骤的权限")
    step = PilotStep.objects.select_for_update().get(pk=step.pk)
    today = timezone.localdate()
    done_date = done_date or today
    note = (note or "").strip()
    if step.done_date is not None:
        raise ValidationError({"step": ["该步骤已完成"]})
    if done_date > today:
        raise ValidationError({"done_date": ["完成日期不能晚于今天"]})
    if not note and not step.note.strip() and not step.evidence.exists():
        raise ValidationError({"note": ["请先上传佐证材料，或填写完成情况说明"]})
    before = snapshot(step, ("done_date", "note"))
    step.done_date = done_date
    step.done_by = actor.user
    if note:
        step.note = note
    step.save(update_fields=["done_date", "done_by", "note"])
    audit_record(
        actor=actor, action=AuditAction.STATUS, subject=step, detail=f"{step} 完成",
        changes=diff(before, snapshot(step, ("done_date", "note"))),
    )  # fmt: skip
    _sync_status(actor, step.pilot_id)
    return step


@transaction.atomic
def pilot_step_reopen(*, actor: Actor, step: PilotStep, reason: str) -> PilotStep:
    _require(may_manage(actor.user), "只有区县或市老干部局可以重新打开步骤")
    if step.done_date is None:
        raise ValidationError({"step": ["该步骤尚未完成"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请说明重新打开的原因"]})
    before = snapshot(step, ("done_date",))
    step.done_date = None
    step.done_by = None
    step.save(update_fields=["done_date", "done_by"])
    audit_record(
        actor=actor, action=AuditAction.STATUS, subject=step, detail=f"{step} 重新打开：{reason.strip()}",
        changes=diff(before, snapshot(step, ("done_date",))),
    )  # fmt: skip
    _sync_status(actor, step.pilot_id)
    return step


def _sync_status(actor: Actor, pilot_id: int) -> None:
    """A pilot is finished when all eight steps are done, and active again when one is reopened."""
    open_steps = PilotStep.objects.filter(pilot_id=pilot_id, done_date__isnull=True).exists()
    status = PilotStatus.ACTIVE if open_steps else PilotStatus.FINISHED
    changed = Pilot.objects.filter(pk=pilot_id).exclude(status=status).update(status=status)
    if changed:
        audit_record(
            actor=actor, action=AuditAction.STATUS, subject_type="pilots.pilot", subject_id=pilot_id,
            detail=f"试点{PilotStatus(status).label}",
        )  # fmt: skip


@transaction.atomic
def pilot_evidence_add(
    *, actor: Actor, step: PilotStep, kind: str, files: Iterable[CheckedUpload]
) -> list[PilotEvidence]:
    _require(may_work(actor.user), "没有上传佐证材料的权限")
    # A photo left under the default 文件材料 is filed as a photo: the gallery and the board read the kind.
    rows = [
        PilotEvidence.build(
            f, uploaded_by=actor.user, step=step,
            kind=EvidenceKind.PHOTO if f.is_image and kind == EvidenceKind.DOCUMENT else kind,
        )
        for f in files
    ]  # fmt: skip
    if not rows:
        raise ValidationError({"files": ["请选择要上传的文件"]})
    PilotEvidence.objects.bulk_create(rows)
    names = "、".join(r.file_name for r in rows)
    audit_record(actor=actor, action=AuditAction.CREATE, subject=step, detail=f"{step} 上传佐证材料：{names}")
    return rows


@transaction.atomic
def pilot_evidence_delete(*, actor: Actor, evidence: PilotEvidence) -> None:
    _require(may_delete_evidence(actor.user, evidence), "只有上传人或区县老干部局可以删除佐证材料")
    step = evidence.step
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=step,
        detail=f"{step} 删除佐证材料：{evidence.file_name}（#{evidence.pk}）",
    )  # fmt: skip
    evidence.delete()


MEMBER_FIELDS = ("position", "name", "role", "unit_position", "phone")


@transaction.atomic
def pilot_member_add(*, actor: Actor, pilot: Pilot, data: dict[str, Any]) -> GroupMember:
    _require(may_manage(actor.user), "只有区县或市老干部局可以调整领导小组")
    member = GroupMember(pilot=pilot, **{f: data.get(f, "") for f in MEMBER_FIELDS})
    if member.position == GroupPosition.LEADER and pilot.group.filter(position=GroupPosition.LEADER).exists():
        raise ValidationError({"position": ["领导小组已有组长，只能有一名组长"]})
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent second 组长
        raise ValidationError({"position": ["领导小组已有组长，只能有一名组长"]}) from exc
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=member, detail=f"{pilot} 领导小组：{member}",
        changes=diff({}, snapshot(member, MEMBER_FIELDS)),
    )  # fmt: skip
    return member


@transaction.atomic
def pilot_member_remove(*, actor: Actor, member: GroupMember) -> None:
    _require(may_manage(actor.user), "只有区县或市老干部局可以调整领导小组")
    audit_record(
        actor=actor, action=AuditAction.UPDATE, subject=member.pilot, detail=f"领导小组移除：{member}",
        changes={k: [v, None] for k, v in snapshot(member, MEMBER_FIELDS).items() if v},
    )  # fmt: skip
    member.delete()
