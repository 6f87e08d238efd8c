"""The service directory: inheritance down the tree, overrides and hiding, and its pages' scoping."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.directory.models import DirectoryEntry, EntryKind
from jiujin.directory.selectors import directories_for, directory_for

from .conftest import entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbers(tree: Any) -> dict[str, DirectoryEntry]:
    return {
        "hotline": entry(tree.district, EntryKind.HOTLINE, "黄州区老干部热线", "0713-8000001", key="hotline"),
        "health": entry(
            tree.street, EntryKind.HEALTH_STATION, "东湖卫生服务站", "0713-8000002", key="health"
        ),
        "barber": entry(tree.street, EntryKind.BARBER, "街道理发点", "13600000001", key="barber"),
        "z": entry(tree.community_z, EntryKind.PROPERTY, "鼓楼物业", "0713-9000000", key="property"),
    }


def names(resolved: list[Any]) -> list[str]:
    return [r.entry.name for r in resolved]


def test_it_inherits_ancestors_entries_in_card_order(tree: Any, numbers: Any) -> None:
    assert names(directory_for(tree.community_a)) == ["黄州区老干部热线", "东湖卫生服务站", "街道理发点"]
    assert all(r.inherited for r in directory_for(tree.community_a))
    assert names(directory_for(tree.community_z)) == ["鼓楼物业"]  # another district's numbers stay there


def test_it_lets_a_lower_unit_override_or_hide_an_ancestors_entry(tree: Any, numbers: Any) -> None:
    entry(tree.community_a, EntryKind.HEALTH_STATION, "社区A卫生室", "0713-8111111", key="health")
    entry(tree.community_a, EntryKind.BARBER, "街道理发点", "", key="barber", hidden=True)
    resolved = directory_for(tree.community_a)
    assert names(resolved) == ["黄州区老干部热线", "社区A卫生室"]
    assert [r.inherited for r in resolved] == [True, False]
    # The sibling community still sees the street's entries.
    assert names(directory_for(tree.community_b)) == ["黄州区老干部热线", "东湖卫生服务站", "街道理发点"]


def test_it_resolves_in_one_query(tree: Any, numbers: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        directory_for(tree.community_a)
    with django_assert_num_queries(1):
        found = directories_for([tree.community_a, tree.community_b, tree.community_z])
    assert names(found[tree.community_z.pk]) == ["鼓楼物业"]


def test_it_shows_the_effective_directory_to_the_units_chain_only(
    tree: Any, cast: Any, numbers: Any, client_for: Any
) -> None:
    url = f"/directory/{tree.community_a.code}/"
    page = client_for(cast.community_a).get(url)
    assert page.status_code == 200
    assert "东湖卫生服务站" in page.content.decode() and "0713-8000002" in page.content.decode()
    for outsider in (cast.community_b, cast.community_z):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).get(f"/directory/{tree.community_a.code}/edit/").status_code == 404
        assert client_for(outsider).get(f"/directory/{tree.community_a.code}/cards/").status_code == 404


def test_it_lets_managers_of_the_unit_or_above_edit_and_refuses_others(
    tree: Any, cast: Any, client_for: Any
) -> None:
    url = f"/directory/{tree.community_a.code}/entries/new/"
    data = {
        "kind": "property",
        "name": "幸福家园物业",
        "phones": "0713-1234567 13800001111",
        "hours": "",
        "note": "",
        "order": 1,
    }
    assert client_for(cast.city).post(url, data).status_code == 403  # sees it, may not manage
    assert client_for(cast.community_b).post(url, data).status_code == 404
    assert client_for(cast.street).post(url, data).status_code == 302
    saved = DirectoryEntry.objects.get(org_unit=tree.community_a)
    assert saved.phones == "0713-1234567、13800001111"
    bad = client_for(cast.community_a).post(url, data | {"phones": "打电话"})
    assert "电话格式不正确" in bad.content.decode()


def test_it_overrides_and_hides_from_the_edit_page(
    tree: Any, cast: Any, numbers: Any, client_for: Any
) -> None:
    client = client_for(cast.community_a)
    code = tree.community_a.code
    page = client.get(f"/directory/{code}/edit/").content.decode()
    assert "东湖卫生服务站" in page and "覆盖" in page
    form = client.get(f"/directory/{code}/entries/new/?override=health").content.decode()
    assert "0713-8000002" in form  # prefilled from the street's entry
    data = {
        "override": "health",
        "kind": "health_station",
        "name": "社区A卫生室",
        "phones": "0713-8111111",
        "hours": "",
        "note": "",
        "order": 1,
    }
    assert client.post(f"/directory/{code}/entries/new/", data).status_code == 302
    assert client.post(f"/directory/{code}/hide/", {"key": "barber"}).status_code == 302
    assert names(directory_for(tree.community_a)) == ["黄州区老干部热线", "社区A卫生室"]
    own = DirectoryEntry.objects.get(org_unit=tree.community_a, key="barber")
    assert client.post(f"/directory/{code}/entries/{own.pk}/delete/").status_code == 302
    assert "街道理发点" in names(directory_for(tree.community_a))  # un-hidden
    # Another unit's entry cannot be edited through this unit's URL.
    assert client.get(f"/directory/{code}/entries/{numbers['health'].pk}/").status_code == 404
