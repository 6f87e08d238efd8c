"""Ranked candidates for a cadre: same community, same building, skills, then fewest current pairings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jiujin.cadres.models import HealthStatus, LivingArrangement, Tag
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.volunteers.selectors import cadre_needs, suggest_volunteers

from .helpers import make_volunteer, pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def frail_cadre(tree: Any) -> Any:
    cadre = CadreFactory(
        community=tree.community_a,
        address="东湖小区3栋2单元501",
        living_arrangement=LivingArrangement.ALONE,
        health_status=HealthStatus.POOR,
    )
    cadre.tags.add(Tag.objects.create(name="书法", org_unit=tree.district))
    return cadre


def busy(volunteer: Any, n: int) -> Any:
    for cadre in CadreFactory.create_batch(n, community=volunteer.community):
        pair(cadre, volunteer)
    return volunteer


def test_it_ranks_building_then_skills_then_load_within_the_community_first(
    tree: Any, cast: Any, frail_cadre: Any
) -> None:
    a = tree.community_a
    neighbour = busy(make_volunteer(a, name="同楼", address="东湖小区3号楼", skills=""), 2)
    nurse = make_volunteer(a, name="护士", address="东湖小区5栋", skills="医护、护理、书法")
    barber = make_volunteer(a, name="理发", address="东湖小区6栋", skills="理发、医护")
    idle = make_volunteer(a, name="空闲", address="东湖小区7栋")
    loaded = busy(make_volunteer(a, name="忙碌", address="东湖小区8栋"), 1)
    elsewhere = make_volunteer(tree.community_b, name="外社区", address="东湖小区3栋", skills="医护、护理")
    make_volunteer(a, name="不在岗", address="东湖小区3栋", active=False)
    needs = cadre_needs(frail_cadre)
    ranked = suggest_volunteers(cast.street, frail_cadre, needs=needs)
    assert [v.name for v in ranked] == [v.name for v in (neighbour, nurse, barber, idle, loaded, elsewhere)]
    assert ranked[0].same_building == 1 and ranked[0].load == 2
    assert [v.skill_score for v in ranked[1:3]] == [3, 1]
    # A community worker's pool is their own community only.
    assert elsewhere not in suggest_volunteers(cast.community_a, frail_cadre, needs=needs)
    assert suggest_volunteers(cast.community_z, frail_cadre, needs=needs) == []


def test_it_leaves_out_the_current_partner(tree: Any, cast: Any, frail_cadre: Any) -> None:
    partner = make_volunteer(tree.community_a, address="东湖小区3栋")
    other = make_volunteer(tree.community_a)
    pair(frail_cadre, partner, started_on=date(2026, 2, 1))
    assert suggest_volunteers(cast.community_a, frail_cadre, needs=[]) == [other]


def test_it_ranks_in_one_query_whatever_the_pool(
    tree: Any, cast: Any, frail_cadre: Any, django_assert_num_queries: Any
) -> None:
    for n in range(25):
        busy(make_volunteer(tree.community_a, address=f"东湖小区{n}栋", skills="医护"), n % 3)
    with django_assert_num_queries(1):
        ranked = suggest_volunteers(cast.community_a, frail_cadre, needs=["医护", "书法"])
    assert len(ranked) == 8 and ranked[0].address == "东湖小区3栋"
