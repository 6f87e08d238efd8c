from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiujin.audit.models import AuditEvent
from jiujin.audit.services import Actor
from jiujin.cadres.models import Cadre, CadreStatus, FamilyContact, WorkUnit
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.lib.roster import RosterFormatError
from jiujin.roster.importing import cadre_import_roster
from jiujin.roster.testing import write_roster_xlsx

from .fixtures import excel_serial, id_ending_in_x, person_id, write_csv, write_xlsx

pytestmark = pytest.mark.django_db

B1938 = date(1938, 5, 17)
B1950 = date(1950, 8, 8)
B1939 = date(1939, 3, 3)
FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")

TOP = [
    "序号",
    "姓 名",
    "公民身份号码",
    "性别",
    "出生年月",
    "类别",
    "联系电话",
    "爱好特长",
    "紧急联系人",
    None,
]
SUB = [None, None, None, None, None, None, None, None, "姓名", "电话"]


def office_roster(path: Path, data: list[list[Any]], *, top: list[Any] = TOP, sub: list[Any] = SUB) -> Path:
    """Title row, merged two-row header, 说明 row, the data, a totals row: what offices send."""
    width = len(top)
    merges = ["A1:J1", "I2:J2", "A4:J4", *[f"{c}2:{c}3" for c in "ABCDEFGH"]]
    rows = [
        ["东湖街道社区A离退休干部花名册", *[None] * (width - 1)],
        top,
        sub,
        ["说明：身份证号码列请设为文本格式", *[None] * (width - 1)],
        *data,
        ["合计", f"{len(data)}人", *[None] * (width - 2)],
    ]
    return write_xlsx(path, rows, merges=merges)


def row(i: int, name: str, number: object, birth: object, **extra: Any) -> list[Any]:
    values = {
        "gender": "男",
        "category": "退休",
        "phone": f"1387123{i:04d}",
        "hobbies": "书法、象棋",
        "family": "张小明",
        "family_phone": "13900001111",
    } | extra
    return [
        i,
        name,
        number,
        values["gender"],
        birth,
        values["category"],
        values["phone"],
        values["hobbies"],
        values["family"],
        values["family_phone"],
    ]


def run(path: Path, unit: Any, *, actor: Any = None, dry_run: bool = False) -> Any:
    return cadre_import_roster(
        source=path, community=unit, actor=Actor(user=actor, via="cli"), dry_run=dry_run
    )


def test_it_reads_every_office_quirk(tmp_path: Path, tree: Any) -> None:
    data = [
        row(1, "张德明", person_id(B1938, seq=1), "1938.05"),
        row(2, "李国华", person_id(B1938, seq=2), 1938.5),
        row(3, "王建平", person_id(B1938, seq=3), "1938年5月"),
        row(4, "赵志成", person_id(B1950, seq=4), "1950/8/8"),
        row(5, "刘明德", person_id(B1950, seq=5), excel_serial(B1950)),
        row(
            6,
            "陈永和",
            id_ending_in_x(B1939).lower().translate(FULLWIDTH),
            "1939.03",
            phone="１３８７１２３４５６７",
        ),
        row(7, " 王 秀英 ", person_id(B1950, seq=7, male=False), "1950-08-08", gender=" 女 "),
        row(8, "周清", person_id(B1938, seq=8), "1938年5月17日", phone="0713-8654321/13871239999"),
    ]
    result = run(office_roster(tmp_path / "a.xlsx", data), tree.community_a)

    assert [str(e) for e in result.errors] == []
    assert (result.created, result.updated, result.unchanged) == (8, 0, 0)
    cadres = {c.name: c for c in Cadre.objects.all()}
    assert set(cadres) == {"张德明", "李国华", "王建平", "赵志成", "刘明德", "陈永和", "王秀英", "周清"}
    assert cadres["陈永和"].id_number == id_ending_in_x(B1939)
    assert cadres["陈永和"].phone_mobile == "13871234567"
    assert cadres["王秀英"].gender == "F"
    assert cadres["刘明德"].birth_date == B1950
    assert cadres["张德明"].birth_date == B1938  # the day comes from the ID number
    assert (cadres["周清"].phone_landline, cadres["周清"].phone_mobile) == ("0713-8654321", "13871239999")
    assert sorted(t.name for t in cadres["张德明"].tags.all()) == ["书法", "象棋"]
    assert cadres["张德明"].family_contacts.get().phone == "13900001111"
    assert cadres["张德明"].name_initials == "zdm"
    assert {c.community for c in cadres.values()} == {tree.community_a}


