"""Writes of volunteers and 一助一: the registry, logins, pairings and contact logs.

Callers authorize first (selectors: out of scope is 404); these functions enforce the rules that hold
whoever calls — one active pairing per cadre, dates in order, ended pairings closed to new logs.
Rule breaks on input raise `ValidationError` (a form error / 422); acting on a closed state raises
`PairingConflict` (a message / 409).
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone

from jiujin.accounts.models import Role, User
from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, diff, snapshot
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.lib.dates import format_cn_date
from jiujin.orgs.models import OrgUnit

from .matching import building_of
from .models import ContactLog, Pairing, Volunteer
from .selectors import ELIGIBLE

VOLUNTEER_FIELDS = ["name", "kind", "phone", "community", "address", "skills", "availability", "active"]
PAIRING_KEY = "一助一结对"  # the audit diff's key, shown as is on the audit page


class PairingConflict(Exception):
    """The pairing or log is not in a state that allows this; str() is a Chinese message."""


# ---------------------------------------------------------------- volunteers


@transaction.atomic
def volunteer_create(
    *,
    actor: Actor,
    name: str,
    phone: str,
    community: OrgUnit,
    kind: str = "neighbour",
    address: str = "",
    skills: str = "",
    availability: str = "",
    active: bool = True,
) -> Volunteer:
    volunteer = Volunteer(
        name=name,
        kind=kind,
        phone=phone,
        community=community,
        address=address,
        skills=skills,
        availability=availability,
        active=active,
        building=building_of(address),
    )
    volunteer.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=volunteer,
        detail=f"新增志愿者 {name}（{community.name}）",
        changes=diff({}, snapshot(volunteer, VOLUNTEER_FIELDS)),
    )
    return volunteer


@transaction.atomic
def volunteer_update(*, actor: Actor, volunteer: Volunteer, values: dict[str, Any]) -> list[str]:
    """Apply the changed fields of `values` (VOLUNTEER_FIELDS); returns the names written.

    A volunteer still paired with someone cannot be stood down: their cadres would silently lose their
    partner. Their login follows the active flag and the community.
    """
    changed = [f for f in VOLUNTEER_FIELDS if f in values and getattr(volunteer, f) != values[f]]
    if not changed:
        return []
    if (
        "active" in changed
        and not values["active"]
        and volunteer.pairings.filter(ended_on__isnull=True).exists()
    ):
        raise ValidationError({"active": "该志愿者还有结对的老人，请先结束结对或改由他人结对"})
    before = snapshot(volunteer, VOLUNTEER_FIELDS)
    for name in changed:
        setattr(volunteer, name, values[name])
    fields = list(changed)
    if "address" in changed:
        volunteer.building = building_of(volunteer.address)
        fields.append("building")
    volunteer.save(update_fields=fields)
    _sync_login(volunteer, changed)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=volunteer,
        detail=f"修改志愿者 {volunteer.name}：{'、'.join(_verbose_name(f) for f in changed)}",
        changes=diff(before, snapshot(volunteer, VOLUNTEER_FIELDS)),
    )
    return fields


def _verbose_name(name: str) -> str:
    return str(cast(Field, Volunteer._meta.get_field(name)).verbose_name)  # a form field: a concrete column


def _sync_login(volunteer: Volunteer, changed: list[str]) -> None:
    user = volunteer.user
    if user is None:
        return
    updates: dict[str, Any] = {}
    if "active" in changed:
        updates["is_active"] = volunteer.active
    if "community" in changed:
        updates["org_unit"] = volunteer.community
    if updates:
        for name, value in updates.items():
            setattr(user, name, value)
        user.save(update_fields=list(updates))


@transaction.atomic
def volunteer_grant_login(*, actor: Actor, volunteer: Volunteer, username: str, password: str) -> User:
    """A login with the volunteer role in the volunteer's community; it sees only their paired cadres."""
    if volunteer.user_id is not None:
        raise PairingConflict("该志愿者已有登录账号")
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    user = User.objects.create_user(
        username=username,
        password=password,
        role=Role.VOLUNTEER,
        org_unit=volunteer.community,
        first_name=volunteer.name,
        phone=volunteer.phone,
        is_active=volunteer.active,
    )
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        subject=volunteer,
        detail=f"为志愿者 {volunteer.name} 开通登录账号 {username}",
    )
    return user


# ---------------------------------------------------------------- pairings


