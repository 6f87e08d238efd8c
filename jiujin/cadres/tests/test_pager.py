"""The shared pager (templates/includes/pager.html) on the cadre list: page links keep every filter."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jiujin.cadres.models import Category, HealthStatus
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.core.tests.pager import pager_links

pytestmark = pytest.mark.django_db

LIST = reverse("cadres:list")
FILTERS = {"category": "lixiu", "health": "poor", "status": "all"}


def test_it_keeps_every_filter_in_the_page_links(client_for: Any, cast: Any, tree: Any) -> None:
    CadreFactory.create_batch(
        61, community=tree.community_a, category=Category.LIXIU, health_status=HealthStatus.POOR
    )
    CadreFactory.create_batch(5, community=tree.community_a, category=Category.TUIXIU)  # filtered out
    client = client_for(cast.community_a)
    wanted = {key: [value] for key, value in FILTERS.items()}

    first = pager_links(client.get(LIST, FILTERS).content.decode())
    assert first == {"下一页": wanted | {"page": ["2"]}}
    middle = pager_links(client.get(LIST, FILTERS | {"page": 2}).content.decode())
    assert middle == {"上一页": wanted | {"page": ["1"]}, "下一页": wanted | {"page": ["3"]}}


def test_it_keeps_the_filters_in_the_page_links_of_a_search_partial(
    client_for: Any, cast: Any, tree: Any
) -> None:
    # The search box refreshes only #results through htmx; its pager must keep the query it was asked with.
    CadreFactory.create_batch(31, community=tree.community_a, category=Category.LIXIU)
    response = client_for(cast.community_a).get(LIST, {"category": "lixiu"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'hx-target="#results"' in html
    assert pager_links(html) == {"下一页": {"category": ["lixiu"], "page": ["2"]}}
