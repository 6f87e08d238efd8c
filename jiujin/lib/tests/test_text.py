from jiujin.lib.text import clean_cell, clean_text, to_halfwidth


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
