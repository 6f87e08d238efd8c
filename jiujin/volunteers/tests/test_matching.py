"""Building numbers in addresses and the keywords a cadre's situation asks of a volunteer."""

from __future__ import annotations

import pytest

from jiujin.volunteers.matching import building_of, matched_skills, needs_of


@pytest.mark.parametrize(
    ("address", "building"),
    [
        ("东湖小区3栋2单元501", "3"),
        ("东湖小区3号楼", "3"),
        ("东湖小区 ３号楼", "3"),  # full-width digit typed by an IME
        ("东湖小区三栋", "3"),
        ("东湖小区十二幢", "12"),
        ("东湖小区二十三栋", "23"),
        ("东湖小区13栋", "13"),
        ("东湖小区3-2-501", "3"),
        ("黄州区东湖路12号", ""),
        ("黄州区东湖路12号3楼", ""),  # a bare 楼 is a floor, not a building
        ("", ""),
    ],
)
def test_it_reads_the_building_number_from_an_address(address: str, building: str) -> None:
    assert building_of(address) == building


def test_it_derives_needs_from_health_living_and_hobbies() -> None:
    needs = needs_of(
        living_arrangement="alone", health_status="poor", chronic_conditions=["高血压"], tag_names=["书法"]
    )
    assert needs[:4] == ["医护", "护理", "陪诊", "康复"]
    assert "家务" in needs and needs[-1] == "书法"
    assert len(needs) == len(set(needs))
    assert (
        needs_of(
            living_arrangement="with_children", health_status="good", chronic_conditions=[], tag_names=[]
        )
        == []
    )


def test_it_lists_the_needs_a_volunteer_covers() -> None:
    assert matched_skills("理发、医护、书法", ["医护", "陪诊", "书法"]) == ["医护", "书法"]
