from __future__ import annotations

from typing import Any

import pytest
import time_machine

from jiujin.volunteers.models import Volunteer

from .helpers import NOW, make_volunteer


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def volunteer_a(tree: Any, cast: Any) -> Volunteer:
    """小李, community A's volunteer with the `cast.volunteer` login."""
    return make_volunteer(tree.community_a, name="小李", user=cast.volunteer, address="东湖小区3栋1单元")
