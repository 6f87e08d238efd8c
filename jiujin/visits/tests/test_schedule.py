# Expected dates are almanac facts, hard-coded on purpose (春节 2026 = 2月17日, 中秋 2025 = 10月6日,
# 2025 has 闰六月 from 7月25日, 2024 has no 闰二月, lunar 2026's 腊月 has 29 days so 腊月三十 → 2027-02-05).
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine

from jiujin.cadres.models import (
    BirthdayCalendar,
    CadreStatus,
    Category,
    HealthStatus,
    LivingArrangement,
    Rank,
)
from jiujin.cadres.tests.factories import CadreFactory
from jiujin.tasks.models import TaskStatus, VisitTask
from jiujin.tasks.services import tasks_mark_overdue
from jiujin.visits.generation import visit_tasks_generate
from jiujin.visits.models import Audience, HolidayRule, VisitSettings
from jiujin.visits.rules import DEFAULT_HOLIDAYS, effective_rules, visit_rules_seed_defaults
from jiujin.visits.task_kinds import BIRTHDAY, HOLIDAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(tree: Any, cast: Any) -> Any:
    def make_cadre(**fields: Any) -> Any:
        fields.setdefault("community", tree.community_a)
        fields.setdefault("responsible_worker", cast.community_a)
        return CadreFactory(**fields)

    return make_cadre


def lunar(month: int, day: int, leap: bool = False) -> dict[str, Any]:
    return {
        "birthday_calendar": BirthdayCalendar.LUNAR,
        "lunar_month": month,
        "lunar_day": day,
        "lunar_leap": leap,
    }


def birthdays(cadre: Any) -> list[tuple[date, str, str]]:
    tasks = VisitTask.objects.filter(cadre=cadre, kind=BIRTHDAY.code).order_by("due_date")
    return [(t.due_date, t.occurrence, t.lunar_label) for t in tasks]


def holidays(cadre: Any) -> dict[str, VisitTask]:
    return {t.rule_key: t for t in VisitTask.objects.filter(cadre=cadre, kind=HOLIDAY.code)}


def add_rule(unit: Any, code: str, **fields: Any) -> HolidayRule:
    values = {"name": code, "calendar": "solar", "month": 7, "day": 1, **fields}
    return HolidayRule.objects.create(org_unit=unit, code=code, **values)


# --- Rules ----------------------------------------------------------------------------------------------


def test_it_applies_the_default_holidays_when_no_rule_exists(tree: Any) -> None:
    rules = effective_rules(tree.community_a)
    assert rules.defaults is True
    assert {(h.code, h.audience, h.window_days) for h in rules.holidays} == {
        ("spring_festival", Audience.ALL, 15),
        ("double_ninth", Audience.ALL, 15),
        ("july_first", Audience.PARTY, 7),
    }
    assert rules.settings.pk is None and rules.settings.hospital_days == 3


def test_it_inherits_overrides_and_switches_off_rules_down_the_tree(tree: Any) -> None:
    visit_rules_seed_defaults(unit=tree.district)
    add_rule(tree.street, "spring_festival", name="春节", calendar="lunar", month=1, day=1, window_days=20)
    add_rule(
        tree.community_b, "spring_festival", name="春节", calendar="lunar", month=1, day=1, enabled=False
    )
    VisitSettings.objects.create(org_unit=tree.street, hospital_days=1)

    a = effective_rules(tree.community_a)
    assert a.defaults is False
    assert {h.code: h.window_days for h in a.holidays} == {
        "spring_festival": 20,
        "double_ninth": 15,
        "july_first": 7,
    }
    assert a.settings.hospital_days == 1
    assert "spring_festival" not in {h.code for h in effective_rules(tree.community_b).holidays}
    district = effective_rules(tree.district)
    assert {h.code for h in district.holidays} == {
        h.code for h in DEFAULT_HOLIDAYS
    }  # optional ones seeded off
    assert district.settings.hospital_days == 3
    assert effective_rules(tree.community_z).defaults is True


