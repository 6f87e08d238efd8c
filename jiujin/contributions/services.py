"""Writes of 发挥作用: nominations and reviews of the talent pool, teams, logged contributions, team outings.

Every function is keyword-only and atomic; a rule broken raises Django's ValidationError keyed by field (the
pages show it on the form, the API answers 422 with the same messages). Dates default to today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, audit_record_batch, diff, snapshot
from jiujin.cadres.models import Cadre
from jiujin.core.attachments import CheckedUpload
from jiujin.lib.dates import age_on

from .models import (
    REVIEW_YEARS,
    Contribution,
    JoinedVia,
    Kind,
    Outing,
    ReviewOutcome,
    Role,
    Story,
    StoryPhoto,
    TalentEntry,
    TalentReview,
    Team,
    TeamMember,
    years_after,
)

# A team's role names the kind of hours its outings log.
KIND_OF_ROLE = {
    Role.PATROL: Kind.PATROL,
    Role.TUTOR: Kind.TUTOR,
    Role.MEDIATOR: Kind.MEDIATOR,
    Role.PARTY_GUIDE: Kind.PARTY_GUIDE,
    Role.ADVICE: Kind.ADVICE,
    Role.OTHER: Kind.OTHER,
}


def talent_age_limit() -> int:
    return int(settings.JIUJIN_TALENT_AGE_LIMIT)


def over_age_limit(cadre: Cadre, on: date) -> bool:
    """Older than the pool's age limit: flagged at review, never removed without a worker's decision."""
    return age_on(cadre.birth_date, on) > talent_age_limit()


# ---------------------------------------------------------------- talent pool


@transaction.atomic
def talent_nominate(
    *,
    actor: Actor,
    cadre: Cadre,
    field: str,
    joined_via: str,
    specialty: str = "",
    nominator_name: str = "",
    joined_on: date | None = None,
) -> TalentEntry:
    """File a cadre in the pool: nominated (by the acting worker, naming who nominated) or self-nominated."""
    joined_on = joined_on or timezone.localdate()
    nominated = joined_via == JoinedVia.NOMINATION
    if nominated and not nominator_name:
        nominator_name = actor.user.display_name if actor.user else ""
    if TalentEntry.objects.current().filter(cadre=cadre, field=field).exists():
        raise ValidationError({"field": f"{cadre.name}已在人才库的该领域中"})
    entry = TalentEntry(
        cadre=cadre,
        field=field,
        specialty=specialty,
        joined_via=joined_via,
        nominated_by=actor.user if nominated else None,
        nominator_name=nominator_name if nominated else "",
        joined_on=joined_on,
        next_review_on=years_after(joined_on, REVIEW_YEARS),
        created_by=actor.user,
    )
    if nominated and not entry.nominator_name:
        raise ValidationError({"nominator_name": "组织推荐须写明推荐人"})
    entry.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=cadre,
        subject=entry,
        detail=f"入选银发人才库：{entry.get_field_display()}（{entry.get_joined_via_display()}）",
        changes=diff({}, snapshot(entry)),
    )
    return entry


@transaction.atomic
def talent_review(
    *, actor: Actor, entry: TalentEntry, outcome: str, note: str = "", on: date | None = None
) -> TalentReview:
    """Keep (the next review two years on) or remove (the entry stays, with its removal date)."""
    on = on or timezone.localdate()
    if entry.removed_on is not None:
        raise ValidationError({"outcome": "该成员已移出人才库"})
    if outcome == ReviewOutcome.REMOVE and not note:
        raise ValidationError({"note": "移出人才库须写明原因"})
    before = snapshot(entry)
    review = TalentReview.objects.create(
        entry=entry,
        reviewed_on=on,
        outcome=outcome,
        note=note,
        over_age=over_age_limit(entry.cadre, on),
        reviewer=actor.user,
    )
    if outcome == ReviewOutcome.KEEP:
        entry.next_review_on = years_after(on, REVIEW_YEARS)
        entry.save(update_fields=["next_review_on"])
    else:
        entry.removed_on = on
        entry.save(update_fields=["removed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=entry.cadre,
        subject=entry,
        detail=f"人才库复核：{review.get_outcome_display()}" + (f"，{note}" if note else ""),
        changes=diff(before, snapshot(entry)),
    )
    return review


# ---------------------------------------------------------------- teams


@transaction.atomic
def team_save(*, actor: Actor, team: Team, members: list[Cadre] | None = None) -> Team:
    """Create or change a team; with `members`, add those not yet in it. The leader becomes a member too."""
    created = team.pk is None
    before = {} if created else snapshot(Team.objects.get(pk=team.pk))
    team.full_clean()
    team.save()
    joining = list(members or [])
    if team.leader is not None:
        joining.append(team.leader)
    team_members_add(actor=actor, team=team, cadres=joining)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        subject=team,
        detail=f"{'新建' if created else '修改'}队伍：{team.name}",
        changes=diff(before, snapshot(team)),
    )
    return team


@transaction.atomic
def team_members_add(*, actor: Actor, team: Team, cadres: list[Cadre], on: date | None = None) -> int:
    """Add cadres (of the team's unit) to the team; those already in it are left as they are."""
    on = on or timezone.localdate()
    outside = [c.name for c in cadres if not c.community.path.startswith(team.org_unit.path)]
    if outside:
        raise ValidationError({"members": f"不是{team.org_unit.name}的老干部：{'、'.join(outside)}"})
    present = set(TeamMember.objects.filter(team=team).values_list("cadre_id", flat=True))
    new = {c.pk: c for c in cadres if c.pk not in present}
    TeamMember.objects.bulk_create([TeamMember(team=team, cadre=c, joined_on=on) for c in new.values()])
    if new:
        audit_record_batch(
            actor=actor, action=AuditAction.UPDATE, cadre_ids=sorted(new), detail=f"加入队伍：{team.name}"
        )
    return len(new)


@transaction.atomic
def team_member_remove(*, actor: Actor, team: Team, cadre: Cadre) -> None:
    TeamMember.objects.filter(team=team, cadre=cadre).delete()
    if team.leader_id == cadre.pk:
        team.leader = None
        team.save(update_fields=["leader"])
    audit_record(actor=actor, action=AuditAction.UPDATE, cadre=cadre, detail=f"退出队伍：{team.name}")


# ---------------------------------------------------------------- contributions


@transaction.atomic
def contribution_log(
    *,
    actor: Actor,
    cadre: Cadre,
    kind: str,
    date: date,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
    receipt_no: str = "",
    note: str = "",
) -> Contribution:
    """One contribution of one cadre, counted for the cadre's community."""
    row = Contribution(
        cadre=cadre,
        kind=kind,
        date=date,
        hours=hours,
        amount=amount if kind == Kind.DONATION else None,
        receipt_no=receipt_no.strip() if kind == Kind.DONATION else "",
        note=note,
        org_unit_id=cadre.community_id,
        created_by=actor.user,
    )
    row.full_clean(exclude=["created_by", "outing"], validate_constraints=False)
    try:
        with transaction.atomic():  # a savepoint: two workers typing the same receipt at the same moment
            row.save()
    except IntegrityError:
        raise ValidationError({"receipt_no": f"收据号 {row.receipt_no} 在本社区已经登记过"}) from None
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        cadre=cadre,
        subject=row,
        detail=f"登记发挥作用：{row.get_kind_display()}",
        changes=diff({}, snapshot(row)),
    )
    return row


