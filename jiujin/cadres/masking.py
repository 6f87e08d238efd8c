"""The one masking decision: who reads ID numbers and phone numbers in full.

Pages (`show_sensitive` in their contexts, the `masked_id`/`phone_for` filters), the API (`Reveal`), the
roster export and the import preview all ask `sees_full_numbers`; nobody else asks the capability. Lists
mask ID numbers for everyone (house rule): the full number is on the audited detail only. The contact card
PDF prints no ID number and only the numbers a cadre is to call (worker, volunteer, directory).
"""

from __future__ import annotations

from dataclasses import dataclass

from jiujin.accounts.models import Capability, User
from jiujin.lib.idcard import mask_id_number
from jiujin.lib.phones import mask_phone


def sees_full_numbers(user: User) -> bool:
    """Whether this user reads ID numbers and phone numbers (cadres', family's, volunteers') in full."""
    return user.can(Capability.VIEW_SENSITIVE)


def shown_id(number: str, *, full: bool) -> str:
    return number if full else mask_id_number(number or "")


def shown_phone(number: str, *, full: bool) -> str:
    return number if full else mask_phone(number or "")


@dataclass(frozen=True)
class Reveal:
    """Which personal numbers a reader sees in full."""

    full_id: bool
    full_phones: bool

    @classmethod
    def for_list(cls, user: User) -> Reveal:
        # Lists always mask ID numbers (house rule); the full number is on the audited detail only.
        return cls(full_id=False, full_phones=sees_full_numbers(user))

    @classmethod
    def for_detail(cls, user: User) -> Reveal:
        full = sees_full_numbers(user)
        return cls(full_id=full, full_phones=full)

    def id_number(self, number: str) -> str:
        return shown_id(number, full=self.full_id)

    def phone(self, number: str) -> str:
        return shown_phone(number, full=self.full_phones)
