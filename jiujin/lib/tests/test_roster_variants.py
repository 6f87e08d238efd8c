"""Rosters as offices send them: header spellings, notes rows, two-row headers, .xls and .ods files, and the
limits that keep an old-format file from costing a gigabyte."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from jiujin.lib import roster_source
from jiujin.lib.roster import RosterColumnsError, RosterFormatError, open_roster
from jiujin.lib.roster_fields import builtin_field, header_key
from jiujin.roster.tests.fixtures import write_ods, write_xls, write_xlsx

ID_X = "11010519491231002X"


def _table(path: Path, **kwargs: object) -> tuple[dict[int, str], list[tuple[int, dict[str, object]]]]:
    with open_roster(path, **kwargs) as table:  # type: ignore[arg-type]
        return table.columns, [(r.row_number, r.values) for r in table.rows]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("姓  名", "name"),
        ("姓\u3000名", "name"),
        ("*姓名", "name"),
        ("姓名*", "name"),
        ("姓名(必填)", "name"),
        ("姓名（必填）", "name"),
        ("※姓名：", "name"),
        ("身份证\n号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("ＩＤ身份证号", None),
        ("出生日期(yyyy-mm-dd)", "birth_date"),
        ("出生年月（如1940.05）", "birth_date"),
        ("出生时间", "birth_date"),
        ("联系电话【手机】", "phone"),
        ("电话（座机）", "landline"),
        ("离/退休", "category"),
        ("离·退休", "category"),
        ("离退休", "category"),
        ("人员类别", "category"),
        ("离退休类别", "category"),
        ("干部类别", "category"),
        ("退休时职级", "rank"),
        ("退休时单位及职务", "work_unit"),
        ("现居住所在地", "address"),
        ("健康状况：", "health_status"),
        ("民族:", "ethnicity"),
        ("政治面貌〔必填〕", "party"),
        ("籍贯", None),
        ("学历", None),
        ("婚姻状况", None),
        ("备注2", None),
    ],
)
def test_it_normalises_header_variants_as_a_class(header: str, field: str | None) -> None:
    assert builtin_field(header) == field


def test_it_keeps_the_text_of_a_header_that_is_all_brackets() -> None:
    assert header_key("（说明）") == "说明"
    assert header_key(" 【 备注 】 ") == "备注"


def test_it_reads_the_issues_street_office_roster(tmp_path: Path) -> None:
    """`离/退休` header, `离休干部`/`退休干部` values and a `（说明：…）` notes row under the header."""
    rows = [
        ["东湖街道离退休干部花名册", None, None, None],
        ["序号", "姓名", "身份证号码", "离/退休"],
        ["（说明：离休的填“离休干部”，退休的填“退休干部”）", None, None, None],
        [1, "张德明", ID_X, "离休干部"],
        [2, "李秀英", ID_X, "退休干部"],
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows, merges=["A1:D1", "A3:D3"])
    columns, data = _table(path)
    assert columns == {1: "seq", 2: "name", 3: "id_number", 4: "category"}
    assert [(n, v["category"]) for n, v in data] == [(4, "离休干部"), (5, "退休干部")]


@pytest.mark.parametrize(
    "note",
    ["（说明：…）", "(注：请用文本格式)", "【填表说明】身份证号请填18位", "[说明]请勿改表头", "说明：带*为必填",
     "注：1. 出生日期填到月", "备注：本表每季度更新", "注意事项：勿合并单元格", "【备注】"],
)  # fmt: skip
@pytest.mark.parametrize("where", ["above", "under", "end", "middle"])
def test_it_skips_notes_rows_in_any_bracket_style_and_place(tmp_path: Path, note: str, where: str) -> None:
    notes = [note, None, None, None]
    head = [["序号", "姓名", "身份证号", "类别"]]
    data = [[1, "张德明", ID_X, "离休"], [2, "李秀英", ID_X, "退休"]]
    if where == "above":
        rows = [notes, *head, *data]
    elif where == "under":
        rows = [*head, notes, *data]
    elif where == "middle":
        rows = [*head, data[0], notes, data[1]]
    else:
        rows = [*head, *data, notes]
    path = write_xlsx(
        tmp_path / "a.xlsx", rows, merges=[f"A{rows.index(notes) + 1}:D{rows.index(notes) + 1}"]
    )
    _, read = _table(path)
    assert [v["name"] for _, v in read] == ["张德明", "李秀英"]


@pytest.mark.parametrize(
    ("groups", "subs", "expected"),
    [
        (["联系方式", None], ["手机", "固定电话"], ["phone", "landline"]),
        (["联系方式", None], ["固定电话", "手机号码"], ["landline", "phone"]),
        (["紧急联系人", None], ["姓名", "电话"], ["family_name", "family_phone"]),
        (["家属", None], ["姓名", "联系电话"], ["family_name", "family_phone"]),
        (["原工作单位", None], ["单位名称", "电话"], ["work_unit", "work_unit_phone"]),
        (["离退休", None], ["类别", "时间"], ["category", "retirement_date"]),
        (["健康", None], ["状况", "定点医院"], ["health_status", "preferred_hospital"]),
    ],
)
def test_it_reads_two_row_headers_of_the_common_groups(
    tmp_path: Path, groups: list[str | None], subs: list[str], expected: list[str]
) -> None:
    rows = [
        ["姓名", "身份证号", *groups],
        [None, None, *subs],
        ["张德明", ID_X, "值1", "值2"],
    ]
    path = write_xlsx(tmp_path / "a.xlsx", rows, merges=["A1:A2", "B1:B2", "C1:D1"])
    columns, data = _table(path)
    assert [columns.get(3), columns.get(4)] == expected
    assert [n for n, _ in data] == [3]


def test_it_applies_a_units_mapping_before_the_built_in_names(tmp_path: Path) -> None:
    rows = [["名字", "证件", "籍贯", "电话"], ["张德明", ID_X, "湖北", "13812345678"]]
    path = write_xlsx(tmp_path / "a.xlsx", rows)
    with pytest.raises(RosterColumnsError) as info:
        open_roster(path)
    assert info.value.missing == ["身份证号"]
    assert [(c.letter, c.text, c.field, c.samples) for c in info.value.columns] == [
        ("A", "名字", "name", ["张德明"]),
        ("B", "证件", None, [ID_X]),
        ("C", "籍贯", None, ["湖北"]),
        ("D", "电话", "phone", ["13812345678"]),
    ]
    with open_roster(path, mapping={"证件": "id_number", "籍贯": "", "电话": "landline"}) as table:
        assert table.columns == {1: "name", 2: "id_number", 4: "landline"}
        assert table.unknown_headers == []
        assert [c.ignored for c in table.header_columns] == [False, False, True, False]


def test_it_reports_unknown_columns_with_their_letters(tmp_path: Path) -> None:
    rows = [[None, "姓名", "身份证号", "籍贯", "备注2"], [None, "张德明", ID_X, "湖北", "x"]]
    with open_roster(write_xlsx(tmp_path / "a.xlsx", rows)) as table:
        assert [(c.letter, c.text) for c in table.unknown_columns] == [("D", "籍贯"), ("E", "备注2")]


# --- .xls and .ods -----------------------------------------------------------------------------


def test_it_reads_an_xls_with_date_cells_merged_title_and_letters_from_column_b(tmp_path: Path) -> None:
    rows = [
        [None, "东湖街道离退休干部花名册", None, None, None, None],
        [None, "姓名", "身份证号", "出生日期", "离退休时间", "离/退休"],
        [None, "（说明：日期请用日期格式）"],
        [None, "张德明", ID_X, date(1949, 12, 31), date(2009, 12, 1), "离"],
        [None, "李秀英", 4.20106193805e17, 18000, "2001.05", "退"],
    ]
    path = write_xls(tmp_path / "a.xls", rows, merges=[(0, 0, 1, 5)])
    columns, data = _table(path)
    assert columns == {2: "name", 3: "id_number", 4: "birth_date", 5: "retirement_date", 6: "category"}
    (first_row, first), (second_row, second) = data
    assert (first_row, second_row) == (4, 5)
    assert first["birth_date"] == date(1949, 12, 31) and first["retirement_date"] == date(2009, 12, 1)
    assert second["birth_date"] == 18000 and second["retirement_date"] == "2001.05"
    assert isinstance(second["id_number"], float)  # as openpyxl gives it: the validator explains


def test_it_reads_an_xlsx_renamed_xls_and_an_xls_renamed_xlsx(tmp_path: Path) -> None:
    rows = [["姓名", "身份证号"], ["张德明", ID_X]]
    xlsx = write_xlsx(tmp_path / "a.xlsx", rows)
    xls = write_xls(tmp_path / "b.xls", rows)
    assert _table(xlsx.rename(tmp_path / "a.xls"))[1] == [(2, {"name": "张德明", "id_number": ID_X})]
    assert _table(xls.rename(tmp_path / "b.xlsx"))[1] == [(2, {"name": "张德明", "id_number": ID_X})]


def test_it_reads_an_ods_with_a_spanned_title_dates_and_repeated_blank_rows(tmp_path: Path) -> None:
    title = (
        '<table:table-row><table:table-cell table:number-columns-spanned="3" office:value-type="string">'
        "<text:p>花名册</text:p></table:table-cell><table:covered-table-cell/><table:covered-table-cell/>"
        "</table:table-row>"
    )
    from jiujin.roster.tests.fixtures import ods_cell

    rows = [["姓名", "身份证号", "出生日期"], ["张德明", ID_X, date(1949, 12, 31)], ["注：本表由社区填写"]]
    body = "".join("<table:table-row>" + "".join(map(ods_cell, r)) + "</table:table-row>" for r in rows)
    blank = '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    path = write_ods(tmp_path / "a.ods", body=title + body + blank)
    columns, data = _table(path)
    assert columns == {1: "name", 2: "id_number", 3: "birth_date"}
    assert data == [(3, {"name": "张德明", "id_number": ID_X, "birth_date": date(1949, 12, 31)})]


def test_it_refuses_an_xls_whose_used_range_would_cost_a_gigabyte(tmp_path: Path) -> None:
    rows: list[list[object]] = [["姓名", "身份证号"]]
    path = write_xls(tmp_path / "far.xls", rows)
    import xlwt  # one cell in the last row and column an .xls has

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("s")
    ws.write(0, 0, "姓名")
    ws.write(0, 1, "身份证号")
    ws.write(65535, 255, "x")
    wb.save(str(path))
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(RosterFormatError, match="范围过大"):
        open_roster(path)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "body",
    [
        # a million rows of a thousand filled cells, in 1 KB
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>",
        # blank rows and columns before one far cell
        '<table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1000"/>'
        '</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
    ],
)
def test_it_refuses_an_ods_whose_repeats_would_cost_a_gigabyte(tmp_path: Path, body: str) -> None:
    path = write_ods(tmp_path / "bomb.ods", [["姓名", "身份证号"]], body=body)
    with pytest.raises(RosterFormatError, match="范围过大"):
        open_roster(path)


def test_it_keeps_the_row_cap_and_cell_length_for_xls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jiujin.lib import roster

    monkeypatch.setattr(roster, "MAX_DATA_ROWS", 2)
    rows = [["姓名", "身份证号"], *[[f"人员{i}", ID_X] for i in range(3)]]
    with pytest.raises(RosterFormatError, match="请拆分后分批导入"):
        _table(write_xls(tmp_path / "a.xls", rows))
    long_cell = [["姓名", "身份证号", "住址"], ["张德明", ID_X, "长" * 10_001]]
    with pytest.raises(RosterFormatError, match="第2行 C列：内容超过10000个字符"):
        _table(write_xls(tmp_path / "b.xls", long_cell))


def test_it_caps_the_file_size_before_calamine_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jiujin.lib import roster_calamine

    monkeypatch.setattr(roster_calamine, "MAX_FILE_BYTES", 1000)
    path = write_xls(tmp_path / "a.xls", [["姓名", "身份证号"], ["张德明", ID_X]])
    with pytest.raises(RosterFormatError, match="文件超过"):
        open_roster(path)
    with pytest.raises(RosterFormatError, match="文件超过"):
        open_roster(io.BytesIO(path.read_bytes()), filename="a.xls")


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("a.xls", b"<html><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></html>", "网页"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "无法打开 .xls"),
        ("a.xls", b"junk", "无法打开 .xls"),
        ("a.ods", b"junk", "无法打开 .ods"),
        ("a.et", b"junk", "无法打开 .xls"),
    ],
)
def test_it_gives_a_chinese_error_for_a_broken_old_format_file(
    filename: str, content: bytes, message: str
) -> None:
    with pytest.raises(RosterFormatError, match=message):
        open_roster(io.BytesIO(content), filename=filename)


def test_it_says_so_when_an_xls_is_password_protected(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "a.xls", [["姓名", "身份证号"], ["张德明", ID_X]])
    data = bytearray(path.read_bytes())
    # A FILEPASS record where the workbook's CODEPAGE record (0x0042, 2 bytes) sits: what a password adds.
    at = data.index(b"\x42\x00\x02\x00")
    data[at : at + 2] = b"\x2f\x00"
    with pytest.raises(RosterFormatError, match="密码"):
        open_roster(io.BytesIO(bytes(data)), filename="a.xls")


def test_it_says_so_when_an_ods_is_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "a.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", "<manifest><encryption-data/></manifest>")
        zf.writestr("content.xml", b"\x8b\x00binary")
    with pytest.raises(RosterFormatError, match="密码"):
        open_roster(path)


def test_it_refuses_a_dtd_inside_an_ods(tmp_path: Path) -> None:
    path = write_ods(tmp_path / "a.ods", [["姓名", "身份证号"]])
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("styles.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><x/>')
    with pytest.raises(RosterFormatError, match="DTD"):
        open_roster(path)


def test_it_refuses_an_ods_that_unpacks_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_source, "MAX_UNPACKED_BYTES", 2_000)
    path = write_ods(tmp_path / "a.ods", [["姓名", "身份证号"], *[["张德明", ID_X]] * 50])
    with pytest.raises(RosterFormatError, match="解压后过大"):
        open_roster(path)


def test_it_reads_datetime_cells_of_an_ods_as_dates(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "a.ods", [["姓名", "身份证号", "出生日期"], ["张德明", ID_X, datetime(1949, 12, 31)]]
    )
    _, data = _table(path)
    assert data[0][1]["birth_date"] in (date(1949, 12, 31), datetime(1949, 12, 31))


def test_it_reads_an_xls_workbook_whose_first_sheet_is_instructions(tmp_path: Path) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    wb.add_sheet("填表说明").write(0, 0, "请按要求填写")
    data = wb.add_sheet("花名册")
    for c, text in enumerate(["姓名", "身份证号"]):
        data.write(0, c, text)
        data.write(1, c, ["张德明", ID_X][c])
    wb.save(str(tmp_path / "a.xls"))
    assert _table(tmp_path / "a.xls")[1] == [(2, {"name": "张德明", "id_number": ID_X})]
