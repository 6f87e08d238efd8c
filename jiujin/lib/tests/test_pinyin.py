import pytest

from jiujin.lib.pinyin import name_pinyin


def test_it_gives_full_pinyin_and_initials() -> None:
    assert name_pinyin("张德明") == ("zhangdeming", "zdm")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("单雄信", ("shanxiongxin", "sxx")),
        ("曾国藩", ("zengguofan", "zgf")),
        ("解缙", ("xiejin", "xj")),
        ("仇英", ("qiuying", "qy")),
        ("朴正", ("piaozheng", "pz")),
        ("区伟", ("ouwei", "ow")),
        ("查良镛", ("zhaliangyong", "zly")),
        ("盖叫天", ("gejiaotian", "gjt")),
    ],
)
def test_it_reads_heteronym_surnames_as_surnames(name: str, expected: tuple[str, str]) -> None:
    assert name_pinyin(name) == expected


def test_it_only_fixes_the_surname_position() -> None:
    assert name_pinyin("王单")[0] == "wangdan"


def test_it_keeps_non_chinese_characters_lower_cased() -> None:
    assert name_pinyin("李ＡＢ") == ("liab", "lab")
    assert name_pinyin(" 王 五 ") == ("wangwu", "ww")
    assert name_pinyin("") == ("", "")
