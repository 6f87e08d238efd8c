import pytest

from jiujin.lib.pinyin import _SURNAME_READINGS, name_pinyin


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


def test_it_reads_character_by_character_only_as_pypinyin_would() -> None:
    import random

    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PINYIN_DICT

    chars = [chr(c) for c in PINYIN_DICT if 0x4E00 <= c <= 0x9FFF]
    rng = random.Random(1)
    names = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    names += ["长江明", "重庆生", "银行家", "乐乐", "单于", "曾经", "张A"]
    for name in names:
        syllables = "".join(s.lower() for s in lazy_pinyin(name))
        initials = "".join(s.lower() for s in lazy_pinyin(name, style=Style.FIRST_LETTER))
        if name[0] not in _SURNAME_READINGS:
            assert name_pinyin(name) == (syllables, initials), name
