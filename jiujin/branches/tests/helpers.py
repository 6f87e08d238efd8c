"""Branch rows for the tests: a branch in a community, members with a party join date."""

from __future__ import annotations

from datetime import date
from itertools import count
from typing import Any

from jiujin.audit.services import Actor
from jiujin.branches.models import Branch, Membership
from jiujin.branches.services import membership_add
from jiujin.cadres.tests.factories import CadreFactory

_seq = count(1)


def actor(user: Any) -> Actor:
    return Actor(user=user)


def make_branch(unit: Any, **fields: Any) -> Branch:
    return Branch.objects.create(org_unit=unit, name=fields.pop("name", f"第{next(_seq)}党支部"), **fields)


def make_member(
    branch: Branch,
    cadre: Any = None,
    *,
    party: date = date(1980, 5, 1),
    joined: date = date(2020, 1, 1),
    **kw: Any,
) -> Membership:
    cadre = cadre or CadreFactory(community=branch.org_unit)
    return membership_add(
        actor=Actor(user=None), branch=branch, cadre=cadre, joined_on=joined, joined_party_on=party, **kw
    )
