"""The dispatch history shows each state once: a rating is no second "完成"."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor
from jiujin.servicerequests.models import ServiceRequestEvent
from jiujin.servicerequests.services import service_request_rate

from .helpers import NOW, make_request, move

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def timeline(page: str) -> str:
    return page[page.index('class="sr-timeline"') : page.index("</ol>")]


def completed(cast: Any, cadre: Any) -> Any:
    request = make_request(cast.community_a, cadre)
    for state in ["dispatched", "arrived", "completed"]:
        move(cast.community_a, request, state)
    return request


def test_it_shows_completion_once_however_often_it_is_rated(cast: Any, cadre_a: Any, client_for: Any) -> None:
    cast.community_a.first_name = "张丽"
    cast.community_a.save(update_fields=["first_name"])
    request = completed(cast, cadre_a)
    client = client_for(cast.community_a)
    client.post(f"/requests/{request.pk}/rate/", {"satisfaction": "fair", "comment": "来得晚"})
    client.post(f"/requests/{request.pk}/rate/", {"satisfaction": "satisfied"})  # 修改评价
    assert list(request.events.values_list("state", flat=True)) == [
        "received",
        "dispatched",
        "arrived",
        "completed",
    ]
    page = client.get(f"/requests/{request.pk}/").content.decode()
    assert timeline(page).count("<b>完成</b>") == 1
    assert "满意" in page  # the rating is shown beside the history
    # Who rated, and what changed, is in the audit log instead.
    ratings = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, detail__startswith=f"评价服务工单 #{request.pk}"
    )
    assert ratings.count() == 2 and ratings.order_by("id").last().changes["satisfaction"] == [
        "fair",
        "satisfied",
    ]


def test_it_leaves_out_the_second_completion_an_older_release_wrote(
    cast: Any, cadre_a: Any, client_for: Any
) -> None:
    request = completed(cast, cadre_a)
    service_request_rate(actor=Actor(user=cast.community_a), request=request, satisfaction="satisfied")
    ServiceRequestEvent.objects.create(
        request=request, state="completed", actor=cast.community_a, note="评价：满意"
    )
    page = client_for(cast.community_a).get(f"/requests/{request.pk}/").content.decode()
    assert timeline(page).count("<b>完成</b>") == 1 and "评价：满意" not in timeline(page)
