"""The 爱心服务卡's QR token: round trip, forgery, revocation by 重新制卡, scope, closed files; the reissue page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import signing

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.cards import (
    CLOSED_FILE,
    REVOKED_CARD,
    SALT,
    UNKNOWN_CARD,
    cadre_for_card_token,
    card_revoke,
    card_token_for,
)
from jiujin.cadres.models import Cadre, CadreStatus
from jiujin.cadres.services import cadre_change_status
from jiujin.conftest import PASSWORD, fits_phone, screenshot
from jiujin.core.access import NoAccess

pytestmark = pytest.mark.django_db


def _refused(user: Any, token: str) -> str:
    with pytest.raises(NoAccess) as caught:
        cadre_for_card_token(user, token)
    return str(caught.value)


def test_it_resolves_a_cards_token_to_its_cadre_for_everyone_in_the_chain(cadre_a: Any, cast: Any) -> None:
    token = card_token_for(cadre_a)
    for user in (cast.community_a, cast.street, cast.district, cast.city, cast.admin):
        assert cadre_for_card_token(user, token) == cadre_a
    assert cadre_for_card_token(cast.community_a, f"  {token}\n") == cadre_a  # a scanner's stray whitespace


def test_it_keeps_the_token_short_and_free_of_personal_data(cadre_a: Any) -> None:
    token = card_token_for(cadre_a)
    assert len(token) <= 60  # a version-3 QR code: ~0.5 mm modules on the card
    for secret in (cadre_a.id_number, cadre_a.id_number[-6:], cadre_a.name, cadre_a.phone_mobile):
        assert secret not in token
    assert signing.Signer(salt=SALT).unsign(token) == f"{cadre_a.pk}.1"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
        lambda t: t.replace(".1:", ".2:"),  # the version, to outlive a reissue
        lambda t: "9" + t,  # another cadre's key
        lambda t: t.split(":")[0],  # no signature at all
        lambda t: "",
        lambda t: "x" * 5000,
        lambda t: "https://example.com/?" + t,
    ],
)
def test_it_refuses_a_tampered_or_foreign_token(cadre_a: Any, cast: Any, tamper: Any) -> None:
    assert _refused(cast.community_a, tamper(card_token_for(cadre_a))) == UNKNOWN_CARD


def test_it_refuses_a_token_signed_for_something_else(cadre_a: Any, cast: Any) -> None:
    other = signing.Signer(salt="jiujin.something-else").sign(f"{cadre_a.pk}.1")
    assert _refused(cast.community_a, other) == UNKNOWN_CARD
    assert _refused(cast.community_a, signing.dumps({"pk": cadre_a.pk})) == UNKNOWN_CARD


def test_it_voids_the_old_card_on_reissue_and_accepts_the_new_one(cadre_a: Any, cast: Any) -> None:
    old = card_token_for(cadre_a)
    card_revoke(actor=Actor(user=cast.community_a), cadre=cadre_a)
    new = card_token_for(Cadre.objects.get(pk=cadre_a.pk))
    assert new != old
    assert _refused(cast.community_a, old) == REVOKED_CARD
    assert cadre_for_card_token(cast.community_a, new) == cadre_a
    card_revoke(actor=Actor(user=cast.community_a), cadre=cadre_a)  # reissued again: the second card goes too
    assert _refused(cast.community_a, new) == REVOKED_CARD


def test_it_audits_a_reissue(cadre_a: Any, cast: Any) -> None:
    card_revoke(actor=Actor(user=cast.street, ip="10.0.0.9"), cadre=cadre_a)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, cadre_id=cadre_a.pk)
    assert (event.user, event.ip, event.detail) == (cast.street, "10.0.0.9", "重新制卡，旧服务卡作废")
    assert event.changes == {"card_version": [1, 2]}


def test_it_looks_the_same_as_a_forgery_to_outsiders(cadre_a: Any, cast: Any) -> None:
    token = card_token_for(cadre_a)
    card_revoke(actor=Actor(user=cast.community_a), cadre=cadre_a)
    for user in cast.outsiders():  # sibling community, other district, volunteer: not even "revoked"
        assert _refused(user, token) == UNKNOWN_CARD
        assert _refused(user, card_token_for(Cadre.objects.get(pk=cadre_a.pk))) == UNKNOWN_CARD


@pytest.mark.parametrize("status", [CadreStatus.DECEASED, CadreStatus.MOVED_OUT])
def test_it_refuses_the_card_of_a_closed_file(cadre_a: Any, cast: Any, status: str) -> None:
    token = card_token_for(cadre_a)
    cadre_change_status(
        actor=Actor(user=cast.community_a), cadre=cadre_a, status=status, on=date(2026, 3, 1), reason="登记"
    )
    assert _refused(cast.community_a, token) == CLOSED_FILE


# ---------------------------------------------------------------- the reissue page


def _url(cadre: Any) -> str:
    return f"/cadres/{cadre.pk}/card/reissue/"


def test_it_asks_before_reissuing_and_changes_nothing_on_get(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    response = client_for(cast.community_a).get(_url(cadre_a))
    assert response.status_code == 200
    assert "旧卡上的二维码立即作废" in response.content.decode()
    assert Cadre.objects.get(pk=cadre_a.pk).card_version == 1
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_it_reissues_on_post_and_says_so(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.community_a)
    old = card_token_for(cadre_a)
    response = client.post(_url(cadre_a), follow=True)
    assert response.redirect_chain[-1][0] == f"/cadres/{cadre_a.pk}/"
    assert "旧服务卡的二维码已作废" in response.content.decode()
    assert Cadre.objects.get(pk=cadre_a.pk).card_version == 2
    assert AuditEvent.objects.get(action=AuditAction.UPDATE, cadre_id=cadre_a.pk).user == cast.community_a
    assert _refused(cast.community_a, old) == REVOKED_CARD


def test_it_shows_the_action_on_the_cadre_page_to_managers_only(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    assert _url(cadre_a) in client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert _url(cadre_a) not in client_for(cast.city).get(f"/cadres/{cadre_a.pk}/").content.decode()


def test_it_refuses_the_reissue_without_the_capability(cadre_a: Any, cast: Any, client_for: Any) -> None:
    client = client_for(cast.city)  # sees the cadre, may not change the file
    assert client.get(_url(cadre_a)).status_code == 403
    assert client.post(_url(cadre_a)).status_code == 403
    assert Cadre.objects.get(pk=cadre_a.pk).card_version == 1


def test_it_hides_the_reissue_from_outsiders(cadre_a: Any, cast: Any, client_for: Any) -> None:
    for user in cast.outsiders():
        client = client_for(user)
        assert client.get(_url(cadre_a)).status_code == 404
        assert client.post(_url(cadre_a)).status_code == 404
    assert Cadre.objects.get(pk=cadre_a.pk).card_version == 1


def test_it_refuses_other_methods(cadre_a: Any, cast: Any, client_for: Any) -> None:
    assert client_for(cast.community_a).put(_url(cadre_a)).status_code == 405


@pytest.mark.browser
def test_it_reissues_a_card_from_the_cadre_page_on_a_phone(
    live_server: Any, transactional_db: Any, cadre_a: Any, cast: Any, phone: Any
) -> None:
    url = live_server.url
    phone.goto(f"{url}/accounts/login/?next=/cadres/{cadre_a.pk}/")
    phone.fill("input[name=username]", cast.community_a.username)
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{url}/cadres/{cadre_a.pk}/")
    phone.get_by_role("link", name="重新制卡").click()
    phone.wait_for_url(f"{url}{_url(cadre_a)}")
    assert fits_phone(phone)
    screenshot(phone, "card-reissue-375")
    phone.get_by_role("button", name="确认重新制卡（旧卡作废）").click()
    phone.wait_for_url(f"{url}/cadres/{cadre_a.pk}/")
    phone.get_by_text("旧服务卡的二维码已作废").wait_for()
    assert Cadre.objects.get(pk=cadre_a.pk).card_version == 2
    assert phone.problems == []
