import io
import resource
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from jiujin.lib import roster, roster_source, roster_xlsx
from jiujin.lib.roster import RosterFormatError, RosterTable, open_roster
from jiujin.lib.roster_headers import HEADER_ALIASES

ID_X = "11010519491231002X"


def _save(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _messy_workbook(path: Path) -> Path:
    """A roster as a street office sends it: title, two-row header, notes,
    numeric IDs, blank and pre-numbered rows, totals and a footer."""
    wb = Workbook()
    ws = wb.active
    ws.append(["XX社区离退休干部花名册"])
    ws.merge_cells("A1:K1")
    ws.append(["填报单位：XX社区", None, None, None, None, None, None, None, None, "2024年5月"])
    ws.append(
        [
            "序号",
            "姓 名",
            "性别",
            "身份证号码 ",
            "出生年月",
            "联系方式",
            None,
            "紧急联系人",
            None,
            "邮编",
            "备注",
        ]
    )
    ws.append([None, None, None, None, None, "手机", "座机", "姓名", "电话", None, None])
    for col in "ABCDEJK":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("F3:G3")
    ws.merge_cells("H3:I3")
    ws.append(["说明：身份证号请设置为文本格式"])  # row 5
    ws.merge_cells("A5:K5")
    ws.append(
        [
            1,
            "张德明",
            "男",
            ID_X,
            datetime(1949, 12, 31),
            "１３８１２３４５６７８",
            "027-87654321",
            "张小明",
            "13912345678",
            None,
            None,
        ]
    )  # row 6
    ws.append(
        [2, "李秀英", "女", 4.20106193805e17, 14001, 13812345678, None, None, None, None, "独居"]
    )  # row 7
    ws.append([])  # row 8
    ws.append([3])  # row 9: pre-numbered template row
    ws.append(
        [4, "  王 五 ", "男", "１１０１０５４９１２３１００２", "1949.12", None, None, None, None, None, None]
    )
    ws.append(["合计", None, "3人"])  # row 11
    ws.append(["填表人：赵六", None, None, None, "审核人：孙七"])  # row 12
    return _save(wb, path)


def test_it_reads_a_messy_real_world_roster(tmp_path: Path) -> None:
    table = open_roster(_messy_workbook(tmp_path / "花名册.xlsx"))

    assert table.header_row == 3
    assert table.columns == {
        1: "seq", 2: "name", 3: "gender", 4: "id_number", 5: "birth_date", 6: "phone",
        7: "landline", 8: "family_name", 9: "family_phone", 11: "note",
    }  # fmt: skip
    assert table.unknown_headers == ["邮编"]
    assert table.total_rows_hint == 12
    rows = list(table.rows)
    assert [r.row_number for r in rows] == [6, 7, 10]

    first, second, third = (r.values for r in rows)
    assert first["name"] == "张德明"
    assert first["birth_date"] == datetime(1949, 12, 31)
    assert first["phone"] == "１３８１２３４５６７８"  # raw: validators normalise
    assert (first["landline"], first["family_name"], first["family_phone"]) == (
        "027-87654321", "张小明", "13912345678",
    )  # fmt: skip
    assert isinstance(second["id_number"], float)
    assert second["birth_date"] == 14001
    assert second["phone"] == 13812345678
    assert second["landline"] is None
    assert third["name"] == "  王 五 "
    assert third["id_number"] == "１１０１０５４９１２３１００２"


def test_it_matches_decorated_and_duplicate_headers(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["*姓名", "身份证号(18位)", "电话", "手机号码", "联系电话", "民族：", "兴趣爱好"])
    wb.active.append(["张德明", ID_X, "027-87654321", "13812345678", "x", "汉", "书法"])
    table = open_roster(_save(wb, tmp_path / "a.xlsx"))

    assert table.header_row == 1
    assert table.columns == {
        1: "name", 2: "id_number", 3: "landline", 4: "phone", 6: "ethnicity", 7: "hobbies",
    }  # fmt: skip
    assert table.unknown_headers == ["联系电话"]
    [row] = table.rows
    assert (row.row_number, row.values["phone"], row.values["landline"]) == (2, "13812345678", "027-87654321")


def test_it_reads_a_work_unit_group_header(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "原工作单位", None, None])
    ws.append([None, None, "单位名称", "联系人", "电话"])
    ws.append(["张德明", ID_X, "市机械厂", "刘干事", "027-87654321"])
    table = open_roster(_save(wb, tmp_path / "a.xlsx"))

    assert table.columns == {
        1: "name",
        2: "id_number",
        3: "work_unit",
        4: "work_unit_contact",
        5: "work_unit_phone",
    }
    assert [r.row_number for r in table.rows] == [3]


def test_it_does_not_mistake_the_first_data_row_for_a_sub_header(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["姓名", "身份证号", "政治面貌", None])
    wb.active.append(["张德明", ID_X, "党员", "备注"])
    table = open_roster(_save(wb, tmp_path / "a.xlsx"))

    assert [(r.row_number, r.values["party"]) for r in table.rows] == [(2, "党员")]


