from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jiujin.branches.dues import dues_amount, rules_for_communities
from jiujin.branches.groups import branch_members_q, party_members_q
from jiujin.branches.models import DuesCharge, DuesRule, LeaveReason, MemberRole, Membership, Rounding
from jiujin.branches.selectors import badge_due, dues_summary
from jiujin.branches.services import (
    badge_award,
    dues_charges_create,
    dues_pay,
    dues_rule_set,
    membership_end,
    membership_set_role,
    membership_transfer,
    pension_set,
)
from jiujin.cadres.models import Cadre
from jiujin.cadres.tests.factories import CadreFactory

from .helpers import actor, make_branch, make_member

pytestmark = pytest.mark.django_db


def default_rule() -> DuesRule:
    return DuesRule.objects.get(org_unit__isnull=True)


# ---------------------------------------------------------------- memberships


def test_it_allows_one_open_membership_per_cadre_in_the_database(tree: Any) -> None:
    a, b = make_branch(tree.community_a), make_branch(tree.community_a)
    m = make_member(a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(branch=b, cadre=m.cadre, joined_on=date(2024, 1, 1))


def test_it_refuses_to_add_a_member_of_another_branch_and_asks_for_a_transfer(tree: Any) -> None:
    a, b = make_branch(tree.community_a), make_branch(tree.community_a)
    m = make_member(a)
    with pytest.raises(ValidationError, match="转接"):
        make_member(b, m.cadre)


def test_it_keeps_history_on_a_transfer(tree: Any, cast: Any) -> None:
    a, b = make_branch(tree.community_a), make_branch(tree.community_b)
    m = make_member(a)
    new = membership_transfer(actor=actor(cast.street), membership=m, to_branch=b, on=date(2025, 3, 1))
    rows = list(Membership.objects.filter(cadre=m.cadre).order_by("joined_on"))
    assert [(r.branch_id, r.left_on, r.left_reason) for r in rows] == [
        (a.pk, date(2025, 3, 1), LeaveReason.TRANSFER),
        (b.pk, None, ""),
    ]
    assert new.is_open and rows[0].note == f"转至{b.name}"


def test_it_ends_a_membership_once_and_not_before_it_began(tree: Any, cast: Any) -> None:
    m = make_member(make_branch(tree.community_a), joined=date(2024, 5, 1))
    with pytest.raises(ValidationError):
        membership_end(actor=actor(cast.community_a), membership=m, left_on=date(2024, 4, 1), reason="other")
    membership_end(actor=actor(cast.community_a), membership=m, left_on=date(2025, 1, 1), reason="deceased")
    with pytest.raises(ValidationError):
        membership_end(actor=actor(cast.community_a), membership=m, left_on=date(2025, 2, 1), reason="other")


def test_it_keeps_one_secretary_and_makes_the_former_one_a_member(tree: Any, cast: Any) -> None:
    branch = make_branch(tree.community_a)
    first = make_member(branch, role=MemberRole.SECRETARY)
    second = make_member(branch)
    membership_set_role(actor=actor(cast.community_a), membership=second, role=MemberRole.SECRETARY)
    first.refresh_from_db()
    assert (first.role, second.role) == (MemberRole.MEMBER, MemberRole.SECRETARY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=first.pk).update(role=MemberRole.SECRETARY)


def test_it_counts_branch_members_or_ticked_boxes_as_party_members(tree: Any, cast: Any) -> None:
    branch = make_branch(tree.community_a)
    member = make_member(branch).cadre  # box not ticked by the factory
    ticked = CadreFactory(community=tree.community_a, is_party_member=True)
    left = make_member(branch).cadre
    membership_end(actor=actor(cast.community_a), membership=left.party_memberships.get(), left_on=date(2025, 1, 1),
                   reason="moved")  # fmt: skip
    outsider = CadreFactory(community=tree.community_a, is_party_member=False)
    found = set(Cadre.objects.filter(party_members_q()))
    assert {member, ticked} <= found and not {left, outsider} & found
    assert set(Cadre.objects.filter(branch_members_q(str(branch.pk)))) == {member}
    assert not Cadre.objects.filter(branch_members_q("x")).exists()


# ---------------------------------------------------------------- dues


@pytest.mark.parametrize(
    ("pension", "due"),
    [
        ("0", "0.00"),
        ("3000", "15.00"),
        ("4999.99", "25.00"),  # 24.99995 rounds half up
        ("5000", "25.00"),  # up to 5,000 inclusive: 0.5 %
        ("5000.01", "50.00"),  # above: 1 % of the whole
        ("7345.67", "73.46"),
    ],
)
def test_it_computes_dues_by_the_default_brackets_around_5000(db: Any, pension: str, due: str) -> None:
    rule = default_rule()
    assert dues_amount(rule, rule.brackets.all(), Decimal(pension)).amount == Decimal(due)


@pytest.mark.parametrize(
    ("rounding", "due"), [(Rounding.HALF_UP, "18.52"), (Rounding.DOWN, "18.51"), (Rounding.UP, "18.52")]
)
def test_it_rounds_to_the_fen_as_the_rule_says(db: Any, rounding: str, due: str) -> None:
    rule = default_rule()
    rule.rounding = rounding
    assert dues_amount(rule, rule.brackets.all(), Decimal("3703.10")).amount == Decimal(due)  # 18.5155


def test_it_applies_a_district_rule_from_its_date_and_the_default_before(tree: Any, cast: Any) -> None:
    dues_rule_set(
        actor=actor(cast.district),
        unit=tree.district,
        name="黄州区标准",
        effective_from=date(2026, 7, 1),
        rounding=Rounding.HALF_UP,
        brackets=[(Decimal(0), Decimal("1")), (Decimal(3000), Decimal("2"))],
    )
    june = rules_for_communities([tree.community_a], date(2026, 6, 1))
    july = rules_for_communities([tree.community_a, tree.community_z], date(2026, 7, 1))
    assert june[tree.community_a.pk].org_unit is None
    assert july[tree.community_a.pk].org_unit == tree.district
    assert july[tree.community_z.pk].org_unit is None  # another district keeps the default


def test_it_refuses_brackets_not_starting_at_zero(tree: Any, cast: Any) -> None:
    with pytest.raises(ValidationError):
        dues_rule_set(actor=actor(cast.district), unit=tree.district, name="x", effective_from=date(2026, 1, 1),
                      rounding=Rounding.HALF_UP, brackets=[(Decimal(100), Decimal(1))])  # fmt: skip


def test_it_charges_a_month_once_by_the_pension_in_force_and_tracks_arrears(tree: Any, cast: Any) -> None:
    branch = make_branch(tree.community_a)
    rich, poor, unknown = make_member(branch).cadre, make_member(branch).cadre, make_member(branch).cadre
    who = actor(cast.community_a)
    pension_set(actor=who, cadre=rich, amount=Decimal("6000"), effective_from=date(2026, 1, 15))
    pension_set(actor=who, cadre=poor, amount=Decimal("4000"), effective_from=date(2026, 1, 1))
    pension_set(actor=who, cadre=poor, amount=Decimal("5200"), effective_from=date(2026, 3, 1))
    for month in (1, 2, 3):
        assert dues_charges_create(actor=who, branch=branch, month=date(2026, month, 1)) == 2
    assert dues_charges_create(actor=who, branch=branch, month=date(2026, 3, 1)) == 0
    assert not DuesCharge.objects.filter(cadre=unknown).exists()
    poor_dues = list(
        DuesCharge.objects.filter(cadre=poor).order_by("month").values_list("amount_due", flat=True)
    )
    assert poor_dues == [Decimal("20.00"), Decimal("20.00"), Decimal("52.00")]
    dues_pay(
        actor=who,
        charges=list(DuesCharge.objects.filter(cadre=rich)),
        paid_on=date(2026, 3, 20),
        receipt_no="R1",
    )
    dues_pay(
        actor=who,
        charges=list(DuesCharge.objects.filter(cadre=poor, month__month=1)),
        paid_on=date(2026, 2, 1),
    )
    summary = {s.cadre: s for s in dues_summary(list(DuesCharge.objects.select_related("cadre")))}
    assert (summary[rich].paid, summary[rich].arrears, summary[rich].unpaid_months) == (Decimal(180), 0, 0)
    assert (summary[poor].paid, summary[poor].arrears, summary[poor].unpaid_months) == (
        Decimal(20),
        Decimal(72),
        2,
    )


def test_it_does_not_charge_months_after_a_member_left(tree: Any, cast: Any) -> None:
    branch = make_branch(tree.community_a)
    m = make_member(branch)
    who = actor(cast.community_a)
    pension_set(actor=who, cadre=m.cadre, amount=Decimal("3000"), effective_from=date(2026, 1, 1))
    membership_end(actor=who, membership=m, left_on=date(2026, 2, 10), reason="moved")
    assert dues_charges_create(actor=who, branch=branch, month=date(2026, 2, 1)) == 1
    assert dues_charges_create(actor=who, branch=branch, month=date(2026, 3, 1)) == 0


# ---------------------------------------------------------------- 光荣在党50年


def test_it_lists_members_reaching_50_years_by_july_first(tree: Any, cast: Any) -> None:
    branch = make_branch(tree.community_a)
    on_day = make_member(branch, party=date(1976, 7, 1)).cadre
    day_late = make_member(branch, party=date(1976, 7, 2)).cadre
    earlier = make_member(branch, party=date(1960, 1, 1)).cadre
    awarded = make_member(branch, party=date(1970, 1, 1)).cadre
    badge_award(actor=actor(cast.community_a), cadre=awarded, year=2020, awarded_on=date(2020, 7, 1))
    assert list(badge_due(cast.community_a, 2026)) == [earlier, on_day]
    assert day_late in badge_due(cast.community_a, 2027)
    assert not badge_due(cast.community_b, 2026).exists()