def test_it_names_the_excel_row_and_the_files_header_in_errors(tmp_path: Path, tree: Any) -> None:
    good = person_id(B1938, seq=1)
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    data = [row(i, f"人员{i}", person_id(B1938, seq=i), "1938.05") for i in range(1, 13)]
    data[0][2] = good  # Excel row 5
    data[3][2] = bad_checksum  # Excel row 8
    data[5][2] = 421102193805170000.0  # Excel row 10: typed into a General cell
    data[7][4] = "1938.06"  # Excel row 12: month disagrees with the ID
    data[9][5] = "在职"  # Excel row 14
    data[10][2] = good  # Excel row 15: same person twice
    data[11][6] = "12345"  # Excel row 16
    result = run(office_roster(tmp_path / "a.xlsx", data), tree.community_a)

    messages = [str(e) for e in result.errors]
    assert messages[0] == "第8行 公民身份号码：校验位错误"
    assert messages[1].startswith("第10行 公民身份号码：被Excel存成了数字")
    assert "末几位已丢失" in messages[1]
    assert messages[2] == "第12行 出生年月：与身份证号不符：身份证号中的出生日期是1938年5月17日"
    assert messages[3].startswith("第14行 类别：「在职」无法识别")
    assert messages[4] == "第15行 公民身份号码：与第5行重复"
    assert messages[5].startswith("第16行 联系电话：")
    assert len(messages) == 6
    assert Cadre.objects.count() == 0  # all or nothing
    assert not WorkUnit.objects.exists()


@pytest.mark.parametrize(
    ("name", "number", "birth", "phone"),
    [
        ("姓名", "身份证号", "出生年月", "联系电话"),
        ("姓 名", "身份证号码", "出生日期", "电话"),
        ("姓名", "公民身份号码", "出生年月", "手机"),
    ],
)
def test_it_accepts_header_aliases_and_quotes_them(
    tmp_path: Path, tree: Any, name: str, number: str, birth: str, phone: str
) -> None:
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            [name, number, birth, phone, "类别"],
            ["张德明", person_id(B1938), "1938.05", "13871234567", "离休"],
            ["李国华", "4211", "1938.05", "13871234567", "离休"],
        ],
    )
    result = run(path, tree.community_a)
    assert [str(e) for e in result.errors] == [f"第3行 {number}：长度应为18位（或旧版15位）"]
    result = run(
        write_xlsx(
            tmp_path / "b.xlsx",
            [
                [name, number, birth, phone, "类别"],
                ["张德明", person_id(B1938), "1938.05", "13871234567", "离休"],
            ],
        ),
        tree.community_a,
    )
    assert result.ok and Cadre.objects.get().phone_mobile == "13871234567"


def test_it_reads_a_gb18030_csv_and_numbers_its_lines(tmp_path: Path, tree: Any) -> None:
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["姓名", "身份证号", "出生日期", "电话", "类别", "居住状况"],
            ["张德明", person_id(B1938), "1938年5月", "13871234567", "离休", "独居"],
            ["王秀英", person_id(B1950, seq=2, male=False), "1950/8/8", "0713-8654321", "退休", "空巢"],
            ["李国华", "42110219380517", "1938.05", "", "离休", ""],
            ["合计", "3人", "", "", "", ""],
        ],
    )
    assert [str(e) for e in run(path, tree.community_a).errors] == [
        "第4行 身份证号：长度应为18位（或旧版15位）"
    ]
    fixed = path.read_text(encoding="gb18030").replace("42110219380517,", person_id(B1938, seq=9) + ",")
    path.write_text(fixed, encoding="gb18030")
    result = run(path, tree.community_a)
    assert result.ok and result.created == 3
    assert Cadre.objects.get(name="王秀英").phone_landline == "0713-8654321"
    assert Cadre.objects.get(name="张德明").living_arrangement == "alone"


