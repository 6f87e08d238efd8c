"""The downloadable roster template: for staff who import, and it imports through the importer itself."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre
from jiujin.lib.idcard import parse_id_number
from jiujin.lib.roster import open_roster
from jiujin.roster.importing import cadre_import_roster
from jiujin.roster.template import EXAMPLE, template_fields

pytestmark = pytest.mark.django_db
TEMPLATE = reverse("roster:template")


def download(client: Any) -> bytes:
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
        in response["Content-Disposition"]
    )
    return bytes(response.content)


def test_it_is_at_the_documented_address_and_refused_to_anonymous_users(
    client: Any, client_for: Any, cast: Any
) -> None:
    assert TEMPLATE == "/roster/template.xlsx"
    response = client.get(TEMPLATE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client_for(cast.volunteer).get(TEMPLATE).status_code == 404
    assert client_for(cast.community_a).post(TEMPLATE).status_code == 405


def test_it_has_a_title_notes_header_example_widths_and_a_frozen_header(client_for: Any, cast: Any) -> None:
    wb = load_workbook(io.BytesIO(download(client_for(cast.community_a))))
    ws = wb.active
    rows = list(ws.iter_rows(min_row=1, max_row=4, values_only=True))
    assert rows[0][0] == "离退休干部花名册"
    assert str(rows[1][0]).startswith("（说明：带*为必填") and "1945-03-08" in rows[1][0]
    labels = [f.label for f in template_fields()]
    assert [str(h).lstrip("*") for h in rows[2][: len(labels)]] == labels
    assert rows[2][:3] == ("*姓名", "性别", "*身份证号")
    assert parse_id_number(rows[3][2]).number == EXAMPLE["id_number"]  # a valid check digit
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["C"].width == 22
    assert ws["C5"].number_format == "@"  # ID numbers stay text where people type them


def test_it_imports_cleanly_with_or_without_its_example_row(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    path = tmp_path / "模板.xlsx"
    path.write_bytes(download(client_for(cast.community_a)))
    with open_roster(path) as table:
        assert table.unknown_headers == [] and table.header_row == 3
        assert sorted(table.columns.values()) == sorted(f.name for f in template_fields())

    actor = Actor(user=cast.community_a, via="test")
    result = cadre_import_roster(source=path, community=tree.community_a, actor=actor, dry_run=False)
    assert result.errors == [] and result.notices == [] and result.created == 1
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.category, cadre.rank, cadre.phone_mobile) == (
        "王建国",
        "tuixiu",
        "chu",
        "13800000000",
    )
    assert cadre.family_contacts.get().name == "王小明"

    wb = load_workbook(path)
    wb.active.delete_rows(4)  # the example row
    wb.save(path)
    result = cadre_import_roster(source=path, community=tree.community_a, actor=actor, dry_run=True)
    assert result.errors == [] and result.rows == 0


def test_it_is_offered_on_the_import_page_with_the_accepted_headers(client_for: Any, cast: Any) -> None:
    html = client_for(cast.community_a).get(reverse("roster:import")).content.decode()
    assert TEMPLATE in html and "下载花名册模板" in html
    assert "<summary>能识别的表头</summary>" in html
    assert "离退休类别、离退休" in html and "慢性病（不导入）" in html
