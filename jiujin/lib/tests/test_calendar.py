# Expected dates are published almanac facts, hard-coded on purpose: computing
# them with lunar_python would only test the library against itself.
from datetime import date

import pytest

from jiujin.lib.calendar import (
    HOLIDAY_NAMES,
    HOLIDAYS,
    Occurrence,
    age_at,
    holiday_occurrences,
    lunar_birthday_occurrences,
    lunar_label,
    milestone,
    solar_birthday_occurrences,
)


def _dues(occurrences: list[Occurrence]) -> list[tuple[date, int]]:
    return [(o.due, o.year_key) for o in occurrences]


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 7, 25), "农历闰六月初一"),
        (date(2023, 3, 22), "农历闰二月初一"),
        (date(2020, 5, 23), "农历闰四月初一"),
        (date(2025, 10, 6), "农历八月十五"),
        (date(2025, 1, 29), "农历正月初一"),
        (date(2027, 2, 5), "农历腊月廿九"),  # 2027 has no 年三十
        (date(2024, 2, 9), "农历腊月三十"),
        (date(2025, 12, 20), "农历冬月初一"),
    ],
)
def test_it_labels_the_lunar_date(day: date, label: str) -> None:
    assert lunar_label(day) == label


def test_it_lists_solar_birthdays_with_feb_29_on_feb_28_in_common_years() -> None:
    found = solar_birthday_occurrences(2, 29, date(2026, 1, 1), date(2028, 12, 31))
    assert _dues(found) == [(date(2026, 2, 28), 2026), (date(2027, 2, 28), 2027), (date(2028, 2, 29), 2028)]


def test_it_keeps_solar_birthdays_within_the_inclusive_window() -> None:
    found = solar_birthday_occurrences(10, 6, date(2025, 10, 6), date(2026, 10, 6))
    assert _dues(found) == [(date(2025, 10, 6), 2025), (date(2026, 10, 6), 2026)]
    assert found[0].lunar_label == "农历八月十五"
    assert solar_birthday_occurrences(10, 6, date(2025, 10, 7), date(2026, 10, 5)) == []


def test_it_rejects_an_impossible_solar_date() -> None:
    with pytest.raises(ValueError):
        solar_birthday_occurrences(4, 31, date(2025, 1, 1), date(2025, 12, 31))


def test_it_lists_a_lunar_birthday_each_lunar_year() -> None:
    found = lunar_birthday_occurrences(8, 15, False, date(2025, 1, 1), date(2026, 12, 31))
    assert _dues(found) == [(date(2025, 10, 6), 2025), (date(2026, 9, 25), 2026)]
    assert [o.lunar_label for o in found] == ["农历八月十五", "农历八月十五"]


def test_it_puts_a_leap_month_birthday_in_the_leap_month_when_the_year_has_it() -> None:
    found = lunar_birthday_occurrences(6, 1, True, date(2025, 1, 1), date(2025, 12, 31))
    assert _dues(found) == [(date(2025, 7, 25), 2025)]
    assert found[0].lunar_label == "农历闰六月初一"


def test_it_puts_an_ordinary_month_birthday_in_the_ordinary_month_of_a_leap_year() -> None:
    found = lunar_birthday_occurrences(6, 1, False, date(2025, 1, 1), date(2025, 12, 31))
    assert _dues(found) == [(date(2025, 6, 25), 2025)]


def test_it_falls_back_to_the_ordinary_month_without_that_leap_month() -> None:
    found = lunar_birthday_occurrences(2, 1, True, date(2023, 1, 1), date(2024, 12, 31))
    # 2023 has 闰二月; 2024 has none, so its 二月初一 (2024-03-10) is used.
    assert _dues(found) == [(date(2023, 3, 22), 2023), (date(2024, 3, 10), 2024)]
    assert [o.lunar_label for o in found] == ["农历闰二月初一", "农历二月初一"]


def test_it_falls_back_across_the_2020_leap_fourth_month() -> None:
    found = lunar_birthday_occurrences(4, 1, True, date(2020, 1, 1), date(2021, 12, 31))
    assert _dues(found) == [(date(2020, 5, 23), 2020), (date(2021, 5, 12), 2021)]


def test_it_moves_day_30_to_day_29_in_a_short_month() -> None:
    # 腊月 of lunar 2024 has 29 days (除夕 2025-01-28); 腊月 of lunar 2023 has 30 (除夕 2024-02-09).
    found = lunar_birthday_occurrences(12, 30, False, date(2024, 1, 1), date(2025, 12, 1))
    assert _dues(found) == [(date(2024, 2, 9), 2023), (date(2025, 1, 28), 2024)]
    assert [o.lunar_label for o in found] == ["农历腊月三十", "农历腊月廿九"]


def test_it_finds_a_la_yue_birthday_in_the_next_solar_year() -> None:
    # 春节 2027 is 2027-02-06, so the last day of 腊月 of lunar 2026 is 2027-02-05.
    window = (date(2026, 12, 1), date(2027, 2, 28))
    assert _dues(lunar_birthday_occurrences(12, 29, False, *window)) == [(date(2027, 2, 5), 2026)]
    assert _dues(lunar_birthday_occurrences(12, 30, False, *window)) == [(date(2027, 2, 5), 2026)]


