from datetime import date, datetime

import pytest

from jiujin.lib.dates import DateParseError, age_on, format_cn_date, parse_loose_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(1950, 8, 8, 14, 30), date(1950, 8, 8)),
        (date(1950, 8, 8), date(1950, 8, 8)),
        (18483, date(1950, 8, 8)),  # Excel serial
        (18483.75, date(1950, 8, 8)),  # serial with a time of day
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (1938.05, date(1938, 5, 1)),
        (1938.5, date(1938, 5, 1)),
        (1938.1, date(1938, 1, 1)),  # a float cannot say 1938.10
        (1938.12, date(1938, 12, 1)),
        (19500808, date(1950, 8, 8)),
        (195008, date(1950, 8, 1)),
        ("1938.05", date(1938, 5, 1)),
        ("1938.5", date(1938, 5, 1)),
        ("1938.10", date(1938, 10, 1)),
        ("1938年5月", date(1938, 5, 1)),
        ("1938年5月3日", date(1938, 5, 3)),
        ("1938年05月03号", date(1938, 5, 3)),
        ("1938-5-3", date(1938, 5, 3)),
        ("1950/8/8", date(1950, 8, 8)),
        ("19500808", date(1950, 8, 8)),
        ("195008", date(1950, 8, 1)),
        ("1950.8.8", date(1950, 8, 8)),
        ("１９５０．８．８", date(1950, 8, 8)),
        ("１９３８年５月", date(1938, 5, 1)),
        (" 1950 . 8 . 8 ", date(1950, 8, 8)),
        ("1950-08-08 00:00:00", date(1950, 8, 8)),
    ],
)
def test_it_parses_every_office_form(value: object, expected: date) -> None:
    assert parse_loose_date(value) == expected


def test_it_uses_today_for_two_digit_years() -> None:
    assert parse_loose_date("38年5月", today=date(2024, 1, 1)) == date(1938, 5, 1)
    assert parse_loose_date("05年5月", today=date(2024, 1, 1)) == date(2005, 5, 1)


@pytest.mark.parametrize("value", [1938, 1938.0, 60])
def test_it_refuses_ambiguous_numbers(value: object) -> None:
    with pytest.raises(DateParseError):
        parse_loose_date(value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1938.13", "1938.13"), ("1950年2月30日", "1950年2月30日"), (1938.13, "1938.13"), ("abc", "abc")],
)
def test_it_names_the_invalid_value(value: object, shown: str) -> None:
    with pytest.raises(DateParseError, match=f"无法识别的日期「{shown}」"):
        parse_loose_date(value)


@pytest.mark.parametrize("value", [None, "", True, 0, 100000, -5, "1938", "1750.1.1"])
def test_it_rejects_unusable_values(value: object) -> None:
    with pytest.raises(DateParseError):
        parse_loose_date(value)


def test_it_formats_chinese_dates() -> None:
    assert format_cn_date(date(1950, 8, 8)) == "1950年8月8日"
    assert format_cn_date(None) == ""


def test_it_computes_age_in_completed_years() -> None:
    assert age_on(date(1938, 5, 3), date(2024, 5, 2)) == 85
    assert age_on(date(1938, 5, 3), date(2024, 5, 3)) == 86
    assert age_on(date(1940, 2, 29), date(2023, 2, 28)) == 82
    assert age_on(date(1940, 2, 29), date(2023, 3, 1)) == 83
