"""The edit page masks the ID number and phones for editors without `view_sensitive`, as the detail page does,
keeps them unless a new value is typed, and logs that the page was opened."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import FamilyContactFactory
from jiujin.cadres.tests.test_views import form_data
from jiujin.lib.idcard import mask_id_number
from jiujin.lib.phones import mask_phone

LANDLINE = "027-87654321"
FAMILY_PHONE = "13900001111"


def _with_numbers(cadre: Cadre) -> Cadre:
    cadre.phone_landline = LANDLINE
    cadre.save(update_fields=["phone_landline"])
    FamilyContactFactory(cadre=cadre, phone=FAMILY_PHONE)
    return cadre


def _family_rows(cadre: Cadre, **phone: str) -> dict[str, Any]:
    contact = cadre.family_contacts.get()
    return {
        "family-TOTAL_FORMS": "1",
        "family-INITIAL_FORMS": "1",
        "family-0-id": contact.pk,
        "family-0-name": contact.name,
        "family-0-relation": contact.relation,
        "family-0-phone": phone.get("phone", ""),
    }


def test_it_masks_the_numbers_for_a_street_user(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    cadre = _with_numbers(cadre_a)
    html = client_for(cast.street).get(reverse("cadres:edit", args=[cadre.pk])).content.decode()
    for stored in (cadre.id_number, cadre.phone_mobile, LANDLINE, FAMILY_PHONE):
        assert stored not in html
    for masked in (mask_id_number(cadre.id_number), mask_phone(cadre.phone_mobile), mask_phone(FAMILY_PHONE)):
        assert masked in html
    assert "不改请留空" in html


def test_it_keeps_the_numbers_when_a_street_user_saves_other_fields(
    client_for: Any, cast: Any, cadre_a: Cadre
) -> None:
    cadre = _with_numbers(cadre_a)
    stored = (cadre.id_number, cadre.phone_mobile, cadre.phone_landline)
    blank = {"id_number": "", "phone_mobile": "", "phone_landline": mask_phone(LANDLINE), "habits": "早睡"}
    data = form_data(cadre, **blank) | _family_rows(cadre)
    response = client_for(cast.street).post(reverse("cadres:edit", args=[cadre.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cadre.refresh_from_db()
    assert (cadre.id_number, cadre.phone_mobile, cadre.phone_landline) == stored
    assert cadre.habits == "早睡"
    assert cadre.family_contacts.get().phone == FAMILY_PHONE
    update = AuditEvent.objects.get(cadre_id=cadre.pk, action=AuditAction.UPDATE)
    assert set(update.changes) == {"habits"}


def test_it_takes_a_new_number_a_street_user_types(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    data = form_data(cadre_a, id_number="", phone_mobile="13912345678")
    assert client_for(cast.street).post(reverse("cadres:edit", args=[cadre_a.pk]), data).status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.phone_mobile == "13912345678"


def test_it_shows_a_community_worker_the_full_numbers(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    cadre = _with_numbers(cadre_a)
    html = client_for(cast.community_a).get(reverse("cadres:edit", args=[cadre.pk])).content.decode()
    for stored in (cadre.id_number, cadre.phone_mobile, LANDLINE, FAMILY_PHONE):
        assert stored in html
    assert "不改请留空" not in html


def test_it_logs_opening_the_edit_page(client_for: Any, cast: Any, cadre_a: Cadre) -> None:
    for user in (cast.street, cast.community_a):
        client_for(user).get(reverse("cadres:edit", args=[cadre_a.pk]))
    views = AuditEvent.objects.filter(cadre_id=cadre_a.pk, action=AuditAction.VIEW, detail="查看编辑页")
    assert sorted(views.values_list("user__username", flat=True)) == ["street", "worker-a"]
    assert {(e.subject_type, e.subject_id) for e in views} == {("cadres.cadre", str(cadre_a.pk))}