def test_it_seeds_defaults_once(tree: Any) -> None:
    first = visit_rules_seed_defaults(unit=tree.district)
    again = visit_rules_seed_defaults(unit=tree.district)
    assert [r.pk for r in first] == [r.pk for r in again]
    assert {r.code for r in first if not r.enabled} == {"dragon_boat", "mid_autumn", "national_day"}
    assert VisitSettings.objects.filter(org_unit=tree.district).count() == 1


def test_it_generates_holidays_by_the_rule_that_applies_in_each_subtree(
    tree: Any, cast: Any, make: Any
) -> None:
    visit_rules_seed_defaults(unit=tree.district)
    add_rule(tree.street, "spring_festival", name="春节", calendar="lunar", month=1, day=1, window_days=20)
    add_rule(
        tree.community_b, "spring_festival", name="春节", calendar="lunar", month=1, day=1, enabled=False
    )
    in_a, in_b = make(), make(community=tree.community_b)
    in_z = make(community=tree.community_z, responsible_worker=cast.community_z)

    visit_tasks_generate(today=date(2026, 1, 10))

    spring = holidays(in_a)["holiday:spring_festival"]
    assert (spring.title, spring.due_date, spring.window_start) == (
        "春节慰问",
        date(2026, 2, 17),
        date(2026, 1, 28),
    )
    assert (spring.occurrence, spring.lunar_label, spring.assignee) == (
        "2026",
        "农历正月初一",
        cast.community_a,
    )
    assert holidays(in_b) == {}
    z = holidays(in_z)["holiday:spring_festival"]
    assert (z.window_start, z.assignee) == (date(2026, 2, 2), cast.community_z)


def test_it_generates_the_default_holidays_in_their_windows(make: Any) -> None:
    cadre = make(is_party_member=False)
    member = make(is_party_member=True)

    visit_tasks_generate(today=date(2025, 9, 1), through=date(2025, 12, 31))
    assert set(holidays(cadre)) == {"holiday:double_ninth"}
    assert holidays(cadre)["holiday:double_ninth"].due_date == date(2025, 10, 29)

    visit_tasks_generate(today=date(2026, 6, 1))
    assert "holiday:july_first" in holidays(member)
    assert "holiday:july_first" not in holidays(cadre)


@pytest.mark.parametrize(
    ("audience", "matching", "other"),
    [
        (Audience.LIXIU, {"category": Category.LIXIU}, {"category": Category.TUIXIU}),
        (Audience.CHU_UP, {"rank": Rank.TING}, {"rank": Rank.KE}),
        (Audience.CHU_UP, {"rank": Rank.CHU}, {"rank": Rank.OTHER}),
        (Audience.PARTY, {"is_party_member": True}, {"is_party_member": False}),
        (
            Audience.ALONE,
            {"living_arrangement": LivingArrangement.ALONE},
            {"living_arrangement": "with_children"},
        ),
        (
            Audience.ALONE,
            {"living_arrangement": LivingArrangement.EMPTY_NEST},
            {"living_arrangement": "care_home"},
        ),
        (Audience.POOR_HEALTH, {"health_status": HealthStatus.POOR}, {"health_status": HealthStatus.GOOD}),
        (
            Audience.POOR_HEALTH,
            {"health_status": HealthStatus.DISABLED},
            {"health_status": HealthStatus.FAIR},
        ),
        # 80 on 国庆 2026 means born on or before 1946-10-01.
        (Audience.AGED, {"birth_date": date(1946, 10, 1)}, {"birth_date": date(1946, 10, 2)}),
    ],
)
def test_it_filters_holiday_visits_by_audience(
    tree: Any, make: Any, audience: str, matching: dict, other: dict
) -> None:
    add_rule(tree.district, "national_day", name="国庆", month=10, day=1, audience=audience, min_age=80)
    yes, no = make(**matching), make(**other)
    visit_tasks_generate(today=date(2026, 9, 20), through=date(2026, 10, 5))
    assert set(holidays(yes)) == {"holiday:national_day"}
    assert holidays(no) == {}


# --- Birthdays ------------------------------------------------------------------------------------------