@dataclass(frozen=True)
class OutingLine:
    cadre: Cadre
    hours: Decimal


@transaction.atomic
def outing_log(*, actor: Actor, team: Team, date: date, title: str, lines: list[OutingLine]) -> Outing:
    """A team's outing and the hours of each member who went: all rows or none (a bad line writes nothing)."""
    if not lines:
        raise ValidationError({"lines": "请至少为一名队员填写服务时长"})
    members = set(TeamMember.objects.filter(team=team).values_list("cadre_id", flat=True))
    errors = [f"{line.cadre.name}不是本队队员" for line in lines if line.cadre.pk not in members]
    errors += [
        f"{line.cadre.name}的服务时长应大于 0 且不超过 24 小时" for line in lines if not 0 < line.hours <= 24
    ]
    if len({line.cadre.pk for line in lines}) != len(lines):
        errors.append("同一名队员只能填写一次")
    if errors:
        raise ValidationError({"lines": errors})
    outing = Outing.objects.create(team=team, date=date, title=title, created_by=actor.user)
    kind = KIND_OF_ROLE[Role(team.role)]
    Contribution.objects.bulk_create(
        Contribution(
            cadre=line.cadre,
            kind=kind,
            date=date,
            hours=line.hours,
            note=title,
            org_unit_id=line.cadre.community_id,
            outing=outing,
            created_by=actor.user,
        )
        for line in lines
    )
    audit_record_batch(
        actor=actor,
        action=AuditAction.CREATE,
        cadre_ids=sorted(line.cadre.pk for line in lines),
        detail=f"登记队伍活动时长：{team.name} {date:%Y-%m-%d} {title}"[:200],
        subject=outing,
    )
    return outing


# ---------------------------------------------------------------- stories (先进典型)


@transaction.atomic
def story_save(
    *, actor: Actor, story: Story, photos: list[CheckedUpload] | None = None, photos_for_reports: bool = True
) -> Story:
    """Create or change a story and add checked photos to it (all or nothing)."""
    if story.cadre is not None and not story.cadre.community.path.startswith(story.org_unit.path):
        raise ValidationError({"cadre": f"{story.cadre.name}不是{story.org_unit.name}的老干部"})
    created = story.pk is None
    before = {} if created else snapshot(Story.objects.get(pk=story.pk))
    story.full_clean(exclude=["created_by"])
    story.save()
    StoryPhoto.objects.bulk_create(
        StoryPhoto.build(p, uploaded_by=actor.user, story=story, for_reports=photos_for_reports)
        for p in photos or []
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        cadre=story.cadre,
        subject=story,
        detail=f"{'登记' if created else '修改'}先进典型：{story.title}"[:200],
        changes=diff(before, snapshot(story, exclude=["text"])),
    )
    return story
