from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.audit.services import Actor, audit_record, audit_record_batch
from jiujin.cadres.models import LivingArrangement
from jiujin.cadres.services import FamilyContactValues, cadre_update
from jiujin.cadres.tests.factories import CadreFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/audit/"


def at(*args: int) -> time_machine.travel:
    """Freeze the clock at a Shanghai wall-clock time."""
    return time_machine.travel(datetime(*args, tzinfo=SHANGHAI), tick=False)


def view(user, cadre, detail: str = "详情页") -> AuditEvent:
    return audit_record(
        actor=Actor(user=user, ip="10.0.0.7"), action=AuditAction.VIEW, cadre=cadre, detail=detail
    )


def listed(response) -> list[int]:
    """Audit event ids in page order, read from the rendered rows."""
    return [e.pk for e in response.context["events"]]


def test_it_is_the_url_the_nav_links_to() -> None:
    assert reverse("audit:list") == URL


@pytest.mark.parametrize("who", ["city", "district", "street", "community_a"])
def test_it_forbids_everyone_but_admins(cast, client_for, who) -> None:
    assert client_for(getattr(cast, who)).get(URL).status_code == 403


def test_it_does_not_exist_for_a_volunteer(cast, client_for) -> None:
    assert client_for(cast.volunteer).get(URL).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, db) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_events_newest_first_with_local_times(cast, cadre_a, client_for) -> None:
    with at(2025, 3, 1, 9, 5):
        older = view(cast.community_a, cadre_a)
    with at(2025, 3, 2, 7, 30):
        newer = view(cast.district, cadre_a, detail="详情页（电话）")
    response = client_for(cast.admin).get(URL)
    assert response.status_code == 200
    assert listed(response) == [newer.pk, older.pk]
    html = response.content.decode()
    assert "2025-03-02 07:30:00" in html  # Shanghai time, not UTC 23:30 the day before
    assert "详情页（电话）" in html and "10.0.0.7" in html and "网页" in html
    assert reverse("cadres:detail", args=[cadre_a.pk]) in html


def test_it_filters_by_username(cast, cadre_a, client_for) -> None:
    mine = view(cast.community_a, cadre_a)
    view(cast.district, cadre_a)
    response = client_for(cast.admin).get(URL, {"user": "worker-a"})
    assert listed(response) == [mine.pk]


def test_it_filters_by_cadre_id_name_and_id_number(cast, tree, cadre_a, client_for) -> None:
    other = CadreFactory(name="王秀英", community=tree.community_b)
    mine = view(cast.community_a, cadre_a)
    view(cast.community_b, other)
    client = client_for(cast.admin)
    for params in ({"who": "张德明"}, {"who": "zdm"}, {"who": cadre_a.id_number[-6:]}, {"cadre": cadre_a.pk}):
        assert listed(client.get(URL, params)) == [mine.pk], params


def test_it_filters_by_action(cast, cadre_a, client_for) -> None:
    view(cast.community_a, cadre_a)
    export = audit_record_batch(
        actor=Actor(user=cast.street),
        action=AuditAction.EXPORT,
        cadre_ids=[cadre_a.pk],
        detail="台账导出 1 人",
    )
    response = client_for(cast.admin).get(URL, {"action": "export"})
    assert [e.batch for e in response.context["events"]] == [export]
    assert "台账导出 1 人" in response.content.decode()