def test_it_generates_a_solar_birthday_with_its_window_and_lunar_label(cast: Any, make: Any) -> None:
    cadre = make(birth_date=date(1941, 10, 6))
    visit_tasks_generate(today=date(2025, 9, 20))
    task = VisitTask.objects.get(cadre=cadre, kind=BIRTHDAY.code)
    assert (task.due_date, task.window_start, task.lunar_label) == (
        date(2025, 10, 6),
        date(2025, 9, 29),
        "农历八月十五",
    )
    assert (task.title, task.priority, task.suggestion) == ("生日祝福", 2, "")
    assert (task.status, task.assignee, task.rule_key, task.occurrence) == (
        "open",
        cast.community_a,
        "birthday",
        "2025",
    )


def test_it_only_generates_within_the_window(make: Any) -> None:
    cadre = make(birth_date=date(1940, 10, 6))
    visit_tasks_generate(today=date(2025, 8, 1))  # through 9月30日
    assert birthdays(cadre) == []
    visit_tasks_generate(today=date(2025, 10, 7))  # just missed: next year's is beyond 60 days
    assert birthdays(cadre) == []


def test_it_generates_lunar_birthdays_by_the_lunar_date(make: Any) -> None:
    cadre = make(birth_date=date(1941, 3, 3), **lunar(8, 15))
    visit_tasks_generate(today=date(2025, 9, 20), through=date(2026, 10, 1))
    assert birthdays(cadre) == [
        (date(2025, 10, 6), "2025", "农历八月十五"),
        (date(2026, 9, 25), "2026", "农历八月十五"),
    ]


def test_it_uses_the_leap_month_when_the_year_has_it(make: Any) -> None:
    leap = make(birth_date=date(1941, 3, 3), **lunar(6, 1, leap=True))
    ordinary = make(birth_date=date(1942, 3, 3), **lunar(6, 1))
    visit_tasks_generate(today=date(2025, 6, 1), through=date(2025, 8, 31))
    assert birthdays(leap) == [(date(2025, 7, 25), "2025", "农历闰六月初一")]
    assert birthdays(ordinary) == [(date(2025, 6, 25), "2025", "农历六月初一")]


def test_it_falls_back_to_the_ordinary_month_without_the_leap_month(make: Any) -> None:
    cadre = make(birth_date=date(1941, 3, 3), **lunar(2, 1, leap=True))
    visit_tasks_generate(today=date(2024, 3, 1))
    assert birthdays(cadre) == [(date(2024, 3, 10), "2024", "农历二月初一")]


def test_it_puts_a_lamonth_day_30_birthday_on_day_29_across_the_solar_new_year(make: Any) -> None:
    cadre = make(birth_date=date(1941, 1, 26), **lunar(12, 30))
    # The window starts in December 2026; the birthday belongs to lunar 2026 but falls in solar 2027.
    visit_tasks_generate(today=date(2026, 12, 20))
    assert birthdays(cadre) == [(date(2027, 2, 5), "2026", "农历腊月廿九")]


def test_it_keeps_a_feb_29_birthday_on_feb_28_in_common_years(make: Any) -> None:
    cadre = make(birth_date=date(1956, 2, 29))
    visit_tasks_generate(today=date(2026, 2, 20))
    task = VisitTask.objects.get(cadre=cadre, kind=BIRTHDAY.code)
    assert (task.due_date, task.title, task.priority) == (date(2026, 2, 28), "70岁祝寿", 3)


def test_it_marks_milestone_birthdays_with_priority_and_a_gift(make: Any) -> None:
    ninety = make(birth_date=date(1935, 3, 15))
    eighty_nine = make(birth_date=date(1936, 3, 16))
    hundred_one = make(birth_date=date(1924, 3, 17))
    lunar_ninety = make(birth_date=date(1935, 9, 12), **lunar(8, 15))
    visit_tasks_generate(today=date(2025, 3, 1), through=date(2025, 10, 31))

    def task(cadre: Any) -> tuple[str, int, str]:
        t = VisitTask.objects.get(cadre=cadre, kind=BIRTHDAY.code)
        return t.title, t.priority, t.suggestion

    gift = VisitSettings().milestone_gift
    assert task(ninety) == ("90岁祝寿", 3, gift)
    assert task(eighty_nine) == ("生日祝福", 2, "")
    assert task(hundred_one) == ("101岁祝寿", 3, gift)
    assert task(lunar_ninety) == ("90岁祝寿", 3, gift)  # 90 lunar years completed on 中秋 2025


