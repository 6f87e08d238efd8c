from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from jiujin.volunteers.models import Pairing, Volunteer

TODAY = date(2026, 3, 18)  # a Wednesday
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def paired(cadre_a: Any, tree: Any, cast: Any) -> Any:
    """cadre_a paired with the cast's volunteer, who then sees cadre_a (and no other cadre)."""
    volunteer = Volunteer.objects.create(
        name="小刘", phone="13900000000", community=tree.community_a, user=cast.volunteer
    )
    return Pairing.objects.create(cadre=cadre_a, volunteer=volunteer, started_on=TODAY)