def test_it_includes_both_la_yue_dates_in_a_window_spanning_lunar_years() -> None:
    found = lunar_birthday_occurrences(12, 30, False, date(2025, 1, 1), date(2027, 12, 31))
    assert _dues(found) == [(date(2025, 1, 28), 2024), (date(2026, 2, 16), 2025), (date(2027, 2, 5), 2026)]


def test_it_rejects_an_impossible_lunar_date() -> None:
    with pytest.raises(ValueError):
        lunar_birthday_occurrences(13, 1, False, date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(ValueError):
        lunar_birthday_occurrences(1, 31, False, date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("code", "dues"),
    [
        ("spring_festival", [date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6)]),
        ("dragon_boat", [date(2025, 5, 31), date(2026, 6, 19)]),
        ("mid_autumn", [date(2025, 10, 6), date(2026, 9, 25)]),
        ("double_ninth", [date(2025, 10, 29), date(2026, 10, 18)]),
        ("july_first", [date(2025, 7, 1), date(2026, 7, 1)]),
        ("national_day", [date(2025, 10, 1), date(2026, 10, 1)]),
    ],
)
def test_it_dates_each_holiday(code: str, dues: list[date]) -> None:
    start = date(2024, 1, 1) if code == "spring_festival" else date(2025, 1, 1)
    end = date(2027, 12, 31) if code == "spring_festival" else date(2026, 12, 31)
    found = holiday_occurrences(*HOLIDAYS[code], start, end)
    assert [o.due for o in found] == dues
    assert code in HOLIDAY_NAMES


def test_it_keys_holidays_by_their_calendar_year() -> None:
    spring = holiday_occurrences(*HOLIDAYS["spring_festival"], date(2025, 1, 1), date(2026, 12, 31))
    assert [o.year_key for o in spring] == [2025, 2026]
    national = holiday_occurrences(*HOLIDAYS["national_day"], date(2025, 1, 1), date(2026, 12, 31))
    assert [o.year_key for o in national] == [2025, 2026]


def test_it_dates_new_years_eve_as_the_last_day_of_la_yue() -> None:
    found = holiday_occurrences("lunar", 12, 30, date(2026, 12, 1), date(2027, 2, 28))
    assert _dues(found) == [(date(2027, 2, 5), 2026)]


def test_it_rejects_an_unknown_calendar() -> None:
    with pytest.raises(ValueError):
        holiday_occurrences("islamic", 1, 1, date(2025, 1, 1), date(2025, 12, 31))


def test_it_names_the_six_holidays() -> None:
    assert HOLIDAY_NAMES == {
        "spring_festival": "春节",
        "dragon_boat": "端午",
        "mid_autumn": "中秋",
        "double_ninth": "重阳",
        "july_first": "七一",
        "national_day": "国庆",
    }
    assert HOLIDAYS.keys() == HOLIDAY_NAMES.keys()


@pytest.mark.parametrize(
    ("birth", "on", "full", "nominal"),
    [
        # 春节 1950 was 1950-02-17, so 1950-01-01 is still lunar 1949.
        (date(1950, 1, 1), date(2025, 1, 28), 75, 76),
        (date(1950, 1, 1), date(2025, 1, 29), 75, 77),
        (date(1950, 3, 1), date(2025, 1, 28), 74, 75),
        (date(1950, 3, 1), date(2025, 1, 29), 74, 76),
        (date(1950, 3, 1), date(2025, 3, 1), 75, 76),
        (date(1950, 3, 1), date(1950, 3, 1), 0, 1),
    ],
)
def test_it_computes_full_and_nominal_age(birth: date, on: date, full: int, nominal: int) -> None:
    assert age_at(birth, on) == full
    assert age_at(birth, on, nominal=True) == nominal


def test_it_counts_a_feb_29_birthday_as_reached_on_feb_28() -> None:
    birth = date(1948, 2, 29)
    assert age_at(birth, date(2026, 2, 27)) == 77
    assert age_at(birth, date(2026, 2, 28)) == 78
    assert age_at(birth, date(2028, 2, 28)) == 79
    assert age_at(birth, date(2028, 2, 29)) == 80


def test_it_rejects_a_day_before_birth() -> None:
    with pytest.raises(ValueError):
        age_at(date(1950, 3, 1), date(1950, 2, 28))


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (69, False),
        (70, True),
        (71, False),
        (75, True),
        (80, True),
        (85, True),
        (89, False),
        (90, True),
        (95, True),
        (99, False),
        (100, True),
        (101, True),
        (102, True),
    ],
)
def test_it_flags_milestone_ages(age: int, expected: bool) -> None:
    assert milestone(age) is expected


def test_it_accepts_custom_milestones() -> None:
    assert milestone(60, milestones=(60,), every_year_after=90)
    assert not milestone(90, milestones=(60,), every_year_after=90)
    assert milestone(91, milestones=(60,), every_year_after=90)