def test_it_updates_on_reimport_and_creates_nothing_twice(tmp_path: Path, tree: Any) -> None:
    data = [row(i, f"人员{i}", person_id(B1938, seq=i), "1938.05") for i in range(1, 4)]
    path = office_roster(tmp_path / "a.xlsx", data)
    first = run(path, tree.community_a)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)

    again = run(path, tree.community_a)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Cadre.objects.count() == 3
    assert FamilyContact.objects.count() == 3  # the identical contact is not added again

    data[1][6] = "13999998888"
    data[1][7] = "京剧"
    data[2][5] = ""  # a blank cell never clears what is stored
    changed = run(office_roster(tmp_path / "b.xlsx", data), tree.community_a)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    cadre = Cadre.objects.get(name="人员2")
    assert cadre.phone_mobile == "13999998888"
    assert [t.name for t in cadre.tags.all()] == ["京剧"]
    assert Cadre.objects.get(name="人员3").category == "tuixiu"

    event = AuditEvent.objects.filter(action="import", cadre_id=cadre.pk).order_by("-id").first()
    assert event.changes["phone_mobile"] == ["13871230002", "13999998888"]
    assert event.changes["tags"] == [["书法", "象棋"], ["京剧"]]


def test_it_writes_nothing_in_a_dry_run(tmp_path: Path, tree: Any) -> None:
    existing = CadreFactory(community=tree.community_a, id_number=person_id(B1938, seq=1), birth_date=B1938)
    data = [
        row(i, f"人员{i}", person_id(B1938, seq=i), "1938.05", family="", family_phone="")
        for i in range(1, 4)
    ]
    result = run(office_roster(tmp_path / "a.xlsx", data), tree.community_a, dry_run=True)
    assert result.ok and (result.created, result.updated) == (2, 1)
    assert [p.action for p in result.preview] == ["更新", "新增", "新增"]
    assert Cadre.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name != "人员1"
    assert not AuditEvent.objects.exists()
    assert not WorkUnit.objects.exists()


def test_it_audits_each_imported_cadre_in_one_batch(tmp_path: Path, tree: Any, cast: Any) -> None:
    data = [row(i, f"人员{i}", person_id(B1938, seq=i), "1938.05") for i in range(1, 4)]
    run(office_roster(tmp_path / "a.xlsx", data), tree.community_a, actor=cast.community_a)
    events = AuditEvent.objects.filter(action="import")
    assert events.count() == 3
    assert {e.user for e in events} == {cast.community_a}
    assert len({e.batch for e in events}) == 1
    assert "新增 3 人" in events.first().detail


@pytest.mark.parametrize(
    ("actor", "where"), [("street", "「社区B」"), ("community_a", "其他社区"), (None, "「社区B」")]
)
def test_it_refuses_a_cadre_registered_in_another_community(
    tmp_path: Path, tree: Any, cast: Any, actor: str | None, where: str
) -> None:
    CadreFactory(community=tree.community_b, id_number=person_id(B1938, seq=2), birth_date=B1938)
    data = [row(i, f"人员{i}", person_id(B1938, seq=i), "1938.05") for i in range(1, 4)]
    user = getattr(cast, actor) if actor else None
    result = run(office_roster(tmp_path / "a.xlsx", data), tree.community_a, actor=user)
    assert [str(e) for e in result.errors] == [f"第6行 公民身份号码：已在{where}登记，请先办理迁出"]
    assert Cadre.objects.count() == 1


def test_it_takes_over_a_cadre_moved_out_of_another_community(tmp_path: Path, tree: Any) -> None:
    moved = CadreFactory(
        community=tree.community_z, id_number=person_id(B1938), birth_date=B1938, status=CadreStatus.MOVED_OUT
    )
    result = run(
        office_roster(tmp_path / "a.xlsx", [row(1, "张德明", person_id(B1938), "1938.05")]), tree.community_a
    )
    assert result.ok and result.updated == 1
    moved.refresh_from_db()
    assert (moved.community, moved.status) == (tree.community_a, CadreStatus.ACTIVE)


def test_it_imports_at_street_level_by_the_community_column(tmp_path: Path, tree: Any) -> None:
    in_b = CadreFactory(community=tree.community_b, id_number=person_id(B1938, seq=3), birth_date=B1938)
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["姓名", "身份证号", "类别", "社区"],
            ["张德明", person_id(B1938, seq=1), "离休", "社区A"],
            ["李国华", person_id(B1938, seq=2), "离休", "421102001002"],
            ["王建平", person_id(B1938, seq=3), "离休", "社区B"],
            ["赵志成", person_id(B1938, seq=4), "离休", "社区Z"],
            ["刘明德", person_id(B1938, seq=5), "离休", ""],
        ],
    )
    result = run(path, tree.street)
    assert [str(e) for e in result.errors] == [
        "第5行 社区：「社区Z」不是东湖街道范围内的社区",
        "第6行 社区：请填写所在社区（社区名称或代码）",
    ]
    path = write_xlsx(
        tmp_path / "b.xlsx",
        [
            ["姓名", "身份证号", "类别", "社区"],
            *[
                ["张德明", person_id(B1938, seq=1), "离休", "社区A"],
                ["李国华", person_id(B1938, seq=2), "离休", "421102001002"],
                ["王建平", person_id(B1938, seq=3), "离休", "社区B"],
            ],
        ],
    )
    result = run(path, tree.street)
    assert (result.created, result.updated) == (2, 1)
    assert Cadre.objects.get(name="李国华").community == tree.community_b
    in_b.refresh_from_db()
    assert in_b.name == "王建平"


