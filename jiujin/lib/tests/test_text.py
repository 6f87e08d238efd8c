from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from jiujin.lib.text import clean_cell, clean_text, excel_safe, has_control_chars, to_halfwidth


def test_it_converts_fullwidth_characters_and_ideographic_space() -> None:
    assert to_halfwidth("１３８ＡＢｃ（０２７）－，\u3000") == "138ABc(027)-, "


def test_it_leaves_chinese_text_alone() -> None:
    assert to_halfwidth("张德明。") == "张德明。"


def test_it_cleans_header_cells() -> None:
    assert clean_cell(" 姓 名\u3000") == "姓名"
    assert clean_cell("身份证号码\u00a0\n") == "身份证号码"
    assert clean_cell("\ufeff序号") == "序号"
    assert clean_cell(None) == ""
    assert clean_cell(420106.0) == "420106"
    assert clean_cell("ＡＢ１２") == "AB12"


def test_it_cleans_free_text() -> None:
    assert clean_text("  武汉市  武昌区\u3000\u3000中南路 ") == "武汉市 武昌区 中南路"
    assert clean_text("１号") == "１号"  # no half-width conversion here
    assert clean_text(None) == ""
    assert clean_text(12) == "12"


@pytest.mark.parametrize("text", ["=1+1", "+8613800000000", "-1", "@A1", "\tx", "\rx", "\x01=1+1"])
def test_it_writes_formula_like_text_as_a_quoted_string(text: str) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    ws.append([excel_safe(ws, text), excel_safe(ws, "普通"), excel_safe(ws, 3)])
    out = BytesIO()
    wb.save(out)
    a, b, c = load_workbook(BytesIO(out.getvalue())).active[1]
    written = text.lstrip("\x01")
    # Python's XML parser reads CR as LF; lxml (openpyxl uses it when installed) keeps it.
    assert a.value in {written, written.replace("\r", "\n")}
    assert (a.data_type, a.quotePrefix) == ("s", True)
    assert (b.value, b.quotePrefix) == ("普通", False) and c.value == 3


def test_it_drops_characters_xml_cannot_carry() -> None:
    assert excel_safe(None, "a\x00b\x08c\x0bd\x0ce\x1ff\x7fg\ud800h\tI\nJ") == "abcdefgh\tI\nJ"


@pytest.mark.parametrize("text", ["\x00", "a\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\udc80"])
def test_it_finds_control_characters(text: str) -> None:
    assert has_control_chars(text)


def test_it_allows_tabs_and_newlines() -> None:
    assert not has_control_chars("早睡早起\t散步\r\n午休") and not has_control_chars(None)
