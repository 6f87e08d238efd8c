from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jiujin.audit.services import Actor
from jiujin.cadres.models import CadreStatus
from jiujin.cadres.services import cadre_change_status
from jiujin.volunteers.tests.helpers import make_volunteer, pair

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [CadreStatus.DECEASED, CadreStatus.MOVED_OUT])
def test_it_ends_the_pairing_when_the_file_is_closed(
    tree: Any, cast: Any, cadre_a: Any, client_for: Any, status: str
) -> None:
    volunteer = make_volunteer(tree.community_a, user=cast.volunteer)
    pairing = pair(cadre_a, volunteer)
    page = client_for(cast.volunteer)
    assert page.get(f"/volunteers/me/cadres/{cadre_a.pk}/").status_code == 200

    cadre_change_status(
        actor=Actor(user=cast.community_a), cadre=cadre_a, status=status, on=date(2026, 11, 30), reason=""
    )

    pairing.refresh_from_db()
    assert pairing.ended_on == date(2026, 11, 30)
    assert page.get(f"/volunteers/me/cadres/{cadre_a.pk}/").status_code == 404
    assert cadre_a.phone_mobile not in page.get("/volunteers/me/").content.decode()