def test_it_counts_nominal_age_when_the_district_says_so(tree: Any, make: Any) -> None:
    VisitSettings.objects.create(
        org_unit=tree.district, nominal_age=True, milestone_gift="寿桃", birthday_window_days=3
    )
    cadre = make(birth_date=date(1936, 3, 15))  # 周岁 89, 虚岁 90 on 2025-03-15
    elsewhere = make(birth_date=date(1936, 3, 15), community=tree.community_z)
    visit_tasks_generate(today=date(2025, 3, 1))
    task = VisitTask.objects.get(cadre=cadre, kind=BIRTHDAY.code)
    assert (task.title, task.suggestion, task.window_start) == ("90岁祝寿", "寿桃", date(2025, 3, 12))
    assert VisitTask.objects.get(cadre=elsewhere, kind=BIRTHDAY.code).title == "生日祝福"


def test_it_reads_custom_milestones(tree: Any, make: Any) -> None:
    VisitSettings.objects.create(org_unit=tree.district, milestones="88，99", every_year_after=110)
    cadre = make(birth_date=date(1937, 3, 15))
    visit_tasks_generate(today=date(2025, 3, 1))
    assert VisitTask.objects.get(cadre=cadre, kind=BIRTHDAY.code).title == "88岁祝寿"


# --- Idempotence and who gets nothing --------------------------------------------------------------------


def test_it_generates_nothing_twice(make: Any) -> None:
    for n in range(5):
        make(birth_date=date(1940, 1, 20) + timedelta(days=n))
    make(birth_date=date(1941, 3, 3), **lunar(12, 30))
    first = visit_tasks_generate(today=date(2026, 1, 10))
    assert first == VisitTask.objects.count() > 6
    assert visit_tasks_generate(today=date(2026, 1, 10)) == 0
    assert visit_tasks_generate(today=date(2026, 1, 11)) == 0
    assert VisitTask.objects.count() == first


def test_it_gives_deceased_and_moved_out_cadres_nothing(make: Any) -> None:
    for status in [CadreStatus.DECEASED, CadreStatus.MOVED_OUT]:
        make(birth_date=date(1940, 1, 20), status=status)
    assert visit_tasks_generate(today=date(2026, 1, 10)) == 0


def test_it_leaves_unassigned_cadres_unassigned(make: Any) -> None:
    cadre = make(birth_date=date(1940, 1, 20), responsible_worker=None)
    visit_tasks_generate(today=date(2026, 1, 10))
    assert VisitTask.objects.filter(cadre=cadre).exists()
    assert not VisitTask.objects.filter(cadre=cadre, assignee__isnull=False).exists()


def test_it_runs_a_constant_number_of_queries(make: Any, django_assert_max_num_queries: Any) -> None:
    """Two statements per date (solar, lunar) and one per holiday, however many cadres."""
    for n in range(3):
        make(birth_date=date(1940, 1, 20) + timedelta(days=n))
    with django_assert_max_num_queries(140) as few:
        visit_tasks_generate(today=date(2026, 1, 10))
    VisitTask.objects.all().delete()
    for n in range(30):
        make(birth_date=date(1940, 1, 1) + timedelta(days=n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        visit_tasks_generate(today=date(2026, 1, 10))


# --- Overdue --------------------------------------------------------------------------------------------


@time_machine.travel(date(2025, 10, 8))
def test_it_marks_open_tasks_past_due_as_overdue(make: Any) -> None:
    cadre = make(birth_date=date(1940, 10, 6))
    visit_tasks_generate(today=date(2025, 10, 1))
    assert tasks_mark_overdue(today=date(2025, 10, 6)) == 0
    assert tasks_mark_overdue(today=date(2025, 10, 7)) == 1
    assert VisitTask.objects.get(cadre=cadre, kind=BIRTHDAY.code).status == TaskStatus.OVERDUE
    assert tasks_mark_overdue(today=date(2025, 10, 8)) == 0