def test_it_maps_every_alias_after_cleaning() -> None:
    assert HEADER_ALIASES["身份证号码"] == "id_number"
    assert HEADER_ALIASES["座机"] == "landline"
    assert HEADER_ALIASES["出生年月日"] == "birth_date"
    assert len(set(HEADER_ALIASES.values())) == 29


def test_it_reports_a_missing_header(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    wb.active.append(["张德明", "13812345678"])
    with pytest.raises(
        RosterFormatError, match="未找到表头行：前20行中没有同时包含「姓名」和「身份证号」的行"
    ):
        open_roster(_save(wb, tmp_path / "a.xlsx"))


def test_it_looks_past_an_instructions_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["请按要求填写"])
    data = wb.create_sheet("花名册")
    data.append(["姓名", "身份证号"])
    data.append(["张德明", ID_X])
    table = open_roster(_save(wb, tmp_path / "a.xlsx"))

    assert [r.values["name"] for r in table.rows] == ["张德明"]


def test_it_reads_an_uploaded_file_object(tmp_path: Path) -> None:
    path = _messy_workbook(tmp_path / "upload.bin")
    upload = io.BytesIO(path.read_bytes())
    table = open_roster(upload, filename="花名册.XLSX")

    assert [r.row_number for r in table.rows] == [6, 7, 10]
    assert not upload.closed


def test_it_reads_a_gb18030_csv_with_line_numbers(tmp_path: Path) -> None:
    text = (
        "XX社区离退休干部花名册,,,\r\n"
        "序号,姓 名,身份证号,家庭住址\r\n"
        "说明：请勿修改表头,,,\r\n"
        f"1,张德明,{ID_X},武汉市武昌区\r\n"
        "\r\n"
        f'2,李秀英,{ID_X},"武汉市\r\n洪山区"\r\n'
        f"3,王五,{ID_X},\r\n"
        "合计,3人,,\r\n"
    )
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode("gb18030"))
    table = open_roster(path)

    assert table.header_row == 2
    rows = list(table.rows)
    assert [r.row_number for r in rows] == [4, 6, 8]
    assert rows[1].values["address"] == "武汉市\r\n洪山区"
    assert rows[0].values == {"seq": "1", "name": "张德明", "id_number": ID_X, "address": "武汉市武昌区"}


def test_it_reads_a_utf8_bom_csv_upload() -> None:
    data = f"姓名,身份证号\n张德明,{ID_X}\n".encode("utf-8-sig")
    table = open_roster(io.BytesIO(data), filename="a.csv")

    assert [(r.row_number, r.values["name"]) for r in table.rows] == [(2, "张德明")]


def test_it_reads_a_tab_separated_csv() -> None:
    data = f"姓名\t身份证号\n张德明\t{ID_X}\n".encode()
    table = open_roster(io.BytesIO(data), filename="a.csv")

    assert [r.values["id_number"] for r in table.rows] == [ID_X]


@pytest.mark.parametrize(
    ("filename", "message"),
    [("a.xls", "另存为 .xlsx"), ("a.txt", "不支持的文件类型"), ("a.xlsx", "无法打开Excel文件")],
)
def test_it_rejects_unreadable_files(filename: str, message: str) -> None:
    with pytest.raises(RosterFormatError, match=message):
        open_roster(io.BytesIO(b"not a spreadsheet"), filename=filename)


def test_it_closes_the_file_when_closed_early(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"姓名,身份证号\n张德明,{ID_X}\n李四,{ID_X}\n", encoding="utf-8")
    with open_roster(path) as table:
        assert next(table.rows).row_number == 2
    assert isinstance(table, RosterTable)


@pytest.mark.slow
def test_it_streams_100000_rows(tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["花名册"])
    ws.append(["姓名", "身份证号"])
    for i in range(100_000):
        ws.append([f"姓名{i}", ID_X])
    path = _save(wb, tmp_path / "big.xlsx")

    # ru_maxrss is a high-water mark (KiB on Linux): materialising 100k rows
    # as dicts raises it by ~50 MiB; streaming by ~10 MiB (shared strings).
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count = last = 0
    for row in open_roster(path).rows:
        count, last = count + 1, row.row_number
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert (count, last) == (100_000, 100_002)
    assert grown_kib < 25 * 1024


def test_it_keeps_each_mapped_columns_header_text_for_error_messages(tmp_path):
    import openpyxl

    from jiujin.lib.roster import open_roster

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓 名", "公民身份号码", "手机"])
    ws.append(["张德明", "11010519491231002X", "13812345678"])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with open_roster(path) as table:
        assert table.labels == {1: "姓名", 2: "公民身份号码", 3: "手机"}


# --- hostile and broken files ----------------------------------------------------


