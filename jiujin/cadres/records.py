"""Cadres as the API shows them: what is masked depends on the reader (`Reveal`), never on the endpoint."""

from __future__ import annotations

from typing import Any

from .masking import Reveal
from .models import Cadre, FamilyContact


def cadre_item(cadre: Cadre, reveal: Reveal, *, known_count: int) -> dict[str, Any]:
    return {
        "id": cadre.pk,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date,
        "age": cadre.age(),
        "category": cadre.category,
        "rank": cadre.rank,
        "community": cadre.community.code,
        "community_name": cadre.community.name,
        "id_number": reveal.id_number(cadre.id_number),
        "phone_mobile": reveal.phone(cadre.phone_mobile),
        "phone_landline": reveal.phone(cadre.phone_landline),
        "living_arrangement": cadre.living_arrangement,
        "health_status": cadre.health_status,
        "status": cadre.status,
        "known_count": known_count,
    }


def cadre_detail(cadre: Cadre, reveal: Reveal) -> dict[str, Any]:
    """Expects tags and family_contacts prefetched."""
    completeness = cadre.must_knows()
    work_unit = cadre.work_unit
    return {
        **cadre_item(cadre, reveal, known_count=sum(completeness.values())),
        "ethnicity": cadre.ethnicity,
        "is_party_member": cadre.is_party_member,
        "party_branch": cadre.party_branch,
        "work_unit": work_unit
        and {
            "name": work_unit.name,
            "contact_person": work_unit.contact_person,
            "contact_phone": work_unit.contact_phone,
        },
        "retirement_date": cadre.retirement_date,
        "responsible_worker": cadre.responsible_worker.username if cadre.responsible_worker else None,
        "address": cadre.address,
        "preferred_hospital": cadre.preferred_hospital,
        "tags": [t.name for t in cadre.tags.all()],
        "specialties": cadre.specialties,
        "habits": cadre.habits,
        "family_contacts": [_family_contact(f, reveal) for f in cadre.family_contacts.all()],
        "birthday_calendar": cadre.birthday_calendar,
        "lunar_month": cadre.lunar_month,
        "lunar_day": cadre.lunar_day,
        "lunar_leap": cadre.lunar_leap,
        "status_date": cadre.status_date,
        "status_reason": cadre.status_reason,
        "completeness": completeness,
        "created_at": cadre.created_at,
        "updated_at": cadre.updated_at,
    }


def _family_contact(contact: FamilyContact, reveal: Reveal) -> dict[str, Any]:
    return {
        "name": contact.name,
        "relation": contact.relation,
        "phone": reveal.phone(contact.phone),
        "lives_with": contact.lives_with,
    }
