from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jiujin.audit.services import Actor
from jiujin.servicerequests.services import Assignee, service_request_transition
from jiujin.servicerequests.tests.helpers import make_request

pytestmark = pytest.mark.django_db


def test_it_refuses_to_dispatch_to_a_worker_who_cannot_see_the_cadre(cast: Any, cadre_a: Any) -> None:
    request = make_request(cast.street, cadre_a)

    with pytest.raises(ValidationError) as refused:
        service_request_transition(
            actor=Actor(user=cast.street),
            request=request,
            state="dispatched",
            assignee=Assignee(user=cast.community_b),
        )

    assert "看不到这位老干部" in str(refused.value)
    request.refresh_from_db()
    assert request.state == "received"
    service_request_transition(
        actor=Actor(user=cast.street),
        request=request,
        state="dispatched",
        assignee=Assignee(user=cast.community_a),
    )
    request.refresh_from_db()
    assert request.state == "dispatched"
