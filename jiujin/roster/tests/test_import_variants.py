"""Rosters as offices send them, through the importer: the street office roster of issue 10, value spellings,
.xls and .ods files, and the 慢性病 column that now belongs to the health record."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre
from jiujin.roster.importing import cadre_import_roster

from .fixtures import person_id, write_ods, write_xls, write_xlsx

pytestmark = pytest.mark.django_db
B1938 = date(1938, 5, 17)
B1950 = date(1950, 8, 8)


def run(path: Path, unit: Any, *, dry_run: bool = False) -> Any:
    return cadre_import_roster(
        source=path, community=unit, actor=Actor(user=None, via="test"), dry_run=dry_run
    )


def test_it_imports_the_street_office_roster_of_the_issue(tmp_path: Path, tree: Any) -> None:
    """A category column headed `离/退休`, values `离休干部`/`退休干部`, a `（说明：…）` notes row: it was
    refused row by row ("新增人员必须填写类别")."""
    rows = [
        ["东湖街道社区A离退休干部花名册", None, None, None, None],
        ["序号", "姓  名", "身份证号码", "离/退休", "联系电话"],
        [
            "（说明：离休的填“离休干部”，退休的填“退休干部”；身份证号码请设为文本格式）",
            None,
            None,
            None,
            None,
        ],
        [1, "张德明", person_id(B1938), "离休干部", "13871234567"],
        [2, "李秀英", person_id(B1950, seq=2, male=False), "退休干部", "13871234568"],
    ]
    path = write_xlsx(tmp_path / "花名册.xlsx", rows, merges=["A1:E1", "A3:E3"])
    result = run(path, tree.community_a)
    assert result.errors == [] and result.unknown_headers == []
    assert result.summary == "新增 2 人，更新 0 人，未变 0 人"
    assert dict(Cadre.objects.values_list("name", "category")) == {"张德明": "lixiu", "李秀英": "tuixiu"}


def test_it_reads_the_spellings_offices_use_for_choices(tmp_path: Path, tree: Any) -> None:
    rows = [
        ["姓名", "身份证号", "性别", "类别", "职级", "居住状况", "健康状况", "政治面貌"],
        ["张德明", person_id(B1938), "男性", "离", "正处", "独居老人", "较好", "中国共产党党员"],
        [
            "李秀英",
            person_id(B1950, seq=2, male=False),
            "女 ",
            "退（干部）",
            "副科级干部",
            "与老伴同住",
            "卧床",
            "群众",
        ],
        ["王五", person_id(B1950, seq=3), "M", "退休人员", "科员", "敬老院", "一般", "民主党派"],
    ]
    result = run(write_xlsx(tmp_path / "a.xlsx", rows), tree.community_a)
    assert result.errors == []
    got = {
        c.name: (c.gender, c.category, c.rank, c.living_arrangement, c.health_status, c.is_party_member)
        for c in Cadre.objects.all()
    }
    assert got == {
        "张德明": ("M", "lixiu", "chu", "alone", "good", True),
        "李秀英": ("F", "tuixiu", "ke", "empty_nest", "disabled", False),
        "王五": ("M", "tuixiu", "other", "care_home", "fair", False),
    }


def test_it_still_names_the_choices_for_a_value_it_cannot_read(tmp_path: Path, tree: Any) -> None:
    rows = [["姓名", "身份证号", "离退休类别"], ["张德明", person_id(B1938), "离退休"]]
    result = run(write_xlsx(tmp_path / "a.xlsx", rows), tree.community_a)
    assert [str(e) for e in result.errors] == [
        "第2行 离退休类别：「离退休」无法识别，应为：离休、离休干部、退休、退休干部"
    ]


def test_it_imports_an_xls_with_excel_date_cells(tmp_path: Path, tree: Any) -> None:
    rows = [
        ["老干部花名册", None, None, None, None],
        ["姓名", "身份证号", "出生日期", "退休时间", "类别"],
        ["张德明", person_id(B1938), B1938, date(1998, 6, 1), "离休"],
        ["李秀英", person_id(B1950, seq=2, male=False), "1950.08", date(2005, 9, 1), "退休"],
    ]
    path = write_xls(tmp_path / "花名册.xls", rows, merges=[(0, 0, 0, 4)])
    result = run(path, tree.community_a)
    assert result.errors == [] and result.created == 2
    cadre = Cadre.objects.get(name="张德明")
    assert (cadre.birth_date, cadre.retirement_date) == (B1938, date(1998, 6, 1))
    assert Cadre.objects.get(name="李秀英").retirement_date == date(2005, 9, 1)


def test_it_reads_a_birth_month_stored_as_a_date_on_the_1st(tmp_path: Path, tree: Any) -> None:
    # "1938.05" typed into a date-formatted cell becomes 1938-05-01: the ID number says the 17th.
    rows = [["姓名", "身份证号", "出生年月", "类别"], ["张德明", person_id(B1938), date(1938, 5, 1), "离休"]]
    result = run(write_xls(tmp_path / "a.xls", rows), tree.community_a)
    assert result.errors == []
    assert Cadre.objects.get().birth_date == B1938
    wrong = [
        ["姓名", "身份证号", "出生年月", "类别"],
        ["张德明", person_id(B1938, seq=5), date(1938, 6, 1), "离休"],
    ]
    assert [e.field for e in run(write_xls(tmp_path / "b.xls", wrong), tree.community_a).errors] == [
        "birth_date"
    ]


def test_it_imports_an_ods(tmp_path: Path, tree: Any) -> None:
    rows = [
        ["花名册"],
        ["姓名", "身份证号", "出生日期", "类别", "联系电话"],
        ["张德明", person_id(B1938), B1938, "离休", 13871234567],
        ["注：本表由社区填写"],
    ]
    result = run(write_ods(tmp_path / "花名册.ods", rows), tree.community_a)
    assert result.errors == [] and result.created == 1
    assert Cadre.objects.get().phone_mobile == "13871234567"


def test_it_says_the_chronic_conditions_column_belongs_to_the_health_record(
    tmp_path: Path, tree: Any
) -> None:
    rows = [["姓名", "身份证号", "类别", "慢性病史"], ["张德明", person_id(B1938), "离休", "高血压、糖尿病"]]
    result = run(write_xlsx(tmp_path / "a.xlsx", rows), tree.community_a)
    assert result.errors == [] and result.created == 1
    assert result.unknown_headers == []
    assert result.notices == [
        "「慢性病史」列未导入：慢性病记在健康档案中，请在老干部详情页的「健康档案」中登记"
    ]


def test_it_asks_for_the_category_column_when_new_people_lack_one(tmp_path: Path, tree: Any) -> None:
    rows = [["姓名", "身份证号", "离退"], ["张德明", person_id(B1938), "离休"]]
    result = run(write_xlsx(tmp_path / "a.xlsx", rows), tree.community_a, dry_run=True)
    assert [e.message for e in result.errors] == ["新增人员必须填写类别（离休或退休）"]
    assert result.missing == ["类别"] and result.unknown_headers == ["离退"] and result.needs_mapping
    mapped = cadre_import_roster(
        source=write_xlsx(tmp_path / "b.xlsx", rows),
        community=tree.community_a,
        actor=Actor(user=None, via="test"),
        dry_run=True,
        mapping={"离退": "category"},
    )
    assert mapped.errors == [] and mapped.created == 1 and not mapped.needs_mapping