def _roster_zip(path: Path, rows: int = 2, **parts: bytes) -> Path:
    """A real two-row roster saved by openpyxl, with some zip members replaced (key: member name)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号"])
    for i in range(rows):
        ws.append([f"人员{i}", f"{i:018d}"])
    plain = io.BytesIO()
    wb.save(plain)
    replace = {name.replace("__", "/").replace("_dot_", "."): data for name, data in parts.items()}
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, None) or src.read(info))
        for name, data in replace.items():
            dst.writestr(name, data)
    return path


def _sheet(rows_xml: str) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{ns}"><sheetData>{rows_xml}</sheetData></worksheet>'.encode()
    )


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_XML = f'<row r="1">{_inline("A1", "姓名")}{_inline("B1", "身份证号")}</row>'
SHEET = "xl/worksheets/sheet1.xml"


def _open_rows(path: Path) -> list[int]:
    with open_roster(path) as table:
        return [r.row_number for r in table.rows]


def test_it_refuses_a_zip_without_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(RosterFormatError, match="无法打开Excel文件"):
        open_roster(path)


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    ],
)
def test_it_refuses_xml_with_a_dtd_xxe_or_billion_laughs(tmp_path: Path, doctype: str) -> None:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = f'<?xml version="1.0"?>{doctype}<sst xmlns="{ns}"><si><t>&xxe;</t></si></sst>'.encode()
    path = _roster_zip(tmp_path / "x.xlsx", xl__sharedStrings_dot_xml=strings)
    with pytest.raises(RosterFormatError, match="DTD"):
        open_roster(path)


@pytest.mark.parametrize("where", ["xl/workbook.xml", SHEET])
def test_it_reports_corrupt_xml_cleanly(tmp_path: Path, where: str) -> None:
    path = tmp_path / "x.xlsx"
    broken = _sheet(HEADER_XML + '<row r="2">' + _inline("A2", "张德明"))[:-30]  # cut mid-tag
    _roster_zip(path, **{where.replace("/", "__").replace(".", "_dot_"): broken})
    with pytest.raises(RosterFormatError, match="损坏"):
        _open_rows(path)


def test_it_counts_shared_strings_before_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(roster_xlsx, "MAX_SHARED_STRINGS", 5)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    # No uniqueCount: only counting the <si> tags finds out.
    strings = f'<sst xmlns="{ns}">{"<si><t/></si>" * 6}</sst>'.encode()
    path = _roster_zip(tmp_path / "x.xlsx", xl__sharedStrings_dot_xml=strings)
    with pytest.raises(RosterFormatError, match="文本单元格过多"):
        open_roster(path)
    assert _open_rows(_roster_zip(tmp_path / "ok.xlsx", rows=1)) == [2]  # 4 strings are fine


def test_it_refuses_a_declared_huge_shared_string_table(tmp_path: Path) -> None:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strings = f'<sst xmlns="{ns}" uniqueCount="2000000"><si><t/></si></sst>'.encode()
    with pytest.raises(RosterFormatError, match="文本单元格过多"):
        open_roster(_roster_zip(tmp_path / "x.xlsx", xl__sharedStrings_dot_xml=strings))


def test_it_refuses_a_zip_that_unpacks_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster_source, "MAX_UNPACKED_BYTES", 20_000)
    path = _roster_zip(tmp_path / "x.xlsx", docProps__big_dot_xml=b"<a>" + b" " * 30_000 + b"</a>")
    with pytest.raises(RosterFormatError, match="解压后过大"):
        open_roster(path)


def test_it_stops_after_a_long_run_of_empty_rows(tmp_path: Path) -> None:
    # One cell at the sheet's last row: openpyxl pads a million empty rows before it.
    data = f'<row r="2">{_inline("A2", "张德明")}{_inline("B2", "1")}</row>'
    far = f'<row r="1048576">{_inline("A1048576", "王五")}{_inline("B1048576", "2")}</row>'
    path = _roster_zip(
        tmp_path / "x.xlsx",
        **{SHEET.replace("/", "__").replace(".", "_dot_"): _sheet(HEADER_XML + data + far)},
    )
    started = time.monotonic()
    assert _open_rows(path) == [2]
    assert time.monotonic() - started < 2


def test_it_refuses_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roster, "MAX_DATA_ROWS", 3)
    with pytest.raises(RosterFormatError, match="请拆分后分批导入"):
        _open_rows(_roster_zip(tmp_path / "x.xlsx", rows=4))
    assert _open_rows(_roster_zip(tmp_path / "ok.xlsx", rows=3)) == [2, 3, 4]


def test_it_refuses_overlong_cells(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["姓名", "身份证号", "住址"])
    wb.active.append(["张德明", "1", "长" * 10_001])
    with pytest.raises(RosterFormatError, match="第2行 C列：内容超过10000个字符"):
        _open_rows(_save(wb, tmp_path / "x.xlsx"))


def test_it_reports_a_csv_field_beyond_the_csv_modules_limit(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('姓名,身份证号\n张德明,1\n王五,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(RosterFormatError, match="第3行：单元格内容超过10000个字符"):
        _open_rows(path)
