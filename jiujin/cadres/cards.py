"""The token in the QR code of a cadre's 爱心服务卡: signed, revocable, and free of personal data.

A token is `<pk>.<card_version>` signed with Django's signing (its own salt, so no other signed value of the
site passes for a card). It names the cadre by key only — never the ID number or a name — so a lost card
tells a finder nothing; reissuing the card (`card_revoke`) bumps the version and the old code stops working.
A worker's phone scans it at an event's check-in, and `cadre_for_card_token` resolves it within the
worker's own scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction
from django.db.models import F

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.core.access import NoAccess

from .models import Cadre, CadreStatus

if TYPE_CHECKING:
    from jiujin.accounts.models import User

SALT = "jiujin.cadres.card"
MAX_TOKEN_LENGTH = 120  # a real token is about 50 characters; anything far longer is not one of ours

UNKNOWN_CARD = "无法识别的服务卡，或该老干部不在您的管辖范围内"
REVOKED_CARD = "该服务卡已作废（已重新制卡），请使用新卡"
CLOSED_FILE = "该老干部已不在册，不能签到"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def card_token_for(cadre: Cadre) -> str:
    """What the card's QR code carries, e.g. `1234.1:Qm9…` (about 50 characters: a version-3 QR code)."""
    return _signer().sign(f"{cadre.pk}.{cadre.card_version}")


def _parse(token: str) -> tuple[int, int]:
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise NoAccess(UNKNOWN_CARD)
    try:
        pk, version = _signer().unsign(token).split(".")
        return int(pk), int(version)
    except (signing.BadSignature, ValueError) as exc:
        raise NoAccess(UNKNOWN_CARD) from exc


def cadre_for_card_token(user: User, token: str) -> Cadre:
    """The active cadre a scanned card names, within the user's scope; else NoAccess (404) with a message
    a worker can act on. Why a card is refused (revoked, file closed) is said only for a cadre the user may
    see anyway: to anyone else a valid card looks the same as a forged one."""
    pk, version = _parse(token)
    cadre = Cadre.objects.for_user(user).select_related("community").filter(pk=pk).first()
    if cadre is None:
        raise NoAccess(UNKNOWN_CARD)
    if cadre.card_version != version:
        raise NoAccess(REVOKED_CARD)
    if cadre.status != CadreStatus.ACTIVE:
        raise NoAccess(CLOSED_FILE)
    return cadre


@transaction.atomic
def card_revoke(*, actor: Actor, cadre: Cadre) -> Cadre:
    """Reissue the card (重新制卡): the old card's QR code is void from now on; the new one prints from the
    directory's card pages as before. Locked, so two reissues at once make two versions, never one."""
    before = Cadre.objects.select_for_update().values_list("card_version", flat=True).get(pk=cadre.pk)
    Cadre.objects.filter(pk=cadre.pk).update(card_version=F("card_version") + 1)
    cadre.card_version = before + 1
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        cadre=cadre,
        detail="重新制卡，旧服务卡作废",
        changes={"card_version": [before, cadre.card_version]},
    )
    return cadre
