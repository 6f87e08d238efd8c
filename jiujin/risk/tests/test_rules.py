"""The care-level rule, one reason at a time, on a frozen day; the frequencies and the district override."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.risk.models import CadreRisk, ContactFrequency, Level, Reason, reason_labels
from jiujin.risk.selectors import due_this_week, risk_figures
from jiujin.risk.services import daily_job, risk_recompute

from .helpers import born, cadre, contact, family_event, hospital

TODAY = date(2026, 6, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


def placed(c: Any) -> CadreRisk:
    risk_recompute(today=TODAY)
    return CadreRisk.objects.get(cadre=c)


def test_it_places_80_on_the_birthday_and_not_the_day_before(tree: Any) -> None:
    on = cadre(tree.community_a, birth_date=born(TODAY, 80))
    before = cadre(tree.community_a, birth_date=born(TODAY, 80, days_later=1))
    contact(on, TODAY)
    contact(before, TODAY)
    risk_recompute(today=TODAY)
    assert CadreRisk.objects.get(cadre=on).reasons & Reason.AGE_80
    assert CadreRisk.objects.get(cadre=on).level == Level.PRIORITY
    assert not CadreRisk.objects.get(cadre=before).reasons & Reason.AGE_80


def test_it_makes_80_and_alone_high(tree: Any) -> None:
    c = cadre(tree.community_a, birth_date=born(TODAY, 80), living_arrangement="alone")
    risk = placed(c)
    assert risk.level == Level.HIGH
    assert {"80岁以上", "独居"} <= set(risk.reason_labels)


def test_it_makes_90_and_empty_nest_high_but_80_empty_nest_priority(tree: Any) -> None:
    c90 = cadre(tree.community_a, birth_date=born(TODAY, 90), living_arrangement="empty_nest")
    c80 = cadre(tree.community_a, birth_date=born(TODAY, 85), living_arrangement="empty_nest")
    risk_recompute(today=TODAY)
    assert CadreRisk.objects.get(cadre=c90).level == Level.HIGH
    assert CadreRisk.objects.get(cadre=c80).level == Level.PRIORITY


def test_it_makes_disabled_high_and_poor_health_priority(tree: Any) -> None:
    disabled = cadre(tree.community_a, health_status="disabled")
    poor = cadre(tree.community_a, health_status="poor")
    for c in (disabled, poor):
        contact(c, TODAY)
    risk_recompute(today=TODAY)
    assert CadreRisk.objects.get(cadre=disabled).level == Level.HIGH
    assert CadreRisk.objects.get(cadre=poor).level == Level.PRIORITY
    assert reason_labels(CadreRisk.objects.get(cadre=poor).reasons) == ["健康较差"]


def test_it_counts_a_hospital_stay_for_30_then_90_days(tree: Any) -> None:
    old_alone = cadre(tree.community_a, birth_date=born(TODAY, 82), living_arrangement="with_children")
    young = cadre(tree.community_a)
    contact(young, TODAY)
    hospital(old_alone, TODAY - timedelta(days=40), TODAY - timedelta(days=30))
    hospital(young, TODAY - timedelta(days=100), TODAY - timedelta(days=90))
    risk_recompute(today=TODAY)
    assert CadreRisk.objects.get(cadre=old_alone).level == Level.HIGH  # discharged 30 days ago, 80+
    assert CadreRisk.objects.get(cadre=young).level == Level.PRIORITY  # 90 days: still recent
    assert CadreRisk.objects.get(cadre=young).reasons == Reason.HOSPITAL_90
    risk_recompute(today=TODAY + timedelta(days=1))
    assert CadreRisk.objects.get(cadre=young).level == Level.GENERAL


def test_it_counts_a_stay_still_open_and_a_hospital_event(tree: Any) -> None:
    open_stay = cadre(tree.community_a)
    event_only = cadre(tree.community_a)
    hospital(open_stay, TODAY - timedelta(days=200))
    family_event(event_only, TODAY - timedelta(days=60), kind="hospitalised")
    risk_recompute(today=TODAY)
    assert CadreRisk.objects.get(cadre=open_stay).reasons & Reason.HOSPITAL_30
    assert CadreRisk.objects.get(cadre=event_only).reasons & Reason.HOSPITAL_90


def test_it_counts_a_family_event_and_not_a_special_situation(tree: Any) -> None:
    alone = cadre(tree.community_a, living_arrangement="alone")
    other = cadre(tree.community_a)
    contact(other, TODAY)
    family_event(alone, TODAY - timedelta(days=10))
    family_event(other, TODAY - timedelta(days=10), kind="special")
    risk_recompute(today=TODAY)
    risk = CadreRisk.objects.get(cadre=alone)
    assert risk.level == Level.HIGH and risk.reasons & Reason.BEREAVED_30
    assert risk.family_event_on == TODAY - timedelta(days=10)
    assert CadreRisk.objects.get(cadre=other).level == Level.GENERAL


def test_it_marks_no_activity_for_six_months(tree: Any) -> None:
    c = cadre(tree.community_a)
    risk = placed(c)
    assert risk.reasons == Reason.INACTIVE and risk.level == Level.PRIORITY


def test_it_is_idempotent_and_drops_closed_files(tree: Any) -> None:
    c = cadre(tree.community_a)
    other = cadre(tree.community_a)
    assert risk_recompute(today=TODAY) == 2
    risk_recompute(today=TODAY)
    assert CadreRisk.objects.count() == 2
    type(other).objects.filter(pk=other.pk).update(status="deceased")
    risk_recompute(today=TODAY)
    assert list(CadreRisk.objects.values_list("cadre", flat=True)) == [c.pk]
    assert daily_job(TODAY, None).startswith("风险关爱：高风险 0 人，重点 1 人")


def test_it_is_due_by_frequency_and_a_day_after_a_family_event(tree: Any, cast: Any) -> None:
    high = cadre(tree.community_a, cast.community_a, health_status="disabled")
    priority = cadre(tree.community_a, cast.community_a, health_status="poor")
    general = cadre(tree.community_a, cast.community_a)
    bereaved = cadre(tree.community_a, cast.community_a)
    contact(high, TODAY - timedelta(days=1))  # due in 6 days: this week
    contact(priority, TODAY - timedelta(days=20))  # due in 10 days: not this week
    contact(general, TODAY - timedelta(days=10))
    contact(bereaved, TODAY - timedelta(days=5))
    family_event(bereaved, TODAY - timedelta(days=2))  # after the last contact: due the next day
    risk_recompute(today=TODAY)
    rows, total = due_this_week(cast.community_a, TODAY)
    assert [r.cadre.pk for r in rows] == [high.pk, bereaved.pk] and total == 2
    assert rows[0].due_on == TODAY + timedelta(days=6)
    assert rows[1].due_on == TODAY - timedelta(days=1)
    contact(bereaved, TODAY)  # a live contact drops them at once
    assert [r.cadre.pk for r in due_this_week(cast.community_a, TODAY)[0]] == [high.pk]


def test_it_reads_the_district_frequencies_inherited_down_the_tree(tree: Any, cast: Any) -> None:
    c = cadre(tree.community_a, cast.community_a, health_status="poor")
    contact(c, TODAY - timedelta(days=14))
    risk_recompute(today=TODAY)
    assert due_this_week(cast.community_a, TODAY)[1] == 0  # monthly: due in 16 days
    ContactFrequency.objects.create(org_unit=tree.district, priority_days=14)
    assert due_this_week(cast.community_a, TODAY)[1] == 1
    assert risk_figures([tree.community_a.pk], TODAY) == {tree.community_a.pk: (1, 0)}
    ContactFrequency.objects.create(org_unit=tree.community_a, priority_days=30)  # the nearest unit wins
    assert due_this_week(cast.community_a, TODAY)[1] == 0
    assert risk_figures([tree.community_a.pk], TODAY) == {tree.community_a.pk: (1, 1)}


def test_it_counts_at_risk_contacted_on_time_per_community(tree: Any) -> None:
    on_time = cadre(tree.community_a, health_status="disabled")
    late = cadre(tree.community_a, living_arrangement="alone")
    never = cadre(tree.community_b, health_status="poor")
    general = cadre(tree.community_a)
    contact(on_time, TODAY - timedelta(days=6))
    contact(late, TODAY - timedelta(days=30))
    contact(general, TODAY)
    risk_recompute(today=TODAY)
    figures = risk_figures([tree.community_a.pk, tree.community_b.pk, tree.community_z.pk], TODAY)
    assert figures == {tree.community_a.pk: (2, 1), tree.community_b.pk: (1, 0)}
    assert never
