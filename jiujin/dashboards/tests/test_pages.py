"""The dashboard page at every level of the cast and the list of the cadres behind a number."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.core.registry import SummaryFigure
from jiujin.dashboards.display import Period, Shown, dashboard, format_like, shown_label
from jiujin.dashboards.selectors import unit_figures

from .helpers import MARCH, YEAR

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    """The page's text without tags, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_it_shows_each_level_its_own_unit_and_children(world, tree, cast, client_for):
    expect = {
        cast.city: (tree.city, [tree.district, tree.district_z]),
        cast.district: (tree.district, [tree.street]),
        cast.street: (tree.street, [tree.community_a, tree.community_b]),
        cast.community_a: (tree.community_a, []),
    }
    for user, (unit, children) in expect.items():
        response = client_for(user).get("/dashboards/", YEAR)
        assert response.status_code == 200
        assert f"数据看板 · {unit.name}" in response.content.decode()
        board = response.context["board"]
        assert ([r.unit for r in board.chart.rows] if board.chart else []) == children
        for child in children:
            assert f"?unit={child.code}&amp;from=2026-01-01&amp;to=2026-12-31&amp;chart=visits_done" in (
                response.content.decode()
            )


def test_it_shows_the_numbers_of_the_summary_tables(world, tree, cast, client_for):
    response = client_for(cast.community_a).get("/dashboards/", YEAR)
    text = _text(response)
    figures = unit_figures([tree.community_a.pk], date(2026, 1, 1), date(2026, 12, 31))[tree.community_a.pk]
    assert figures.get("visits_due") == 4 and figures.get("visits_done") == 3
    assert "已访 75.0% 3 / 4 去年同期 50.0%" in text
    # Among its one sibling (B: 1 of 2 done), A is first; the siblings' median is B's 50 %.
    assert "同级第 1 /2，中位 50.0%" in text
    assert "老干部 3 去年同期 —" in text  # no snapshot before the end of last year
    assert "离休 1 退休 2" in text
    assert "满意度 4.50" in text
    assert "慰问金 500 元" in text
    assert "数据更新于" in text


def test_it_draws_the_chosen_figure_over_the_children_with_a_table(world, tree, cast, client_for):
    response = client_for(cast.street).get("/dashboards/", {**YEAR, "chart": "visits_due"})
    data = response.context["chart_data"]
    assert data["labels"] == ["社区A", "社区B"]
    assert data["values"] == [4, 2]
    assert data["urls"][0].startswith("/dashboards/?unit=421102001001&")
    body = response.content.decode()
    assert 'id="chart-data"' in body and "vendor/echarts/echarts.min.js" in body
    assert "<caption>应访（按下级单位）</caption>" in body
    shares = client_for(cast.street).get("/dashboards/", YEAR).context["chart_data"]
    assert shares["percent"] and shares["values"] == [75.0, 50.0]


def test_it_links_every_number_to_its_list(world, tree, cast, client_for):
    body = client_for(cast.street).get("/dashboards/", {"preset": "year"}).content.decode()
    assert (
        "/dashboards/list/?unit=421102001&amp;figure=visits_done&amp;key=&amp;from=2026-01-01&amp;to=2026-12-31"
        in body
    )
    assert "/dashboards/list/?unit=421102001&amp;figure=cadres&amp;key=lixiu&amp;" in body
    assert "figure=requests_points" not in body  # a ratio counts no cadres


def test_it_limits_the_crumbs_to_the_users_scope(world, tree, cast, client_for):
    city = client_for(cast.city).get("/dashboards/", {"unit": tree.community_a.code}).context["crumbs"]
    assert [u.name for u, _ in city] == ["黄冈市", "黄州区", "东湖街道", "社区A"]
    street = client_for(cast.street).get("/dashboards/", {"unit": tree.community_a.code}).context["crumbs"]
    assert [u.name for u, _ in street] == ["东湖街道", "社区A"]


def test_it_refuses_outsiders(world, tree, cast, client_for):
    for user in (cast.community_b, cast.community_z, cast.volunteer):
        client = client_for(user)
        assert client.get("/dashboards/", {"unit": tree.community_a.code}).status_code == 404
        listed = client.get("/dashboards/list/", {"unit": tree.community_a.code, "figure": "visits_done"})
        assert listed.status_code == 404
    assert client_for(cast.volunteer).get("/dashboards/").status_code == 404
    # A street sees its communities, not the other district's.
    assert client_for(cast.street).get("/dashboards/", {"unit": tree.community_z.code}).status_code == 404


