"""The 台账汇总 page and GET /api/v1/reports/ledgers.xlsx: defaults, presets, errors, scope, rights."""

from __future__ import annotations

from io import BytesIO
from typing import Any
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from jiujin.accounts.models import Role
from jiujin.audit.models import AuditEvent
from jiujin.conftest import make_user, menu_labels

from .helpers import SHEETS, YEAR, fill_ledgers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = "/reports/ledgers/"
API = "/reports/ledgers.xlsx"


@pytest.fixture
def world(tree: Any, cast: Any, cadre_a: Any) -> Any:
    return fill_ledgers(cast.community_a, tree.community_a, cadre_a)


def test_it_shows_the_counts_of_this_year_for_the_users_unit_by_default(
    client_for: Any, cast: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(36):
        page = client_for(cast.community_a).get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert "台账汇总 · 社区A" in html and "2026年1月1日 至 2026年12月31日" in html
    assert all(name in html for name in SHEETS)
    assert "from=2026-01-01&to=2026-12-31" in html


@pytest.mark.parametrize(
    ("preset", "period"),
    [
        ("month", "2026年9月1日 至 2026年9月30日"),
        ("quarter", "2026年7月1日 至 2026年9月30日"),
        ("half", "2026年7月1日 至 2026年12月31日"),
        ("year", "2026年1月1日 至 2026年12月31日"),
        ("last_year", "2025年1月1日 至 2025年12月31日"),
    ],
)
def test_it_offers_preset_periods(client_for: Any, cast: Any, preset: str, period: str) -> None:
    assert period in client_for(cast.street).get(PAGE, {"preset": preset}).content.decode()


def test_it_takes_a_custom_period_and_drills_to_a_community(client_for: Any, cast: Any, world: Any) -> None:
    client = client_for(cast.street)
    html = client.get(PAGE).content.decode()
    assert "?unit=421102001001" in html  # the street's communities to drill into
    html = client.get(
        PAGE, {"unit": "421102001001", "from": "2026-09-01", "to": "2026-09-30"}
    ).content.decode()
    assert "台账汇总 · 社区A" in html and "2026年9月1日 至 2026年9月30日" in html
    assert "东湖街道" in html  # back up


def test_it_says_what_is_wrong_with_the_dates(client_for: Any, cast: Any) -> None:
    html = client_for(cast.street).get(PAGE, {"from": "2026-09-30", "to": "2026-09-01"}).content.decode()
    assert "开始日期不能晚于结束日期" in html
    bad = client_for(cast.street).get(
        "/reports/ledgers/download/", {"from": "2026-13-01", "to": "2026-09-01"}
    )
    assert bad.status_code == 400 and "日期格式应为 YYYY-MM-DD" in bad.content.decode()


def test_it_downloads_the_workbook_from_the_page(client_for: Any, cast: Any, world: Any) -> None:
    response = client_for(cast.community_a).get("/reports/ledgers/download/", YEAR)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "台账汇总_社区A_20260101-20261231.xlsx" in unquote(response["Content-Disposition"])
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames[1:] == SHEETS
    assert AuditEvent.objects.filter(action="export", via="web").exists()


def test_it_lists_the_page_in_the_menu_for_those_who_export(cast: Any) -> None:
    assert "台账汇总" in menu_labels(cast.street)
    assessor = make_user("assessor-x", Role.ASSESSOR, cast.district.org_unit)
    assert "台账汇总" not in menu_labels(assessor)


def test_it_refuses_the_page_to_outsiders_of_a_unit(client_for: Any, cast: Any) -> None:
    for user in (cast.community_b, cast.community_z):
        assert client_for(user).get(PAGE, {"unit": "421102001001"}).status_code == 404
    assert client_for(cast.volunteer).get(PAGE).status_code == 404


# ---------------------------------------------------------------- API


def test_it_serves_the_workbook_over_the_api(api_as: Any, cast: Any, world: Any) -> None:
    response = api_as(cast.street).get(API, {"unit": "421102001001", **YEAR})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "台账汇总_社区A_20260101-20261231.xlsx" in unquote(response["Content-Disposition"])
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["封面和目录", *SHEETS]
    assert wb["走访"].max_row == 2
    assert AuditEvent.objects.filter(action="export", via="api").count() == 1


def test_it_defaults_to_the_callers_unit_and_this_year(api_as: Any, cast: Any, world: Any) -> None:
    response = api_as(cast.community_a).get(API)
    assert response.status_code == 200
    assert "社区A_20260101-20261231" in unquote(response["Content-Disposition"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-02-30", "to": "2026-03-01"}, "日期格式应为 YYYY-MM-DD"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "开始日期不能晚于结束日期"),
        ({"from": "2026-03-01"}, "请同时填写开始和结束日期"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "期间最长三年"),
    ],
)
def test_it_answers_422_in_chinese_for_bad_dates(api_as: Any, cast: Any, query: dict, message: str) -> None:
    response = api_as(cast.street).get(API, query)
    assert response.status_code == 422
    assert message in repr(response.json()["detail"])


def test_it_answers_404_outside_the_scope_and_403_without_the_right(
    api_as: Any, cast: Any, tree: Any
) -> None:
    for user in (cast.community_b, cast.community_z, cast.volunteer):
        assert api_as(user).get(API, {"unit": "421102001001", **YEAR}).status_code == 404
    assert api_as(cast.street).get(API, {"unit": "999"}).status_code == 404
    assessor = make_user("assessor-x", Role.ASSESSOR, tree.district)
    response = api_as(assessor).get(API, {"unit": "421102001001", **YEAR})
    assert response.status_code == 403 and response.json()["detail"] == "没有导出台账的权限"
    assert api_as(None).get(API).status_code == 401
