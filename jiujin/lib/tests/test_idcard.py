from datetime import date

import pytest

from jiujin.lib.idcard import IdInfo, IdNumberError, mask_id_number, mask_phone, parse_id_number
from jiujin.lib.phones import mask_phone as phones_mask_phone

VALID_X = "11010519491231002X"


def test_it_accepts_a_valid_number_ending_in_x() -> None:
    assert parse_id_number(VALID_X) == IdInfo(VALID_X, date(1949, 12, 31), "F")


def test_it_reads_gender_from_the_17th_digit() -> None:
    info = parse_id_number("420106193805010130")
    assert (info.gender, info.birth_date) == ("M", date(1938, 5, 1))


@pytest.mark.parametrize(
    "raw",
    [
        "11010519491231002x",
        "１１０１０５１９４９１２３１００２Ｘ",
        " 110105 19491231 002X ",
        "'11010519491231002X",
    ],
)
def test_it_normalises_case_fullwidth_and_spaces(raw: str) -> None:
    assert parse_id_number(raw).number == VALID_X


def test_it_rejects_a_bad_check_digit() -> None:
    with pytest.raises(IdNumberError, match="校验位错误"):
        parse_id_number("110105194912310021")


def test_it_upgrades_a_15_digit_number() -> None:
    info = parse_id_number("110105491231002")
    assert info.number == VALID_X
    assert info.birth_date == date(1949, 12, 31)


def test_it_accepts_genuine_ids_of_people_born_before_their_area_code_existed() -> None:
    # 420106 (武昌区) was assigned in 1983; stdnum's place check would reject this.
    assert parse_id_number("420106193805010130").number == "420106193805010130"


@pytest.mark.parametrize("raw", ["110105491331002", "110105194902300027", "110105209901010001"])
def test_it_rejects_an_invalid_birth_date(raw: str) -> None:
    with pytest.raises(IdNumberError, match="出生日期无效"):
        parse_id_number(raw)


@pytest.mark.parametrize("raw", ["1101051949", "1101051949123100200"])
def test_it_rejects_a_wrong_length(raw: str) -> None:
    with pytest.raises(IdNumberError, match=r"长度应为18位（或旧版15位）"):
        parse_id_number(raw)


@pytest.mark.parametrize("raw", ["11010519491231002Y", "1101051949X231002X", "身份证"])
def test_it_rejects_illegal_characters(raw: str) -> None:
    with pytest.raises(IdNumberError, match="含有非法字符"):
        parse_id_number(raw)


@pytest.mark.parametrize(
    "raw", [4.20106193805e17, 110105491231002.0, "4.20106193805E+17", 420106193805010000]
)
def test_it_explains_numbers_mangled_by_excel(raw: object) -> None:
    with pytest.raises(IdNumberError, match="被Excel存成了数字"):
        parse_id_number(raw)


def test_it_accepts_an_intact_integer_from_excel() -> None:
    assert parse_id_number(420106193805010130).number == "420106193805010130"
    assert parse_id_number(110105491231002).number == VALID_X


def test_it_rejects_an_empty_value() -> None:
    with pytest.raises(IdNumberError):
        parse_id_number(None)


def test_it_masks_an_id_number() -> None:
    assert mask_id_number("420106193805010135") == "4201**********0135"


def test_it_reexports_the_single_mask_phone() -> None:
    assert mask_phone is phones_mask_phone
    assert mask_phone("13812345678") == "138****5678"
