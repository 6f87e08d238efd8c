"""The volunteer edit page masks the phone for editors without `view_sensitive`, keeps it unless a new one is
typed, and logs that the page was opened."""

from __future__ import annotations

from typing import Any

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.lib.phones import mask_phone
from jiujin.volunteers.models import Volunteer


def _data(volunteer: Volunteer, **overrides: Any) -> dict[str, Any]:
    return {
        "name": volunteer.name,
        "kind": volunteer.kind,
        "phone": volunteer.phone,
        "community": volunteer.community_id,
        "address": volunteer.address,
        "skills": volunteer.skills,
        "active": "on",
    } | overrides


def test_it_masks_the_phone_for_a_street_user(cast: Any, client_for: Any, volunteer_a: Volunteer) -> None:
    html = client_for(cast.street).get(f"/volunteers/{volunteer_a.pk}/edit/").content.decode()
    assert volunteer_a.phone not in html
    assert mask_phone(volunteer_a.phone) in html


def test_it_keeps_the_phone_when_a_street_user_saves(
    cast: Any, client_for: Any, volunteer_a: Volunteer
) -> None:
    phone = volunteer_a.phone
    client = client_for(cast.street)
    response = client.post(f"/volunteers/{volunteer_a.pk}/edit/", _data(volunteer_a, phone="", skills="理发"))
    assert response.status_code == 302
    volunteer_a.refresh_from_db()
    assert (volunteer_a.phone, volunteer_a.skills) == (phone, "理发")
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, subject_type="volunteers.volunteer")
    assert update.subject_id == str(volunteer_a.pk) and set(update.changes) == {"skills"}


def test_it_shows_a_community_worker_the_full_phone(
    cast: Any, client_for: Any, volunteer_a: Volunteer
) -> None:
    html = client_for(cast.community_a).get(f"/volunteers/{volunteer_a.pk}/edit/").content.decode()
    assert volunteer_a.phone in html


def test_it_logs_opening_the_edit_page(cast: Any, client_for: Any, volunteer_a: Volunteer) -> None:
    client_for(cast.street).get(f"/volunteers/{volunteer_a.pk}/edit/")
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.user, event.detail) == (cast.street, "查看编辑页")
    assert (event.subject_type, event.subject_id) == ("volunteers.volunteer", str(volunteer_a.pk))