def test_it_needs_a_community_column_at_street_level(tmp_path: Path, tree: Any) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["姓名", "身份证号"], ["张德明", person_id(B1938)]])
    with pytest.raises(RosterFormatError, match="社区"):
        run(path, tree.street)


def test_it_requires_the_category_for_new_cadres_only(tmp_path: Path, tree: Any) -> None:
    CadreFactory(community=tree.community_a, id_number=person_id(B1938, seq=1), birth_date=B1938)
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [["姓名", "身份证号"], ["张德明", person_id(B1938, seq=1)], ["李国华", person_id(B1938, seq=2)]],
    )
    assert [str(e) for e in run(path, tree.community_a).errors] == [
        "第3行 类别：新增人员必须填写类别（离休或退休）"
    ]


def test_it_fills_work_unit_contacts_and_reuses_units(tmp_path: Path, tree: Any) -> None:
    WorkUnit.objects.create(name="黄州区财政局")
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [
            ["姓名", "身份证号", "类别", "原工作单位", "原单位联系人", "原单位电话", "政治面貌"],
            ["张德明", person_id(B1938, seq=1), "离休", "黄州区财政局", "王红", "0713-8123456", "中共党员"],
            ["李国华", person_id(B1938, seq=2), "离休", "黄冈市第一中学", "", "", "群众"],
        ],
    )
    assert run(path, tree.community_a).ok
    unit = WorkUnit.objects.get(name="黄州区财政局")
    assert (unit.contact_person, unit.contact_phone) == ("王红", "0713-8123456")
    assert WorkUnit.objects.count() == 2
    assert Cadre.objects.get(name="张德明").work_unit == unit
    assert Cadre.objects.get(name="李国华").is_party_member is False


def test_it_queries_per_chunk_not_per_row(tmp_path: Path, tree: Any) -> None:
    small = write_roster_xlsx(tmp_path / "small.xlsx", 20)
    large = write_roster_xlsx(tmp_path / "large.xlsx", 200, seed=2)
    counts = []
    for path in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            assert run(path, tree.community_a, dry_run=True).ok
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_it_imports_the_generated_benchmark_file(tmp_path: Path, tree: Any) -> None:
    path = write_roster_xlsx(tmp_path / "bench.xlsx", 120, community_code=tree.community_b.code)
    result = run(path, tree.street)
    assert [str(e) for e in result.errors] == []
    assert result.created == 120
    assert Cadre.objects.filter(community=tree.community_b).count() == 120


def test_it_refuses_control_characters_naming_row_and_column(tmp_path: Path, tree: Any) -> None:
    path = write_csv(
        tmp_path / "ctl.csv",
        [
            ["姓名", "身份证号码", "类别", "家庭住址", "生活习惯"],
            ["张德明", person_id(B1938), "离休", "东湖路\x001号", "早睡\t早起\n散步"],
            ["王\x01秀英", person_id(B1950, seq=2, male=False), "退休", "", "午休\x0b"],
        ],
        encoding="utf-8",
    )
    result = run(path, tree.community_a)
    assert [str(e) for e in result.errors] == [
        "第2行 家庭住址：含有不可见的控制字符",
        "第4行 姓名：含有不可见的控制字符",  # row 2 spans two lines
        "第4行 生活习惯：含有不可见的控制字符",
    ]
    assert not Cadre.objects.exists()


@pytest.mark.parametrize("bad", ["a\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\ud83d"])
def test_it_offers_a_control_character_validator_for_forms_and_the_api(bad: str) -> None:
    from django.core.exceptions import ValidationError

    from jiujin.cadres.validation import reject_control_chars

    with pytest.raises(ValidationError, match="含有不允许的控制字符"):
        reject_control_chars(bad)
    reject_control_chars("早睡早起\t散步\r\n午休")  # multi-line text is fine
    reject_control_chars(None)
