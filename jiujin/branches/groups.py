"""What other apps read from the branches through the registry: who is a party member, who is in a branch."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import Branch, Membership


def party_members_q() -> Q:
    """Members of a branch, or cadres whose 中共党员 box is ticked: an installation that has not entered its
    branches yet (or a member whose branch sits elsewhere) keeps its 七一 visits and party audiences."""
    open_members = Membership.objects.filter(left_on__isnull=True).values("cadre_id")
    return Q(is_party_member=True) | Q(pk__in=open_members)


def branch_choices(user: Any) -> list[tuple[str, str]]:
    return [
        (str(pk), name)
        for pk, name in Branch.objects.for_user(user).order_by("name").values_list("pk", "name")
    ]


def branch_members_q(value: str) -> Q:
    """The current members of branch `value` (an id; anything else selects nobody)."""
    if not str(value).isdigit():
        return Q(pk__in=[])
    return Q(pk__in=Membership.objects.filter(branch_id=int(value), left_on__isnull=True).values("cadre_id"))
