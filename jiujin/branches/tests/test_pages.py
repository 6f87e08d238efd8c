from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.branches.models import BadgeAward, Branch, BranchMeeting, DuesCharge, DuesRule, Membership
from jiujin.branches.services import dues_charges_create, pension_set
from jiujin.cadres.models import WorkUnit
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.events.models import Attendance

from .helpers import actor, make_branch, make_member

pytestmark = pytest.mark.django_db
NOON = "2026-09-10 12:00 +08:00"


@pytest.fixture
def branch(tree: Any, cadre_a: Any) -> Branch:
    b = make_branch(tree.community_a, name="社区A第一党支部")
    make_member(b, cadre_a, party=date(1975, 3, 1), role="secretary")
    return b


def test_it_shows_the_list_and_detail_to_the_chain_with_bounded_queries(
    client_for: Any, cast: Any, tree: Any, branch: Branch, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        b = make_branch(tree.community_a)
        for _ in range(3):
            make_member(b)
    client = client_for(cast.street)
    with django_assert_max_num_queries(12):
        page = client.get("/branches/")
    assert (
        page.status_code == 200
        and "社区A第一党支部" in page.content.decode()
        and "张德明" in page.content.decode()
    )
    with django_assert_max_num_queries(20):
        detail = client.get(f"/branches/{branch.pk}/")
    assert detail.status_code == 200 and "张德明" in detail.content.decode()


def test_it_hides_branches_from_outsiders(client_for: Any, cast: Any, branch: Branch) -> None:
    m = Membership.objects.get(branch=branch)
    for user in cast.outsiders():
        client = client_for(user)
        assert "社区A第一党支部" not in client.get("/branches/").content.decode()
        assert client.get(f"/branches/{branch.pk}/").status_code == 404
        assert client.get(f"/branches/{branch.pk}/dues/").status_code == 404
        assert (
            client.post(
                f"/branches/members/{m.pk}/end/", {"left_on": "2026-01-01", "reason": "other"}
            ).status_code
            == 404
        )
    assert Membership.objects.get(pk=m.pk).left_on is None


def test_it_shows_a_work_unit_branch_through_its_members_communities(
    client_for: Any, cast: Any, tree: Any, cadre_a: Any
) -> None:
    unit = WorkUnit.objects.create(name="市财政局")
    b = Branch.objects.create(name="市财政局离退休党支部", org_unit=tree.district_z, work_unit=unit)
    other = make_member(b, CadreFactory(community=tree.community_z)).cadre
    assert client_for(cast.community_a).get(f"/branches/{b.pk}/").status_code == 404
    make_member(b, cadre_a)
    body = client_for(cast.community_a).get(f"/branches/{b.pk}/").content.decode()
    assert (
        "张德明" in body and other.name not in body and "另有 1 名" in body.replace("另有 1 人", "另有 1 名")
    )


def test_it_adds_transfers_and_ends_members_from_the_pages(
    client_for: Any, cast: Any, tree: Any, branch: Branch
) -> None:
    client = client_for(cast.community_a)
    newcomer = CadreFactory(community=tree.community_a)
    r = client.post(f"/branches/{branch.pk}/members/new/",
                    {"cadre": newcomer.pk, "joined_on": "2026-01-05", "joined_party_on": "1985-07-01", "role": "member"})  # fmt: skip
    assert r.status_code == 302
    m = Membership.objects.get(cadre=newcomer)
    other = make_branch(tree.community_a)
    client.post(f"/branches/members/{m.pk}/transfer/", {"to_branch": other.pk, "on": "2026-02-01"})
    assert Membership.objects.filter(cadre=newcomer).count() == 2
    moved = Membership.objects.get(cadre=newcomer, left_on__isnull=True)
    client.post(f"/branches/members/{moved.pk}/end/", {"left_on": "2026-03-01", "reason": "moved"})
    assert not Membership.objects.filter(cadre=newcomer, left_on__isnull=True).exists()
    assert "组织关系变动" in client.get(f"/branches/{other.pk}/").content.decode()


def test_it_refuses_member_changes_without_manage_cadres(client_for: Any, cast: Any, branch: Branch) -> None:
    assert client_for(cast.city).get(f"/branches/{branch.pk}/members/new/").status_code == 403


def test_it_shows_pensions_only_to_who_may_see_them_and_audits_the_look(
    client_for: Any, cast: Any, branch: Branch, cadre_a: Any
) -> None:
    pension_set(
        actor=actor(cast.community_a),
        cadre=cadre_a,
        amount=Decimal("6123.45"),
        effective_from=date(2026, 1, 1),
    )
    assert client_for(cast.street).get(f"/branches/{branch.pk}/pensions/").status_code == 403
    page = client_for(cast.community_a).get(f"/branches/{branch.pk}/pensions/")
    assert "6123.45" in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, cadre_id=cadre_a.pk, detail__contains="离退休费"
    ).exists()