def test_it_filters_by_an_inclusive_range_of_local_dates(cast, cadre_a, client_for) -> None:
    with at(2025, 3, 1, 23, 30):
        view(cast.community_a, cadre_a)
    with at(2025, 3, 2, 0, 30):  # 2025-03-01 16:30 UTC: a UTC date filter would get this wrong
        first = view(cast.community_a, cadre_a)
    with at(2025, 3, 3, 23, 59):
        last = view(cast.community_a, cadre_a)
    with at(2025, 3, 4, 0, 0):
        view(cast.community_a, cadre_a)
    client = client_for(cast.admin)
    response = client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-03"})
    assert listed(response) == [last.pk, first.pk]
    assert listed(client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"})) == [first.pk]


def test_it_rejects_a_range_that_ends_before_it_starts(cast, cadre_a, client_for) -> None:
    view(cast.community_a, cadre_a)
    response = client_for(cast.admin).get(URL, {"date_from": "2025-03-05", "date_to": "2025-03-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()


def test_it_shows_field_changes_with_labels_and_masked_numbers(cast, tree, cadre_a, client_for) -> None:
    old_id = cadre_a.id_number
    data = {
        "id_number": CadreFactory.build().id_number,
        "phone_mobile": "13900001111",
        "phone_landline": "027-87654321",
        "living_arrangement": LivingArrangement.ALONE,
        "community": tree.community_b,
        "tags": ["书法", "象棋"],
    }
    family = [FamilyContactValues(name="张小明", relation="儿子", phone="13900002222")]
    cadre_update(actor=Actor(user=cast.community_a), cadre=cadre_a, data=data, family=family)

    html = client_for(cast.admin).get(URL).content.decode()
    for secret in (old_id, cadre_a.id_number, "13871234567", "13900001111", "87654321", "13900002222"):
        assert secret not in html
    changes = re.sub(r"\s+", " ", html)
    assert f"<b>身份证号</b>：{old_id[:4]}" in changes
    assert "<b>手机</b>：138****4567 → 139****1111" in changes
    assert "<b>座机</b>：（空） → 027-******21" in changes
    assert "<b>居住状况</b>：空巢 → 独居" in changes
    assert "<b>所在社区</b>：社区A → 社区B" in changes
    assert "<b>爱好特长</b>：（空） → 书法、象棋" in changes
    assert "<b>家属联系人</b>：（空） → 张小明（儿子）139****2222" in changes


def test_it_answers_who_saw_one_cadre_on_one_page(cast, tree, cadre_a, client_for) -> None:
    other = CadreFactory(community=tree.community_a)
    with at(2025, 3, 1, 9, 0):
        view(cast.community_a, cadre_a)
        view(cast.community_a, cadre_a)
    with at(2025, 3, 2, 9, 0):
        view(cast.street, cadre_a)
        view(cast.street, other)

    client = client_for(cast.admin)
    response = client.get(URL, {"cadre": cadre_a.pk})
    people = {p["user__username"]: p["times"] for p in response.context["people"]}
    assert people == {"worker-a": 2, "street": 1}
    assert {e.cadre_id for e in response.context["events"]} == {cadre_a.pk}
    assert "张德明" in response.content.decode()
    # Opening the trail is itself a look at the record: the next visit shows the admin too.
    people = {
        p["user__username"]: p["times"] for p in client.get(URL, {"cadre": cadre_a.pk}).context["people"]
    }
    assert people == {"worker-a": 2, "street": 1, "admin": 1}


def test_it_answers_404_for_a_missing_cadre(cast, client_for, db) -> None:
    assert client_for(cast.admin).get(URL, {"cadre": 999999}).status_code == 404


def _fill(user, tree, n: int) -> None:
    """n cadres, each viewed once and edited once (with a foreign-key change to resolve)."""
    for _ in range(n):
        cadre = CadreFactory(community=tree.community_a, responsible_worker=user)
        view(user, cadre)
        data = {"community": tree.community_b, "responsible_worker": None, "tags": ["园艺"]}
        cadre_update(actor=Actor(user=user), cadre=cadre, data=data)


@pytest.mark.parametrize("n", [3, 30])
def test_it_pages_in_a_constant_number_of_queries(
    cast, tree, client_for, django_assert_max_num_queries, n
) -> None:
    _fill(cast.community_a, tree, n)
    client = client_for(cast.admin)
    # 7: the cadres' names are one query of their own since events keep only the cadre's id (audit sits
    # below cadres); one cadre's trail below needs none (its name is the focus cadre's).
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert len(response.context["events"]) == min(2 * n, 50)
    cadre = AuditEvent.objects.filter(cadre_id__isnull=False).first().cadre_id
    with django_assert_max_num_queries(9):
        client.get(URL, {"cadre": cadre, "date_from": "2000-01-01"})


def test_it_pages_by_fifty(cast, cadre_a, client_for) -> None:
    audit_record_batch(
        actor=Actor(user=cast.street),
        action=AuditAction.EXPORT,
        cadre_ids=[cadre_a.pk] * 60,
        detail="台账导出",
    )
    client = client_for(cast.admin)
    first, second = client.get(URL), client.get(URL, {"action": "export", "page": 2})
    assert len(first.context["events"]) == 50 and len(second.context["events"]) == 10
    assert "page=2" in first.content.decode() and "action=export" in second.content.decode()
