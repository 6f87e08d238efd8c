import pytest

from jiujin.lib.phones import PhoneError, is_mobile, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "１３８１２３４５６７８",
        "+86 138 1234 5678",
        "+86-13812345678",
        "008613812345678",
        13812345678,
        13812345678.0,
        "13812345678.0",
    ],
)
def test_it_normalises_mobiles(raw: object) -> None:
    assert normalize_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02787654321", "027-87654321"),
        ("027-87654321", "027-87654321"),
        ("027 8765 4321", "027-87654321"),
        ("027-8765-4321", "027-87654321"),
        ("(027)87654321", "027-87654321"),
        ("(0710)3456789", "0710-3456789"),
        ("（０７１０）３４５６７８９", "0710-3456789"),
        ("010-12345678", "010-12345678"),
        ("0755-12345678", "0755-12345678"),
        ("+86 27 8765 4321", "027-87654321"),
        (2787654321, "027-87654321"),  # numeric cell dropped the leading 0
    ],
)
def test_it_normalises_landlines(raw: object, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["027-87654321转123", "027-87654321-123", "02787654321 转 123"])
def test_it_keeps_a_landline_extension(raw: str) -> None:
    assert normalize_phone(raw) == "027-87654321-123"


@pytest.mark.parametrize("raw", ["87654321", "3456789"])
def test_it_asks_for_the_area_code(raw: str) -> None:
    with pytest.raises(PhoneError, match="座机号码请加区号，如 027-87654321"):
        normalize_phone(raw)


@pytest.mark.parametrize(
    "raw", ["12345", "1381234567", "12345678901", "abc", "", None, 138.5, "13812345678转1"]
)
def test_it_rejects_other_input(raw: object) -> None:
    with pytest.raises(PhoneError, match="手机号应为11位，座机应带区号"):
        normalize_phone(raw)


def test_it_tells_mobiles_from_landlines() -> None:
    assert is_mobile("13812345678")
    assert is_mobile("+86 138 1234 5678")
    assert not is_mobile("027-87654321")
    assert not is_mobile("garbage")


def test_it_masks_phones() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("027-87654321") == "027-******21"
    assert mask_phone("0710-3456789") == "0710-*****89"
    assert mask_phone("027-87654321-123") == "027-******21-123"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "***45"
