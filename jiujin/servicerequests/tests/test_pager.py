"""The shared pager (templates/includes/pager.html) on the service-request list: page links keep the filters."""

from __future__ import annotations

from typing import Any

import pytest

from jiujin.core.tests.pager import pager_links

from .helpers import make_cadres, make_request

pytestmark = pytest.mark.django_db


def test_it_keeps_the_filters_in_the_page_links(client_for: Any, cast: Any, tree: Any) -> None:
    for cadre in make_cadres(31, tree.community_a, cast.community_a):
        make_request(cast.community_a, cadre, urgency="normal", category="haircut")
    make_request(cast.community_a, make_cadres(1, tree.community_a, cast.community_a)[0])  # filtered out
    client = client_for(cast.community_a)
    filters = {"category": "haircut", "state": "received", "overdue": "false"}

    html = client.get("/requests/", filters).content.decode()
    assert pager_links(html) == {"下一页": {key: [value] for key, value in filters.items()} | {"page": ["2"]}}
    second = client.get("/requests/", filters | {"page": 2}).content.decode()
    assert pager_links(second) == {
        "上一页": {key: [value] for key, value in filters.items()} | {"page": ["1"]}
    }