def test_it_says_what_is_wrong_with_the_period(world, cast, client_for):
    response = client_for(cast.street).get("/dashboards/", {"from": "2026-05-01", "to": "2026-01-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert response.context["board"] is None


def test_it_reads_the_dashboard_in_a_fixed_number_of_queries(
    world, tree, cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.city)
    client.get("/dashboards/", YEAR)
    # session, user, units, the tree around the unit, 2 + 2 summary reads, crumbs, freshness, the menu (2)
    with django_assert_max_num_queries(13):
        client.get("/dashboards/", {**YEAR, "unit": tree.street.code})
    with django_assert_max_num_queries(13):
        client.get("/dashboards/", YEAR)


def test_it_compares_with_the_last_year_and_the_siblings(world, tree):
    board = dashboard(tree.community_b, Period(date(2026, 1, 1), date(2026, 12, 31), "year"))
    done = next(i for s in board.sections for i in s.items if i.figure.code == "visits_done")
    assert (done.now.text, done.rank, done.ranked, done.median) == ("50.0%", 2, 2, "75.0%")
    assert done.last.text == "—"  # nothing was due last year: no share
    assert board.chart is None


# ---------------------------------------------------------------- the list behind a number


def _list(client: Any, unit: Any, figure: str, key: str = "", **period: str) -> Any:
    return client.get(
        "/dashboards/list/", {"unit": unit.code, "figure": figure, "key": key, **(period or YEAR)}
    )


def test_it_lists_exactly_the_cadres_of_the_figure(world, tree, cast, cadre_a, client_for, raw):
    client = client_for(cast.street)
    response = _list(client, tree.street, "visits_done")
    names = [c.name for c in response.context["page"].object_list]
    figure_qs = raw.cadres("visits_done")([tree.community_a.pk, tree.community_b.pk], MARCH, MARCH, "")
    assert sorted(names) == sorted(c.name for c in figure_qs)
    assert sorted(names) == sorted(["张德明", "王志平", "刘建成", "陈国安"])
    body = response.content.decode()
    assert f'href="/cadres/{cadre_a.pk}/"' in body
    assert "13871234567" not in body and "138****4567" in body  # the street sees masked numbers
    assert cadre_a.id_number not in body
    lixiu = _list(client, tree.community_a, "cadres", "lixiu")
    assert [c.name for c in lixiu.context["page"].object_list] == ["王志平"]
    # Nothing of last year's visits this year.
    assert (
        _list(client, tree.community_a, "visits_done", **{"from": "2026-04-01", "to": "2026-12-31"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_it_audits_the_list_as_a_view_of_personal_data(world, tree, cast, cadre_a, client_for):
    _list(client_for(cast.community_a), tree.community_a, "visits_overdue")
    event = AuditEvent.objects.get(action=AuditAction.VIEW, user=cast.community_a)
    assert event.cadre_id == cadre_a.pk
    assert "逾期未访" in event.detail


def test_it_refuses_a_list_of_no_cadres(world, tree, cast, client_for):
    client = client_for(cast.street)
    assert _list(client, tree.street, "requests_points").status_code == 404  # a ratio lists nobody
    assert _list(client, tree.street, "nonesuch").status_code == 404
    assert _list(client, tree.street, "cadres", "nonesuch").status_code == 404


def test_it_lists_in_a_fixed_number_of_queries(world, tree, cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.city)
    _list(client, tree.city, "cadres")
    # session, user, units, communities, count, page keys, rows, audit (savepoint, insert, release), menu
    with django_assert_max_num_queries(13):
        response = _list(client, tree.city, "cadres")
    assert response.context["page"].paginator.count == 6


def test_it_shows_money_in_yuan_and_minutes_in_hours():
    money = SummaryFigure("donations_fen", "捐款（分）", "发挥作用", 72, lambda s, e: [], unit_label="分")
    minutes = SummaryFigure(
        "service_minutes", "志愿服务（分钟）", "发挥作用", 71, lambda s, e: [], unit_label="分钟"
    )
    assert (shown_label(money), format_like(money, 123456)) == ("捐款（元）", "1,234.56")
    assert (shown_label(minutes), format_like(minutes, 90)) == ("志愿服务（小时）", "1.5")
    assert Shown(money, 123456, 123456, True).unit_label == "元"
