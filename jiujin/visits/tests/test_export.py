"""The visit ledger (走访台账) export: content, period, scoping, permission and audit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook

from jiujin.audit.models import AuditEvent
from jiujin.tasks.models import TaskStatus
from jiujin.visits.exports import COLUMNS

from .helpers import NOW, TODAY, make_cadres, make_record, make_task

pytestmark = pytest.mark.django_db
URL = "/visits/ledger.xlsx?from=2026-09-01&to=2026-09-30"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ledger(cadre_a: Any, tree: Any, cast: Any) -> dict[str, Any]:
    [cadre_z] = make_cadres(1, tree.community_z, cast.community_z)
    done = make_task(cadre_a, TODAY, status=TaskStatus.DONE, title="中秋慰问")
    retried = make_task(cadre_a, TODAY - timedelta(days=1), title="住院探视")
    return {
        "first": make_record(retried, TODAY.replace(day=2), outcome="nobody_home", visitors="王芳"),
        "second": make_record(
            done,
            TODAY.replace(day=21),
            visitors="王芳、李强",
            form="phone",
            gifts="米面油",
            money=Decimal("300.00"),
            findings="腿脚不便",
            needs="申请助餐服务",
        ),
        "august": make_record(make_task(cadre_a, TODAY.replace(month=8)), TODAY.replace(month=8, day=30)),
        "z": make_record(make_task(cadre_z, TODAY, title="社区Z的任务"), TODAY),
    }


def rows(response: Any) -> list[tuple[Any, ...]]:
    sheet = load_workbook(BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_it_writes_one_row_per_visit_in_the_period(ledger: Any, cast: Any, client_for: Any) -> None:
    response = client_for(cast.community_a).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    header, *data = rows(response)
    assert list(header) == [name for name, _width in COLUMNS]
    assert list(header) == [
        "序号", "走访日期", "老干部", "所在社区", "事项", "形式", "结果",
        "走访人", "慰问品", "慰问金", "了解情况", "提出需求",
    ]  # fmt: skip
    assert data == [
        (1, "2026年9月2日", "张德明", "社区A", "住院探视", "上门", "空访（无人在家）", "王芳", None, None, None, None),
        (2, "2026年9月21日", "张德明", "社区A", "中秋慰问", "电话", "已见到本人", "王芳、李强", "米面油", 300,
         "腿脚不便", "申请助餐服务"),
    ]  # fmt: skip


def test_it_freezes_the_header_row(ledger: Any, cast: Any, client_for: Any) -> None:
    sheet = load_workbook(BytesIO(client_for(cast.community_a).get(URL).content)).active
    assert sheet.freeze_panes == "A2"


def test_it_audits_the_export_once_per_cadre(ledger: Any, cadre_a: Any, cast: Any, client_for: Any) -> None:
    client_for(cast.street).get(URL)
    events = AuditEvent.objects.filter(action="export", user=cast.street)
    assert [e.cadre_id for e in events] == [cadre_a.pk]
    assert events[0].detail.startswith("导出走访台账 2026-09-01至2026-09-30")


@pytest.mark.parametrize("who", ["community_b", "community_z"])
def test_it_exports_nothing_of_community_a_to_outsiders(
    ledger: Any, cast: Any, client_for: Any, who: str
) -> None:
    data = rows(client_for(getattr(cast, who)).get(URL))[1:]
    assert all(row[2] != "张德明" for row in data)


def test_it_refuses_users_who_may_not_export(ledger: Any, cast: Any, client_for: Any) -> None:
    assert client_for(cast.volunteer).get(URL).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_it_rejects_a_malformed_period(cast: Any, client_for: Any) -> None:
    response = client_for(cast.community_a).get("/visits/ledger.xlsx?from=2026-09-30&to=2026-09-01")
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.content.decode()


def test_it_defaults_to_this_month(ledger: Any, cast: Any, client_for: Any) -> None:
    response = client_for(cast.community_a).get("/visits/ledger.xlsx")
    assert "20260901-20260930" in response["Content-Disposition"]
    assert len(rows(response)) == 3


@pytest.mark.parametrize("n", [3, 30])
def test_it_exports_in_constant_queries(
    n: int, tree: Any, cast: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    for cadre in make_cadres(n, tree.community_a, cast.community_a):
        make_record(make_task(cadre, TODAY), TODAY)
    client = client_for(cast.community_a)
    with django_assert_max_num_queries(8):
        assert len(rows(client.get(URL))) == n + 1


def test_it_exports_formula_like_and_control_characters_as_plain_text(
    cadre_a: Any, cast: Any, client_for: Any
) -> None:
    make_record(make_task(cadre_a, TODAY), TODAY, findings="=1+1\x0b", needs="-2+3", gifts="\x01米面油")
    sheet = load_workbook(BytesIO(client_for(cast.community_a).get(URL).content)).active
    findings, needs, gifts = sheet["K2"], sheet["L2"], sheet["I2"]
    assert (findings.value, findings.data_type) == ("=1+1", "s")
    assert (needs.value, needs.data_type) == ("-2+3", "s")
    assert gifts.value == "米面油"
