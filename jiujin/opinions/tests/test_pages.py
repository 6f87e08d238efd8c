"""The opinion pages: the board (overdue on top, query count pinned), record, answer, rate, the 转办单,
the ledger, the stats, the homes and the cadre page."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from jiujin.audit.models import AuditEvent
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.opinions.models import Opinion
from jiujin.opinions.services import opinions_escalate

from .helpers import NOW, answer, at, make_opinion


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as clock:
        yield clock


def test_it_puts_overdue_on_top_then_the_soonest_due(
    client_for: Any, frozen: Any, cast: Any, cadre_a: Any
) -> None:
    late = make_opinion(cast.community_a, cadre_a, content="逾期的")
    frozen.move_to(at(date(2026, 9, 20)))
    soon = make_opinion(cast.community_a, cadre_a, content="新的", raised_on=date(2026, 9, 10))
    later = make_opinion(cast.community_a, cadre_a, content="最新的")
    answered = make_opinion(cast.community_a, cadre_a, content="已答复的")
    answer(cast.community_a, answered)
    response = client_for(cast.community_a).get("/opinions/")
    rows = [o.pk for o, _state in response.context["rows"]]
    assert rows == [late.pk, soon.pk, later.pk]
    assert response.context["rows"][0][1] == "overdue"
    assert "已逾期" in response.content.decode()


def test_it_pins_the_boards_queries(
    client_for: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    cadres = CadreFactory.create_batch(5, community=tree.community_a, responsible_worker=cast.community_a)
    for cadre in cadres:
        make_opinion(cast.community_a, cadre)
    for user in (cast.community_a, cast.street, cast.district):
        client = client_for(user)
        client.get("/opinions/")  # the session and the user's scope are warm
        with django_assert_max_num_queries(10):
            response = client.get("/opinions/?state=all")
        assert len(response.context["rows"]) == 5


def test_it_filters_by_route_and_unit(client_for: Any, tree: Any, cast: Any, cadre_a: Any) -> None:
    party = make_opinion(cast.community_a, cadre_a, route_to="party_org")
    make_opinion(cast.community_a, cadre_a, route_to="bureau")
    client = client_for(cast.street)
    rows = client.get("/opinions/?route=party_org").context["rows"]
    assert [o.pk for o, _ in rows] == [party.pk]
    assert client.get(f"/opinions/?unit={tree.community_b.code}").context["rows"] == []
    assert client.get(f"/opinions/?unit={tree.community_z.code}").status_code == 404


def test_it_records_from_the_cadre_page(client_for: Any, cast: Any, cadre_a: Any) -> None:
    client = client_for(cast.community_a)
    page = client.get(f"/cadres/{cadre_a.pk}/").content.decode()
    assert f"/opinions/new/?cadre={cadre_a.pk}" in page
    assert client.get(f"/opinions/new/?cadre={cadre_a.pk}").status_code == 200
    response = client.post(
        "/opinions/new/",
        {
            "cadre": cadre_a.pk,
            "source": "family",
            "category": "medical",
            "content": "想就近看病",
            "route_to": "bureau",
        },
    )
    opinion = Opinion.objects.get()
    assert response.status_code == 302 and response.url == f"/opinions/{opinion.pk}/"
    assert (opinion.source, opinion.raised_on) == ("family", NOW.date())
    assert "想就近看病" in client.get(f"/cadres/{cadre_a.pk}/").content.decode()  # the cadre page's panel


def test_it_answers_and_rates_on_the_page(client_for: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a)
    client = client_for(cast.community_a)
    refused = client.post(f"/opinions/{opinion.pk}/reply/", {"reply": "办不了", "outcome": "unsolvable"})
    assert refused.status_code == 200 and "须说明原因" in refused.content.decode()
    done = client.post(f"/opinions/{opinion.pk}/reply/", {"reply": "已办", "outcome": "solved"})
    assert done.status_code == 302
    client.post(f"/opinions/{opinion.pk}/rate/", {"satisfaction": "5"})
    opinion.refresh_from_db()
    assert (opinion.state, opinion.satisfaction) == ("answered", 5)


def test_it_prints_the_routing_slip(client_for: Any, cast: Any, cadre_a: Any) -> None:
    opinion = make_opinion(cast.community_a, cadre_a, route_to="bureau")
    response = client_for(cast.community_a).get(f"/opinions/{opinion.pk}/slip.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", subject_id=str(opinion.pk)).exists()
    assert client_for(cast.community_b).get(f"/opinions/{opinion.pk}/slip.pdf").status_code == 404


def test_it_exports_the_ledger_formula_safe(client_for: Any, cast: Any, cadre_a: Any) -> None:
    make_opinion(cast.community_a, cadre_a, content='=HYPERLINK("http://x")')
    response = client_for(cast.community_a).get("/opinions/export/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["H1"].value == "意见建议内容"
    cell = sheet["H2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    assert AuditEvent.objects.filter(action="export", detail__startswith="导出意见建议台账").count() == 1


def test_it_shows_closure_and_median_days_per_unit(
    client_for: Any, frozen: Any, tree: Any, cast: Any, cadre_a: Any
) -> None:
    first, second, _open = (make_opinion(cast.community_a, cadre_a) for _ in range(3))
    frozen.move_to(at(date(2026, 9, 3)))
    answer(cast.community_a, first)  # 2 days
    frozen.move_to(at(date(2026, 9, 7)))
    answer(cast.community_a, second)  # 6 days
    response = client_for(cast.district).get("/opinions/stats/")
    street = response.context["rows"][0]
    assert (street.unit, street.total, street.answered, street.closure, street.median_days) == (
        tree.street,
        3,
        2,
        66.7,
        4.0,
    )
    drill = client_for(cast.district).get(f"/opinions/stats/?unit={tree.street.code}").context["rows"]
    assert [(r.unit.code, r.total) for r in drill] == [(tree.community_a.code, 3), (tree.community_b.code, 0)]
    assert client_for(cast.district).get(f"/opinions/stats/?unit={tree.community_z.code}").status_code == 404


def test_it_shows_open_opinions_on_the_workers_home(client_for: Any, cast: Any, cadre_a: Any) -> None:
    make_opinion(cast.community_a, cadre_a, content="楼道灯坏了")
    assert "楼道灯坏了" in client_for(cast.community_a).get("/").content.decode()
    assert "楼道灯坏了" not in client_for(cast.community_b).get("/").content.decode()


def test_it_shows_escalated_opinions_on_that_levels_home_panel(
    rf: Any, frozen: Any, tree: Any, cast: Any, cadre_a: Any
) -> None:
    from jiujin.opinions.home_panels import escalated_panel

    make_opinion(cast.community_a, cadre_a, content="暖气不热")
    request = rf.get("/")
    request.user = cast.street
    assert escalated_panel(request) == ""
    opinions_escalate(today=date(2026, 9, 17))
    assert "暖气不热" in escalated_panel(request)
    request.user = cast.district
    assert escalated_panel(request) == ""  # not yet at the district
    from jiujin.core.registry import home_panels_for

    request.user = cast.street
    assert any("暖气不热" in html for html in home_panels_for(request))


def test_it_counts_overdue_opinions_among_the_supervisors_figures(
    client_for: Any, frozen: Any, cast: Any, cadre_a: Any
) -> None:
    make_opinion(cast.community_a, cadre_a)
    frozen.move_to(at(date(2026, 9, 20)))
    page = client_for(cast.street).get("/").content.decode()
    assert "逾期意见建议" in page


def test_it_sets_the_units_answer_days(client_for: Any, tree: Any, cast: Any, cadre_a: Any) -> None:
    client = client_for(cast.district)
    assert client.post("/opinions/answer-days/", {"days": "10"}).status_code == 302
    assert make_opinion(cast.community_a, cadre_a).due_date == date(2026, 9, 11)
    assert client_for(cast.city).get("/opinions/answer-days/").status_code == 403
