"""The branches app's objects in community A for the access walk (see core/tests/test_access_walk.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from jiujin.audit.services import Actor
from jiujin.branches.models import BadgeAward, Branch, DuesCharge, Membership, Pension
from jiujin.branches.services import branch_meeting_create, dues_charges_create, pension_set

from .helpers import make_branch, make_member


def walk_world(tree: Any, cast: Any, cadre_a: Any) -> dict[str, Any]:
    branch = make_branch(tree.community_a, name="社区A党支部")
    membership = make_member(branch, cadre_a, party=date(1970, 3, 1))
    who = Actor(user=cast.community_a)
    pension_set(actor=who, cadre=cadre_a, amount=Decimal("6000"), effective_from=date(2026, 1, 1))
    dues_charges_create(actor=who, branch=branch, month=date(2026, 1, 1))
    start = datetime(2026, 3, 5, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    meeting = branch_meeting_create(
        actor=who, branch=branch, kind="theme_day", title="三月主题党日", starts_at=start, ends_at=start
    )
    return {
        "pks": {
            "branches": branch.pk,
            "branches:member_role": membership.pk,
            "branches:member_end": membership.pk,
            "branches:member_transfer": membership.pk,
            "branches:meeting": meeting.pk,
            "branches:meeting_attend": meeting.pk,
            "branches:meeting_minutes": meeting.pk,
        },
        "written": [
            Branch.objects.count,
            Membership.objects.count,
            Pension.objects.count,
            lambda: DuesCharge.objects.filter(paid_on__isnull=False).count(),
            BadgeAward.objects.count,
        ],
    }