@time_machine.travel(NOON, tick=False)
def test_it_charges_pays_and_exports_the_ledger_formula_safe(
    client_for: Any, cast: Any, branch: Branch, cadre_a: Any
) -> None:
    cadre_a.name = "=HYPERLINK(1)"
    cadre_a.save(update_fields=["name"])
    pension_set(
        actor=actor(cast.community_a), cadre=cadre_a, amount=Decimal("6000"), effective_from=date(2026, 1, 1)
    )
    client = client_for(cast.community_a)
    assert client.post(f"/branches/{branch.pk}/dues/charge/", {"month": "2026-08"}).status_code == 302
    charge = DuesCharge.objects.get(cadre=cadre_a)
    assert charge.amount_due == Decimal("60.00")
    assert "欠缴" in client.get(f"/branches/{branch.pk}/dues/").content.decode()
    client.post(
        f"/branches/{branch.pk}/dues/pay/",
        {"charges": [charge.pk], "paid_on": "2026-09-01", "receipt_no": "A-1"},
    )
    charge.refresh_from_db()
    assert (charge.amount_paid, charge.receipt_no) == (Decimal("60.00"), "A-1")
    response = client_for(cast.street).get(f"/branches/{branch.pk}/dues/export/?year=2026")
    ws = load_workbook(BytesIO(response.content)).active
    row = [c.value for c in ws[2]]
    assert ws["B2"].data_type == "s" and ws["B2"].quotePrefix  # text, never a formula
    assert row[4] == "***"  # the street sees no pensions
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, cadre_id=cadre_a.pk).exists()


def test_it_lets_district_users_edit_dues_rules_and_no_one_else(
    client_for: Any, cast: Any, tree: Any
) -> None:
    data = {"org_unit": tree.district.pk, "name": "黄州区标准", "effective_from": "2026-01-01",
            "rounding": "half_up", "brackets": "0, 0.5\n5000, 1"}  # fmt: skip
    assert client_for(cast.community_a).post("/branches/dues-rules/", data).status_code == 403
    assert client_for(cast.district).post("/branches/dues-rules/", data).status_code == 302
    rule = DuesRule.objects.get(org_unit=tree.district)
    assert [(b.above, b.rate_percent) for b in rule.brackets.all()] == [
        (0, Decimal("0.50")),
        (5000, Decimal("1.00")),
    ]
    data_z = {**data, "org_unit": tree.district.pk}
    assert client_for(cast.community_z).post("/branches/dues-rules/", data_z).status_code == 403


@time_machine.travel(NOON, tick=False)
def test_it_lists_and_awards_the_50_year_badge_and_exports_the_list(
    client_for: Any, cast: Any, branch: Branch, cadre_a: Any
) -> None:
    client = client_for(cast.community_a)
    assert "张德明" in client.get("/branches/honours/?year=2026").content.decode()
    export = client.get("/branches/honours/export/?year=2026")
    assert load_workbook(BytesIO(export.content)).active["B2"].value == "张德明"
    outsider = client_for(cast.community_b)
    assert "张德明" not in outsider.get("/branches/honours/?year=2026").content.decode()
    client_for(cast.community_a).post(
        "/branches/honours/award/?year=2026", {"cadre": cadre_a.pk, "awarded_on": "2026-07-01"}
    )
    assert BadgeAward.objects.get(cadre=cadre_a).year == 2026
    outsider = client_for(cast.community_b)
    outsider.post("/branches/honours/award/?year=2026", {"cadre": cadre_a.pk, "awarded_on": "2026-07-01"})
    assert BadgeAward.objects.count() == 1


@time_machine.travel(NOON, tick=False)
def test_it_records_a_meeting_as_an_event_with_attendance_and_flags_what_is_missing(
    client_for: Any, cast: Any, branch: Branch, cadre_a: Any
) -> None:
    client = client_for(cast.community_a)
    r = client.post(f"/branches/{branch.pk}/meetings/new/",
                    {"kind": "theme_day", "title": "九月主题党日", "day": "2026-09-05", "start": "09:00", "hours": "2"})  # fmt: skip
    assert r.status_code == 302
    meeting = BranchMeeting.objects.get()
    client.post(f"/branches/meetings/{meeting.pk}/attend/", {"cadre": [cadre_a.pk]})
    client.post(f"/branches/meetings/{meeting.pk}/attend/", {"cadre": [cadre_a.pk]})
    assert Attendance.objects.filter(event=meeting.event).count() == 1
    body = client.get(f"/branches/{branch.pk}/").content.decode()
    assert "到会 1 人" in body and "缺 7 次" in body  # 主题党日: 8 months over, 1 held
    assert client_for(cast.community_b).get(f"/branches/meetings/{meeting.pk}/").status_code == 404


def test_it_shows_the_party_panel_on_the_cadre_page(
    client_for: Any, cast: Any, branch: Branch, cadre_a: Any
) -> None:
    dues_charges_create(actor=actor(cast.community_a), branch=branch, month=date(2026, 1, 1))
    body = client_for(cast.community_a).get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert "党组织关系" in body and "社区A第一党支部" in body
