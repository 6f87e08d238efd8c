"""The import's mapping step: columns the importer does not know are named by the worker, remembered for the
unit and applied to its next roster; another unit does not get them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiujin.audit.models import AuditEvent
from jiujin.cadres.models import Cadre
from jiujin.roster.models import PendingUpload, RosterHeaderMapping

from .fixtures import person_id, write_xlsx

pytestmark = pytest.mark.django_db
B1938 = date(1938, 5, 17)
IMPORT = reverse("roster:import")
MAPPING = reverse("roster:mapping")
CONFIRM = reverse("roster:confirm")
HEADER = ["姓名", "身份证号", "离退", "籍贯"]


def upload(client: Any, tmp_path: Path, unit: Any, rows: list[list[Any]], name: str = "花名册.xlsx") -> Any:
    path = write_xlsx(tmp_path / name, rows)
    return client.post(IMPORT, {"unit": unit.code, "file": SimpleUploadedFile(name, path.read_bytes())})


def person(seq: int) -> list[Any]:
    return [f"人员{seq}", person_id(B1938, seq=seq), "离休", "湖北"]


def answer(response: Any, **choices: str) -> dict[str, str]:
    """The mapping form as shown, with some columns changed (col_3="category")."""
    form = response.context["mapping"]
    data = {name: form[name].initial or "" for name in form.fields if name.startswith("col_")}
    return {**data, "token": form["token"].initial, **choices}


def test_it_asks_remembers_and_reuses_a_units_column_mapping(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    client = client_for(cast.community_a)
    first = upload(client, tmp_path, tree.community_a, [HEADER, person(1)])
    html = first.content.decode()
    form = first.context["mapping"]
    assert form is not None and first.context["confirm"] is None  # 新增人员必须填写类别
    assert (
        "请确认各列是什么内容" in html
        and "C列「离退」" in html
        and "D列「籍贯」" in html
        and "示例：湖北" in html
    )
    assert [form[f"col_{c}"].initial for c in (1, 2, 3, 4)] == ["name", "id_number", "", ""]

    again = client.post(MAPPING, answer(first, col_3="category"), follow=True)
    assert "已记住「社区A」的表头对应（2项）" in again.content.decode()
    assert again.context["result"].errors == [] and again.context["mapping"] is None
    assert dict(RosterHeaderMapping.objects.filter(unit=tree.community_a).values_list("header", "field")) == {
        "离退": "category",
        "籍贯": "",
    }
    assert AuditEvent.objects.filter(
        subject_type="orgs.orgunit", subject_id=str(tree.community_a.pk)
    ).exists()
    client.post(CONFIRM, {"token": again.context["confirm"].initial["token"]})
    assert Cadre.objects.get().category == "lixiu"

    # The next roster of the same unit maps by itself: no question, no error.
    later = upload(client, tmp_path, tree.community_a, [HEADER, person(2)], name="二月.xlsx")
    assert later.context["mapping"] is None and later.context["result"].errors == []
    assert "新增 1 人" in later.content.decode()

    # Another unit's worker is asked again.
    other = upload(
        client_for(cast.community_b), tmp_path, tree.community_b, [HEADER, person(3)], name="b.xlsx"
    )
    assert other.context["mapping"] is not None and other.context["result"].missing == ["类别"]


def test_it_refuses_one_field_for_two_columns(client_for: Any, cast: Any, tree: Any, tmp_path: Path) -> None:
    client = client_for(cast.community_a)
    first = upload(client, tmp_path, tree.community_a, [HEADER, person(1)])
    response = client.post(MAPPING, answer(first, col_3="category", col_4="category"))
    assert response.status_code == 200
    assert "「类别」被指定给了C列、D列：一个字段只能对应一列" in response.content.decode()
    no_id = client.post(MAPPING, answer(first, col_2="", col_3="category"))
    assert "请指定哪一列是「身份证号」" in no_id.content.decode()
    assert not RosterHeaderMapping.objects.exists()
    assert PendingUpload.objects.count() == 1  # the file waits for a valid answer


def test_it_maps_a_missing_id_column_from_a_header_it_could_not_find(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    client = client_for(cast.street)
    rows = [["名字", "证件", "类别", "社区代码"], ["张德明", person_id(B1938), "离休", tree.community_a.code]]
    first = upload(client, tmp_path, tree.street, rows)
    html = first.content.decode()
    assert "缺少必填列：身份证号" in html and "B列「证件」" in html
    assert "4211**********" in html and person_id(B1938) not in html  # samples masked like the preview
    response = client.post(MAPPING, answer(first, col_2="id_number"))
    assert response.context["result"].errors == [] and response.context["result"].created == 1


def test_it_forgets_a_mapping_set_back_to_the_built_in_name(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    client = client_for(cast.community_a)
    rows = [
        ["姓名", "身份证号", "类别", "电话", "籍贯"],
        ["张德明", person_id(B1938), "离休", "13871234567", "湖北"],
    ]
    first = upload(client, tmp_path, tree.community_a, rows)
    client.post(MAPPING, answer(first, col_4="landline"))
    assert dict(RosterHeaderMapping.objects.values_list("header", "field")) == {
        "电话": "landline",
        "籍贯": "",
    }

    second = upload(client, tmp_path, tree.community_a, [[*rows[0], "学历"], [*rows[1], "大专"]])
    assert second.context["mapping"]["col_4"].initial == "landline"  # the unit's choice comes first
    client.post(MAPPING, answer(second, col_4="phone"))  # back to what the built-in names say
    assert dict(RosterHeaderMapping.objects.values_list("header", "field")) == {"籍贯": "", "学历": ""}


def test_it_sends_an_expired_or_foreign_token_back_to_upload(
    client_for: Any, cast: Any, tree: Any, tmp_path: Path
) -> None:
    first = upload(client_for(cast.community_a), tmp_path, tree.community_a, [HEADER, person(1)])
    data = answer(first, col_3="category")
    response = client_for(cast.community_b).post(MAPPING, data, follow=True)
    assert "上传的文件已过期或不存在，请重新上传" in response.content.decode()
    assert not RosterHeaderMapping.objects.exists()
    for user, expected in ((cast.volunteer, 404), (cast.city, 403)):
        assert client_for(user).post(MAPPING, data).status_code == expected
