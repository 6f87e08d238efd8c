"""The .xlsx reader's choice: calamine when what it would hold is measured within MAX_CALAMINE_BYTES and the
sheet is written as Excel writes it, openpyxl otherwise; both give the same rows."""

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from jiujin.lib import roster_xlsx, roster_xlsx_scan
from jiujin.lib.roster import open_roster

HEADER = ["序号", "姓名", "身份证号", "出生日期", "联系电话", "家庭住址", "是否党员", "类别"]


def _rows(path: Path) -> list[tuple[int, dict[str, object]]]:
    with open_roster(path) as table:
        return [(r.row_number, r.values) for r in table.rows]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["东湖社区花名册"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    ws.append(["合计", f"{len(rows)}人"])
    wb.save(path)
    return path


def _reader(path: Path) -> str:
    cost, _active = roster_xlsx._check_xlsx(path)
    return "calamine" if cost is not None and cost <= roster_xlsx.MAX_CALAMINE_BYTES else "openpyxl"


def test_calamine_gives_the_values_openpyxl_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        [1, "张德明", "421102193805170015", datetime(1938, 5, 17), 13871234567, " 东湖路1号 ", True, "离休"],
        [2.0, "李国华", 421102380517001, date(1938, 5, 1), "0713-8654321", None, False, "退休"],
        [3, "王建平", "42110219380517003X", 1938.05, "１３８７１２３４５６７", "", "是", "退休"],
        [4, "赵志成", "421102193805170040", "1938年5月", 1.5, time(8, 30), timedelta(hours=30), -0.0],
    ]
    path = _workbook(tmp_path / "a.xlsx", rows)
    assert _reader(path) == "calamine"
    by_calamine = _rows(path)
    monkeypatch.setattr(roster_xlsx, "MAX_CALAMINE_BYTES", 0)
    assert _reader(path) == "openpyxl"
    assert by_calamine == _rows(path)
    assert by_calamine[1][1]["id_number"] == 421102380517001  # a whole number stays an int


def _with_sheet_xml(path: Path, replace: tuple[bytes, bytes]) -> Path:
    """A copy of the workbook whose sheet XML has one text replaced."""
    out = path.with_name("edited.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert replace[0] in data
                data = data.replace(*replace, 1)
            dst.writestr(info.filename, data)
    return out


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'<c r="B3"', b'<c t="inlineStr"'),  # placed by counting: its extent is not in the tags
        (b'<c r="A3" t="n"><v>1</v>', b'<c r="A3" t="e"><v>#N/A</v>'),  # calamine reads an error as blank
        (b"<v>1</v>", b"<v>4211021938051700150</v>"),  # openpyxl keeps it whole, calamine makes a double
    ],
)
def test_what_calamine_would_read_otherwise_goes_to_openpyxl(tmp_path: Path, old: bytes, new: bytes) -> None:
    path = _workbook(
        tmp_path / "a.xlsx", [[1, "张德明", "421102193805170015", "1938.05", "", "", "", "离休"]]
    )
    assert _reader(path) == "calamine"
    assert _reader(_with_sheet_xml(path, (old, new))) == "openpyxl"


def test_a_sparse_sheet_is_measured_by_its_extent_not_its_size(tmp_path: Path) -> None:
    """Two cells, A1 and XFD1048576: a 6 KB file that calamine would hold as 17 billion cells."""
    wb = Workbook()
    wb.active["A1"] = "姓名"
    wb.active["XFD1048576"] = "身份证号"
    wb.save(tmp_path / "a.xlsx")
    cost, _active = roster_xlsx._check_xlsx(tmp_path / "a.xlsx")
    assert cost is not None and cost > 16384 * 1048576 * 32
    assert _reader(tmp_path / "a.xlsx") == "openpyxl"


def test_cells_out_of_order_are_measured_cell_by_cell(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "a.xlsx", [[i, "张德明"] for i in range(1, 3000)])
    far = _with_sheet_xml(path, (b'<c r="A5" t="n">', b'<c r="A900000" t="n">'))
    cost, _active = roster_xlsx._check_xlsx(far)
    assert cost is not None and cost > 900000 * 8 * 64


def test_a_shared_string_counts_for_every_cell_that_uses_it(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(HEADER)
    wb.save(tmp_path / "a.xlsx")
    base, _active = roster_xlsx._check_xlsx(tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as zf:
        cost = roster_xlsx_scan.calamine_cost(zf, longest_shared=10_000)
    assert base is not None and cost is not None and cost == base  # no cell uses the shared strings
    edited = _with_sheet_xml(tmp_path / "a.xlsx", (b'<c r="A1" t="inlineStr">', b'<c r="A1" t="s">'))
    with zipfile.ZipFile(edited) as zf:
        shared = roster_xlsx_scan.calamine_cost(zf, longest_shared=10_000)
    assert shared is not None and shared >= base + 10_000
