"""Teams, logged contributions and the totals: atomic outings, receipts per unit, exact sums, drill-down."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jiujin.cadres.tests.factories import CadreFactory
from jiujin.contributions.models import Contribution, Outing
from jiujin.contributions.selectors import cadre_summary, unit_totals
from jiujin.contributions.services import OutingLine, outing_log, team_members_add

from .helpers import TODAY, actor, donate, log_hours, make_team

pytestmark = pytest.mark.django_db


def test_it_logs_an_outing_for_several_members_at_once(cast: Any, tree: Any, cadre_a: Any) -> None:
    other = CadreFactory(community=tree.community_a)
    team = make_team(cast.community_a, tree.community_a, [cadre_a, other])
    outing_log(
        actor=actor(cast.community_a),
        team=team,
        date=TODAY,
        title="夜间巡逻",
        lines=[OutingLine(cadre_a, Decimal("2.5")), OutingLine(other, Decimal("2"))],
    )
    rows = Contribution.objects.order_by("hours")
    assert [(r.cadre, r.kind, r.hours) for r in rows] == [
        (other, "patrol", 2),
        (cadre_a, "patrol", Decimal("2.5")),
    ]
    assert {r.outing for r in rows} == {Outing.objects.get()}


@pytest.mark.parametrize(
    "bad", ["not a member", "too many hours", "twice"], ids=["outsider", "hours", "duplicate"]
)
def test_it_writes_nothing_when_one_line_of_an_outing_is_bad(
    cast: Any, tree: Any, cadre_a: Any, bad: str
) -> None:
    other = CadreFactory(community=tree.community_a)
    team = make_team(cast.community_a, tree.community_a, [cadre_a])
    lines = [OutingLine(cadre_a, Decimal("2"))]
    lines.append(
        {
            "not a member": OutingLine(other, Decimal("2")),
            "too many hours": OutingLine(cadre_a, Decimal("25")),
            "twice": OutingLine(cadre_a, Decimal("1")),
        }[bad]
    )
    with pytest.raises(ValidationError):
        outing_log(actor=actor(cast.community_a), team=team, date=TODAY, title="巡逻", lines=lines)
    assert Outing.objects.count() == 0
    assert Contribution.objects.count() == 0


def test_it_rolls_back_the_whole_outing_when_the_database_refuses_a_row(
    cast: Any, tree: Any, cadre_a: Any, monkeypatch: Any
) -> None:
    team = make_team(cast.community_a, tree.community_a, [cadre_a])
    from django.db import IntegrityError

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("refused")

    monkeypatch.setattr(Contribution.objects, "bulk_create", refuse)
    with pytest.raises(IntegrityError):
        outing_log(
            actor=actor(cast.community_a),
            team=team,
            date=TODAY,
            title="巡逻",
            lines=[OutingLine(cadre_a, Decimal("2"))],
        )
    assert Outing.objects.count() == 0


def test_it_adds_only_cadres_of_the_teams_unit(cast: Any, tree: Any, cadre_a: Any) -> None:
    team = make_team(cast.community_a, tree.community_a, [cadre_a])
    stranger = CadreFactory(community=tree.community_b)
    with pytest.raises(ValidationError):
        team_members_add(actor=actor(cast.street), team=team, cadres=[stranger])
    street_team = make_team(cast.street, tree.street, [cadre_a], name="东湖街道巡逻队")
    assert team_members_add(actor=actor(cast.street), team=street_team, cadres=[stranger, cadre_a]) == 1


def test_it_refuses_a_receipt_number_twice_in_one_unit_but_not_in_another(
    cast: Any, tree: Any, cadre_a: Any
) -> None:
    donate(cast.community_a, cadre_a, "100", "A-001")
    neighbour = CadreFactory(community=tree.community_a)
    with pytest.raises(ValidationError) as refused:
        donate(cast.community_a, neighbour, "50", "A-001")
    assert "receipt_no" in refused.value.message_dict
    donate(cast.community_b, CadreFactory(community=tree.community_b), "50", "A-001")
    assert Contribution.objects.count() == 2


def test_it_requires_an_amount_and_receipt_for_a_donation_and_hours_for_service(
    cast: Any, cadre_a: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        donate(cast.community_a, cadre_a, "0", "")
    assert set(refused.value.message_dict) == {"amount", "receipt_no"}
    with pytest.raises(ValidationError) as refused:
        log_hours(cast.community_a, cadre_a, "0")
    assert "hours" in refused.value.message_dict


def test_it_sums_money_to_the_fen_exactly(cast: Any, tree: Any, cadre_a: Any) -> None:
    for n in range(10):
        donate(cast.community_a, cadre_a, "0.10", f"R{n}")
    donate(cast.community_a, cadre_a, "0.20", "R10")
    summary = cadre_summary(cadre_a, 2026)
    assert summary.donated == Decimal("1.20")
    totals = unit_totals(cast.community_a, tree.community_a, date(2026, 1, 1), TODAY)
    assert totals.whole.amount == Decimal("1.20")


def test_it_totals_per_unit_drilling_down_the_tree(cast: Any, tree: Any, cadre_a: Any) -> None:
    b1 = CadreFactory(community=tree.community_b)
    z1 = CadreFactory(community=tree.community_z)
    log_hours(cast.community_a, cadre_a, "2")
    log_hours(cast.community_a, cadre_a, "1.5")
    donate(cast.community_a, cadre_a, "200", "A1")
    log_hours(cast.community_b, b1, "3")
    log_hours(cast.community_z, z1, "4")
    log_hours(cast.community_a, cadre_a, "9", day=date(2025, 12, 31))  # before the period

    district = unit_totals(cast.city, tree.city, date(2026, 1, 1), TODAY)
    by_label = {r.label: r.totals for r in district.rows}
    assert by_label["黄州区"].hours == Decimal("6.5")
    assert by_label["黄州区"].people == 2
    assert by_label["麻城市"].hours == Decimal("4")
    assert district.whole.hours == Decimal("10.5")
    assert district.whole.amount == Decimal("200")

    street = unit_totals(cast.street, tree.street, date(2026, 1, 1), TODAY)
    assert [(r.label, r.totals.hours, r.totals.people) for r in street.rows] == [
        ("社区A", Decimal("3.5"), 1),
        ("社区B", Decimal("3"), 1),
    ]
    community = unit_totals(cast.community_a, tree.community_a, date(2026, 1, 1), TODAY)
    assert community.by_cadre
    assert [(r.cadre_id, r.totals.hours, r.totals.donations) for r in community.rows] == [
        (cadre_a.pk, Decimal("3.5"), 1)
    ]


def test_it_counts_only_what_the_caller_may_see(cast: Any, tree: Any, cadre_a: Any) -> None:
    log_hours(cast.community_a, cadre_a, "2")
    totals = unit_totals(cast.community_b, tree.community_b, date(2026, 1, 1), TODAY)
    assert totals.whole.hours == 0


def test_it_summarises_a_cadre_for_the_cadre_page(cast: Any, tree: Any, cadre_a: Any) -> None:
    make_team(cast.community_a, tree.community_a, [cadre_a])
    log_hours(cast.community_a, cadre_a, "2")
    log_hours(cast.community_a, cadre_a, "5", day=date(2025, 6, 1))
    summary = cadre_summary(cadre_a, 2026)
    assert [t.name for t in summary.teams] == ["社区A义务巡逻队"]
    assert summary.hours == Decimal("2")


def test_it_counts_a_teams_hours_once_whatever_its_size(cast: Any, tree: Any, cadre_a: Any) -> None:
    from jiujin.contributions.selectors import teams_listed

    other = CadreFactory(community=tree.community_a)
    team = make_team(cast.community_a, tree.community_a, [cadre_a, other])
    lines = [OutingLine(cadre_a, Decimal("2")), OutingLine(other, Decimal("2"))]
    outing_log(actor=actor(cast.community_a), team=team, date=TODAY, title="巡逻", lines=lines)
    row = teams_listed(cast.community_a, 2026).get()
    assert (row.member_count, row.hours) == (2, Decimal("4"))


def test_it_answers_a_receipt_race_with_the_same_message(cast: Any, cadre_a: Any, monkeypatch: Any) -> None:
    donate(cast.community_a, cadre_a, "100", "A-001")
    # The other worker's row arrived between our check and our insert: only the database sees it.
    monkeypatch.setattr(Contribution, "clean", lambda self: None)
    with pytest.raises(ValidationError) as refused:
        donate(cast.community_a, cadre_a, "100", "A-001")
    assert "已经登记过" in refused.value.message_dict["receipt_no"][0]
    assert Contribution.objects.count() == 1
