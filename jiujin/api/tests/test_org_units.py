from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def codes(api):
    response = api.get("/org-units")
    assert response.status_code == 200
    return {row["code"] for row in response.json()}


def test_it_lists_every_unit_for_the_admin(cast, api_as):
    assert len(codes(api_as(cast.admin))) == 8


def test_it_lists_a_street_with_its_communities(cast, tree, api_as):
    rows = api_as(cast.street).get("/org-units").json()

    assert rows == [
        {"code": "421102001", "name": "东湖街道", "level": "street", "parent": "421102"},
        {"code": "421102001001", "name": "社区A", "level": "community", "parent": "421102001"},
        {"code": "421102001002", "name": "社区B", "level": "community", "parent": "421102001"},
    ]


def test_it_lists_the_city_root_without_a_parent(cast, api_as):
    rows = api_as(cast.city).get("/org-units").json()

    assert rows[0] == {"code": "4211", "name": "黄冈市", "level": "city", "parent": None}


@pytest.mark.parametrize(
    "who,expected",
    [("community_b", {"421102001002"}), ("community_z", {"421181001001"})],
)
def test_it_limits_outsiders_to_their_own_subtree(cast, api_as, who, expected):
    assert codes(api_as(getattr(cast, who))) == expected


def test_it_lists_no_units_to_a_volunteer(cast, api_as):
    assert api_as(cast.volunteer).get("/org-units").status_code == 404