@transaction.atomic
def pairing_create(*, actor: Actor, cadre: Cadre, volunteer: Volunteer, started_on: date) -> Pairing:
    """Pair a cadre with a volunteer. A current pairing with someone else ends on `started_on` and stays as
    history; the database keeps one active pairing per cadre even if two workers pair at once."""
    _check_can_pair(cadre, volunteer)
    current = _lock_current(cadre)
    if current is not None:
        if current.volunteer_id == volunteer.pk:
            raise PairingConflict(f"{cadre.name} 已与 {volunteer.name} 结对")
        if started_on < current.started_on:
            raise ValidationError(
                {"started_on": f"结对日期不能早于当前结对的开始日期（{format_cn_date(current.started_on)}）"}
            )
        _close(current, ended_on=started_on, reason=f"改由 {volunteer.name} 结对")
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                cadre=cadre, volunteer=volunteer, started_on=started_on, created_by=actor.user
            )
    except IntegrityError as exc:  # another worker paired this cadre a moment ago
        raise PairingConflict(f"{cadre.name} 刚刚已由他人结对，请刷新后再试") from exc
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=cadre,
        subject=pairing,
        detail=f"一助一结对：{volunteer.name}",
        changes={PAIRING_KEY: [current.volunteer.name if current else None, volunteer.name]},
    )
    return pairing


def _check_can_pair(cadre: Cadre, volunteer: Volunteer) -> None:
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError({"cadre": f"{cadre.name} 已{cadre.get_status_display()}，不能结对"})
    if not Cadre.objects.filter(pk=cadre.pk).filter(ELIGIBLE).exists():
        raise ValidationError({"cadre": "一助一结对面向独居、空巢或健康较差、失能的老干部"})
    if not volunteer.active:
        raise ValidationError({"volunteer": f"{volunteer.name} 已不在岗，不能结对"})


def _lock_current(cadre: Cadre) -> Pairing | None:
    # Row lock on PostgreSQL; SQLite's IMMEDIATE transactions already serialize writers.
    return (
        Pairing.objects.select_for_update()
        .select_related("volunteer")
        .filter(cadre=cadre, ended_on__isnull=True)
        .first()
    )


def _close(pairing: Pairing, *, ended_on: date, reason: str) -> None:
    pairing.ended_on, pairing.end_reason = ended_on, reason
    pairing.save(update_fields=["ended_on", "end_reason"])


@transaction.atomic
def pairing_end(*, actor: Actor, pairing: Pairing, ended_on: date, reason: str) -> Pairing:
    locked = Pairing.objects.select_for_update().select_related("cadre", "volunteer").get(pk=pairing.pk)
    if locked.ended_on is not None:
        raise PairingConflict(f"该结对已于 {format_cn_date(locked.ended_on)} 结束")
    if ended_on < locked.started_on:
        raise ValidationError(
            {"ended_on": f"结束日期不能早于结对日期（{format_cn_date(locked.started_on)}）"}
        )
    _close(locked, ended_on=ended_on, reason=reason)
    pairing.ended_on, pairing.end_reason = locked.ended_on, locked.end_reason
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=locked.cadre,
        subject=locked,
        detail=f"结束一助一结对：{locked.volunteer.name}（{reason}）",
        changes={PAIRING_KEY: [locked.volunteer.name, None]},
    )
    return pairing


def pairings_end_for_closed_file(*, actor: Actor, cadre: Any, on: date, reason: str) -> int:
    """A cadre who died or moved out: the volunteer keeps neither the pairing nor the address and phone."""
    ended = 0
    for pairing in Pairing.objects.select_for_update().filter(cadre=cadre, ended_on__isnull=True):
        pairing_end(actor=actor, pairing=pairing, ended_on=max(on, pairing.started_on), reason=reason)
        ended += 1
    return ended


# ---------------------------------------------------------------- contact logs


@transaction.atomic
def contact_log_add(
    *, actor: Actor, pairing: Pairing, on: date, form: str, note: str = "", needs_attention: bool = False
) -> ContactLog:
    if not Pairing.objects.filter(pk=pairing.pk, ended_on__isnull=True).exists():
        raise PairingConflict("该结对已结束，不能再记录联系")
    if on < pairing.started_on:
        raise ValidationError({"on": f"联系日期不能早于结对日期（{format_cn_date(pairing.started_on)}）"})
    log = ContactLog.objects.create(
        pairing=pairing, on=on, form=form, note=note, needs_attention=needs_attention, created_by=actor.user
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=pairing.cadre,
        subject=log,
        detail=f"一助一联系记录（{log.get_form_display()}）{'，需要社区跟进' if needs_attention else ''}",
    )
    return log


@transaction.atomic
def contact_log_follow_up(*, actor: Actor, log: ContactLog) -> ContactLog:
    """The community has acted on a flagged log: it leaves the follow-up list."""
    updated = ContactLog.objects.filter(pk=log.pk, needs_attention=True, followed_up_at__isnull=True).update(
        followed_up_at=timezone.now(), followed_up_by=actor.user
    )
    if not updated:
        raise PairingConflict("该联系记录已跟进")
    log.refresh_from_db(fields=["followed_up_at", "followed_up_by"])
    return log
