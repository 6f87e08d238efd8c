"""Birthday and holiday dates for the five must-visits (五必访), solar or lunar.

Lunar arithmetic is delegated to lunar_python; this module only applies the
office's rules (leap-month fallback, day 30 -> 29, Feb 29 -> Feb 28).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from lunar_python import Lunar, LunarMonth, LunarYear, Solar


@dataclass(frozen=True)
class Occurrence:
    due: date  # solar date the visit falls on
    lunar_label: str  # e.g. "农历闰四月初一", shown beside the due date
    year_key: int  # lunar year for lunar rules, solar year for solar rules; keeps generation idempotent


HOLIDAYS: dict[str, tuple[str, int, int]] = {
    "spring_festival": ("lunar", 1, 1),
    "dragon_boat": ("lunar", 5, 5),
    "mid_autumn": ("lunar", 8, 15),
    "double_ninth": ("lunar", 9, 9),
    "july_first": ("solar", 7, 1),
    "national_day": ("solar", 10, 1),
}

HOLIDAY_NAMES: dict[str, str] = {
    "spring_festival": "春节",
    "dragon_boat": "端午",
    "mid_autumn": "中秋",
    "double_ninth": "重阳",
    "july_first": "七一",
    "national_day": "国庆",
}


def lunar_label(d: date) -> str:
    """The lunar date of a solar date, e.g. "农历腊月廿九"."""
    lunar = _to_lunar(d)
    return f"农历{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


def solar_birthday_occurrences(month: int, day: int, start: date, end: date) -> list[Occurrence]:
    """Every yearly occurrence of a solar month/day within [start, end]."""
    _check_solar(month, day)
    found: list[Occurrence] = []
    for year in range(start.year, end.year + 1):
        due = _solar_in_year(year, month, day)
        if start <= due <= end:
            found.append(Occurrence(due, lunar_label(due), year))
    return _tidy(found)


def lunar_birthday_occurrences(month: int, day: int, leap: bool, start: date, end: date) -> list[Occurrence]:
    """Every yearly occurrence of a lunar month/day within [start, end]."""
    _check_lunar(month, day)
    found: list[Occurrence] = []
    # A lunar year starts in Jan/Feb, so a solar date belongs to lunar year
    # y or y-1; a 腊月 date of lunar year y-1 lands in early solar year y.
    for lunar_year in range(start.year - 1, end.year + 1):
        due = _lunar_to_solar(lunar_year, month, day, leap)
        if start <= due <= end:
            found.append(Occurrence(due, lunar_label(due), lunar_year))
    return _tidy(found)


def holiday_occurrences(calendar: str, month: int, day: int, start: date, end: date) -> list[Occurrence]:
    """Occurrences of a fixed-date holiday; lunar day 30 means the month's last day (除夕 = 12/30)."""
    if calendar == "solar":
        return solar_birthday_occurrences(month, day, start, end)
    if calendar == "lunar":
        return lunar_birthday_occurrences(month, day, False, start, end)
    raise ValueError(f"unknown calendar {calendar!r}")


def age_at(birth: date, on: date, *, nominal: bool = False) -> int:
    """周岁 (completed years), or 虚岁 when nominal: 1 at birth, +1 each 春节.

    A Feb 29 birthday counts as reached on Feb 28 in common years, matching
    solar_birthday_occurrences so the milestone check agrees with the visit date.
    """
    if on < birth:
        raise ValueError("on is before birth")
    if nominal:
        return _to_lunar(on).getYear() - _to_lunar(birth).getYear() + 1
    birthday = _solar_in_year(on.year, birth.month, birth.day)
    return on.year - birth.year - int(on < birthday)


def milestone(
    age: int,
    milestones: tuple[int, ...] = (70, 75, 80, 85, 90, 95, 100),
    every_year_after: int = 100,
) -> bool:
    """Whether this age's birthday is a milestone (整寿), e.g. 80, or any age past 100."""
    return age in milestones or age > every_year_after


def _to_lunar(d: date) -> Lunar:
    return Solar.fromYmd(d.year, d.month, d.day).getLunar()


def _solar_in_year(year: int, month: int, day: int) -> date:
    # Feb 29 has no date in common years; the visit is kept on Feb 28.
    if (month, day) == (2, 29) and not _is_leap_year(year):
        return date(year, 2, 28)
    return date(year, month, day)


def _is_leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _lunar_to_solar(lunar_year: int, month: int, day: int, leap: bool) -> date:
    # A leap-month date falls back to the ordinary month in years without that leap.
    use_leap = leap and LunarYear.fromYear(lunar_year).getLeapMonth() == month
    lunar_month = -month if use_leap else month
    # Lunar months have 29 or 30 days; day 30 in a short month is kept on its last day.
    last_day = LunarMonth.fromYm(lunar_year, lunar_month).getDayCount()
    solar = Lunar.fromYmd(lunar_year, lunar_month, min(day, last_day)).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _check_solar(month: int, day: int) -> None:
    date(2000, month, day)  # a leap year, so Feb 29 is accepted; raises ValueError otherwise


def _check_lunar(month: int, day: int) -> None:
    if not (1 <= month <= 12 and 1 <= day <= 30):
        raise ValueError(f"invalid lunar month/day {month}/{day}")


def _tidy(found: list[Occurrence]) -> list[Occurrence]:
    # One visit per due date, in date order.
    by_due = {occ.due: occ for occ in found}
    return [by_due[due] for due in sorted(by_due)]


def _add_months(start: date, months: int) -> date:
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def recurring_dates(*, start: date, every: int, unit: str, lo: date, hi: date) -> list[date]:
    """The due dates of "every N days/weeks/months from start" (unit "day", "week" or "month") falling in
    [lo, hi]. Months keep the start's day of month (the 31st becomes the month's last day). Shared by
    service plans and 巡诊 schedules."""
    if hi < start or every < 1:
        return []
    if unit == "month":
        k = max(0, ((lo.year - start.year) * 12 + lo.month - start.month) // every - 1)
        found = []
        while (due := _add_months(start, k * every)) <= hi:
            if due >= lo:
                found.append(due)
            k += 1
        return found
    step = every * (7 if unit == "week" else 1)
    first = max(0, -(-(lo - start).days // step))
    due = start + timedelta(days=first * step)
    found = []
    while due <= hi:
        found.append(due)
        due += timedelta(days=step)
    return found
