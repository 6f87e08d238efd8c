"""Writing the service directory, and building contact cards from it."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record, audit_record_batch
from jiujin.cadres.cards import card_token_for
from jiujin.cadres.models import Cadre
from jiujin.lib.cards import Card, CardLine, render_cards
from jiujin.orgs.models import OrgUnit
from jiujin.volunteers.models import Pairing

from .models import DirectoryEntry, EntryKind
from .selectors import Resolved, active_partners, directories_for

EDITABLE = ["kind", "name", "phones", "hours", "note", "order"]


def _log(actor: Actor, unit: OrgUnit, what: str, entry: DirectoryEntry) -> None:
    # Directory numbers are not a cadre's personal data, but who changed a printed number matters.
    audit_record(
        actor=actor, action=AuditAction.UPDATE, detail=f"服务名录（{unit.name}）{what}：{entry.name}"
    )


@transaction.atomic
def directory_entry_create(
    *, actor: Actor, unit: OrgUnit, values: dict[str, Any], key: str | None = None
) -> DirectoryEntry:
    """A new entry of the unit; given the `key` of an ancestor's entry, it overrides that entry below."""
    entry = DirectoryEntry(org_unit=unit, key=key or f"{values['kind']}-{uuid.uuid4().hex[:8]}")
    for name in EDITABLE:
        setattr(entry, name, values[name])
    entry.save()
    _log(actor, unit, "覆盖上级条目" if key else "新增", entry)
    return entry


@transaction.atomic
def directory_entry_update(*, actor: Actor, entry: DirectoryEntry, values: dict[str, Any]) -> DirectoryEntry:
    for name in EDITABLE:
        setattr(entry, name, values[name])
    entry.hidden = False
    entry.save(update_fields=[*EDITABLE, "hidden", "updated_at"])
    _log(actor, entry.org_unit, "修改", entry)
    return entry


@transaction.atomic
def directory_entry_hide(*, actor: Actor, unit: OrgUnit, inherited: DirectoryEntry) -> DirectoryEntry:
    """Hide an ancestor's entry for this unit's subtree: a hidden row of the same key."""
    entry, _ = DirectoryEntry.objects.update_or_create(
        org_unit=unit,
        key=inherited.key,
        defaults={"kind": inherited.kind, "name": inherited.name, "hidden": True},
    )
    _log(actor, unit, "隐藏上级条目", entry)
    return entry


@transaction.atomic
def directory_entry_delete(*, actor: Actor, entry: DirectoryEntry) -> None:
    """Remove the unit's own row; an ancestor's entry of the same key (if any) shows again."""
    _log(actor, entry.org_unit, "删除", entry)
    entry.delete()


# --- Contact cards --------------------------------------------------------------------------------------


# Every card carries these, found in the directory or said to be missing (爱心服务卡: "as soon as we get a
# call, someone comes to the door" — a card without the hotline or the clinic cannot promise that).
REQUIRED_KINDS = (EntryKind.HOTLINE, EntryKind.HEALTH_STATION)
EMERGENCY = CardLine("急救电话", "医疗急救", "120")  # national: on every card, whatever the directory says


def card_lines(cadre: Cadre, directory: list[Resolved], pairing: Pairing | None) -> list[CardLine]:
    """What a card lists, most important first (the card drops what does not fit): the responsible worker,
    the 一助一 partner, the community hotline, 120, the health station, then the rest of the directory.

    A missing worker, hotline or health station is a line that says so (its phone left blank: the card prints
    "未登记"), so a card is never silently short of a number it should carry."""
    worker = cadre.responsible_worker
    lines = [
        CardLine("联系人", worker.display_name, worker.phone) if worker else CardLine("联系人", "未指定", "")
    ]
    if pairing is not None:
        lines.append(CardLine("一助一", pairing.volunteer.name, pairing.volunteer.phone))
    entries = [_entry_line(r.entry) for r in directory]
    kinds = [r.entry.kind for r in directory]
    for kind in REQUIRED_KINDS:
        found = [line for line, k in zip(entries, kinds, strict=True) if k == kind]
        lines += found or [CardLine(EntryKind(kind).label, "", "")]
        if kind == EntryKind.HOTLINE and not any(line.phone == EMERGENCY.phone for line in entries):
            lines.append(EMERGENCY)
    lines += [line for line, k in zip(entries, kinds, strict=True) if k not in REQUIRED_KINDS]
    return lines


def _entry_line(entry: DirectoryEntry) -> CardLine:
    phones = entry.phone_list
    return CardLine(EntryKind(entry.kind).label, entry.name, phones[0] if phones else "")


def _card(cadre: Cadre, directory: list[Resolved], pairing: Pairing | None) -> Card:
    # The QR code is the check-in token (signed, revocable, no ID number): events scan it at the door.
    return Card(
        cadre_name=cadre.name,
        community=cadre.community.name,
        lines=card_lines(cadre, directory, pairing),
        qr=card_token_for(cadre),
    )


# How a print of cards is named in the audit log (a batch: "打印联系卡（…批量）"); the 制卡 figure counts these.
PRINT_DETAIL = "打印联系卡"


def contact_cards_pdf(*, actor: Actor, cadres: QuerySet[Cadre], detail: str) -> tuple[bytes, int]:
    """The cards of these (already scoped) cadres as one PDF, built from today's directory (never cached),
    and one audit row per cadre printed. Returns the PDF and the number of cards."""
    rows = list(cadres)
    partners = active_partners(cadres)
    directories = directories_for({c.community_id: c.community for c in rows}.values())
    pdf = render_cards(_card(c, directories[c.community_id], partners.get(c.pk)) for c in rows)
    audit_record_batch(
        actor=actor,
        action=AuditAction.EXPORT,
        cadre_ids=[c.pk for c in rows],
        detail=f"{detail}，共 {len(rows)} 张",
    )
    return pdf, len(rows)
