"""A year of the five must-visits: holiday and birthday tasks with their visit records (gifts and 慰问金 at
holidays, 空访 now and then, some still overdue), hospital stays and family events with their visits, and
tasks due today and this week so the worker's home has work on it."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from lunar_python import LunarYear, Solar

from jiujin.cadres.models import BirthdayCalendar, Cadre, LivingArrangement
from jiujin.health.models import HospitalStay
from jiujin.lib.calendar import age_at, holiday_occurrences, lunar_label
from jiujin.orgs.models import OrgUnit
from jiujin.tasks.models import TaskStatus, VisitForm, VisitOutcome, VisitRecord, VisitTask
from jiujin.visits.models import CadreEvent, EventKind, HolidayRule
from jiujin.visits.rules import HolidaySpec, effective_rules, visit_rules_seed_defaults
from jiujin.visits.task_kinds import BIRTHDAY, FAMILY_EVENT, HOLIDAY, HOSPITAL

from .context import Demo
from .people import HOSPITALS, years_after

MILESTONE_GIFT = "生日蛋糕、鲜花、寿礼"
MILESTONES = {70, 75, 80, 85, 90, 95, 100}
# Holiday code → (gifts, 慰问金 by age: [(from age, yuan)], highest first).
HOLIDAY_GIFTS: dict[str, tuple[str, list[tuple[int, int]]]] = {
    "spring_festival": ("大米、面粉、食用油", [(90, 1000), (80, 800), (0, 500)]),
    "mid_autumn": ("月饼、水果", [(80, 300), (0, 0)]),
    "double_ninth": ("重阳糕、牛奶", [(90, 800), (80, 500), (0, 200)]),
    "july_first": ("党报党刊、纪念品", [(0, 0)]),
}
FINDINGS = [
    "身体状况良好，精神矍铄，每天坚持锻炼",
    "血压偏高，嘱其按时服药、少盐饮食",
    "老人腿脚不便，很少下楼",
    "子女在外地工作，平时一人在家，心情尚好",
    "刚从医院复查回来，医生说恢复得不错",
    "对社区工作表示满意，感谢组织关心",
    "老伴身体不好，需要人照顾",
    "近来睡眠不好，精神欠佳",
]
NEEDS = [
    "希望有人上门理发",
    "家里水龙头漏水，需要维修",
    "想参加社区老年大学书法班",
    "希望每月有人陪同去医院取药",
    "厨房油烟大，希望帮忙保洁",
]
FAMILY_EVENTS = ["孙子结婚", "老伴住院手术", "女儿从国外回来探亲", "搬入新居", "老伴去世"]
DIAGNOSES = ["肺部感染", "冠心病复查", "脑梗", "髋关节骨折", "糖尿病并发症", "慢阻肺急性发作"]


@dataclass
class _Plan:
    """One task as planned, before it has an id: its records follow once it is saved."""

    task: VisitTask
    visits: list[tuple[date, str]]  # (visited_on, outcome), the completing visit last
    gifts: str = ""
    money: int = 0
    form: str = VisitForm.HOME


def holiday_specs(city: OrgUnit) -> tuple[HolidaySpec, ...]:
    """The city's holiday rules as a district would leave them: the defaults, with 中秋 switched on."""
    visit_rules_seed_defaults(unit=city)
    HolidayRule.objects.filter(org_unit=city, code="mid_autumn").update(enabled=True)
    return effective_rules(city).holidays


def visits_create(demo: Demo, *, city: OrgUnit) -> int:
    """Every history cadre's holiday and birthday tasks of the past year (and the coming two weeks), the
    visits made, and a few events; returns the number of visit records."""
    rng = demo.rng("visits")
    end = demo.today + timedelta(days=14)
    specs = [
        (s, holiday_occurrences(s.calendar, s.month, s.day, demo.start, end)) for s in holiday_specs(city)
    ]
    lunar_days = _lunar_days(demo.start, end)
    plans: list[_Plan] = []
    for cadre in demo.cadres:
        age_now = age_at(cadre.birth_date, demo.today)
        for spec, occurrences in specs:
            if spec.audience == "party" and not cadre.is_party_member:
                continue
            for occ in occurrences:
                gifts, tiers = HOLIDAY_GIFTS.get(spec.code, ("慰问品", [(0, 0)]))
                task = _task(
                    demo,
                    cadre,
                    kind=HOLIDAY.code,
                    rule_key=f"holiday:{spec.code}",
                    key=str(occ.year_key),
                    title=f"{spec.name}慰问",
                    due=occ.due,
                    window=spec.window_days,
                    priority=spec.priority,
                )
                money = next(yuan for age, yuan in tiers if age_now >= age)
                plans.append(_Plan(task, _visits(rng, demo, task), gifts, money))
        for due, key in _birthdays(cadre, demo.start, end, lunar_days):
            age = due.year - cadre.birth_date.year
            milestone = age in MILESTONES
            task = _task(
                demo,
                cadre,
                kind=BIRTHDAY.code,
                rule_key="birthday",
                key=str(key),
                title=f"{age}岁祝寿" if milestone else "生日祝福",
                due=due,
                window=7,
                priority=3 if milestone else 2,
                suggestion=MILESTONE_GIFT if milestone else "",
            )
            gifts, money = (MILESTONE_GIFT, 1000 if age >= 80 else 500) if milestone else ("生日蛋糕", 0)
            form = VisitForm.HOME if milestone or rng.random() < 0.6 else VisitForm.PHONE
            plans.append(
                _Plan(task, _visits(rng, demo, task), gifts if form == VisitForm.HOME else "", money, form)
            )
    plans += _events(rng, demo)
    return _save(rng, demo, plans)


def _task(
    demo: Demo,
    cadre: Cadre,
    *,
    kind: str,
    rule_key: str,
    key: str,
    title: str,
    due: date,
    window: int,
    priority: int,
    suggestion: str = "",
    event: CadreEvent | None = None,
) -> VisitTask:
    return VisitTask(
        cadre=cadre,
        kind=kind,
        rule_key=rule_key,
        occurrence=key,
        title=title,
        due_date=due,
        window_start=due - timedelta(days=window) if event is None else event.date,
        lunar_label=_label(due),
        priority=priority,
        status=TaskStatus.OPEN,
        assignee_id=cadre.responsible_worker_id,
        suggestion=suggestion,
        event=event,
    )


def _visits(rng: random.Random, demo: Demo, task: VisitTask) -> list[tuple[date, str]]:
    """The visits made for a task: most before the due date, late ones mostly long ago, some 空访 first.

    The share left undone grows towards today: last month's holiday still has cadres waiting."""
    today = demo.today
    if task.window_start > today:
        return []
    age_days = (today - task.due_date).days
    done_share = 0.97 if age_days > 45 else 0.8 if age_days > 0 else 0.35
    tries: list[tuple[date, str]] = []
    first = task.window_start + timedelta(
        days=rng.randrange(max(1, (task.due_date - task.window_start).days))
    )
    if first > today:
        return []
    if rng.random() < 0.08:  # nobody home: a 空访, then another go a few days later
        tries.append((first, VisitOutcome.NOBODY_HOME))
        first += timedelta(days=rng.randint(1, 4))
    if first <= today and rng.random() < done_share:
        if rng.random() < 0.06 and age_days > 10:  # visited, but after the due date
            first = task.due_date + timedelta(days=rng.randint(1, 9))
        if first <= today:
            tries.append((first, VisitOutcome.FAMILY if rng.random() < 0.12 else VisitOutcome.VISITED))
    return tries


def _birthdays(
    cadre: Cadre, start: date, end: date, lunar_days: dict[tuple[int, int, bool], list[tuple[date, int]]]
) -> list[tuple[date, int]]:
    """(due date, occurrence year) of the cadre's birthdays in [start, end], by the cadre's calendar."""
    if cadre.birthday_calendar == BirthdayCalendar.LUNAR and cadre.lunar_month and cadre.lunar_day:
        return lunar_days.get((cadre.lunar_month, cadre.lunar_day, cadre.lunar_leap), [])
    found = []
    for year in range(start.year, end.year + 1):
        due = years_after(cadre.birth_date, year - cadre.birth_date.year)
        if start <= due <= end:
            found.append((due, year))
    return found


def _lunar_days(start: date, end: date) -> dict[tuple[int, int, bool], list[tuple[date, int]]]:
    """(lunar month, day, leap) → [(solar date, lunar year)] within [start, end], month by month: a few
    lunar-year computations instead of one slow conversion per cadre."""
    table: dict[tuple[int, int, bool], list[tuple[date, int]]] = defaultdict(list)
    for year in range(start.year - 1, end.year + 1):
        for month in LunarYear.fromYear(year).getMonthsInYear():
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            begin = date(first.getYear(), first.getMonth(), first.getDay())
            for offset in range(month.getDayCount()):
                day = begin + timedelta(days=offset)
                if start <= day <= end:
                    table[abs(month.getMonth()), offset + 1, month.getMonth() < 0].append(
                        (day, month.getYear())
                    )
    return table


@lru_cache(maxsize=1024)
def _label(day: date) -> str:
    return lunar_label(day)


def _events(rng: random.Random, demo: Demo) -> list[_Plan]:
    """Hospital stays (visited; two in the first demo community still in hospital now) and family events."""
    cadres = demo.cadres
    picked = rng.sample(cadres, min(len(cadres), max(2, len(cadres) // 25)))
    first = [c for c in cadres if c.community_id == demo.communities[0].pk][:2]
    plans = []
    for n, cadre in enumerate(first + [c for c in picked if c not in first]):
        if n < len(first):  # in hospital now: admitted yesterday (due soon) and a week ago (overdue)
            admitted, days = demo.today - timedelta(days=1 if n == 0 else 7), None
        else:
            admitted, days = demo.today - timedelta(days=rng.randint(20, 350)), rng.randint(4, 18)
        diagnosis = rng.choice(DIAGNOSES)
        event = CadreEvent(
            cadre=cadre,
            kind=EventKind.HOSPITALISED,
            date=admitted,
            note=f"因{diagnosis}住院",
            created_by=demo.worker(cadre),
        )
        stay = HospitalStay(
            cadre=cadre,
            hospital=cadre.preferred_hospital or rng.choice(HOSPITALS),
            ward="内科",
            admitted_on=admitted,
            discharged_on=admitted + timedelta(days=days) if days else None,
            diagnosis=diagnosis,
            recorded_by=demo.worker(cadre),
        )
        plans.append(_event_plan(rng, demo, event, HOSPITAL.code, "住院探视", 3, stay))
    for cadre in rng.sample(cadres, min(len(cadres), max(1, len(cadres) // 60))):
        note = rng.choice(FAMILY_EVENTS)
        event = CadreEvent(
            cadre=cadre,
            kind=EventKind.FAMILY_EVENT,
            date=demo.today - timedelta(days=rng.randint(10, 330)),
            note=note,
            created_by=demo.worker(cadre),
        )
        plans.append(_event_plan(rng, demo, event, FAMILY_EVENT.code, "重大家事看望", 3, None))
    return plans


def _event_plan(
    rng: random.Random,
    demo: Demo,
    event: CadreEvent,
    kind: str,
    title: str,
    days: int,
    stay: HospitalStay | None,
) -> _Plan:
    event.save()
    if stay is not None:
        stay.event = event
        stay.save()
    due = event.date + timedelta(days=days)
    task = _task(
        demo,
        event.cadre,
        kind=kind,
        rule_key=kind,
        key=f"event-{event.pk}",
        title=title,
        due=due,
        window=days,
        priority=3,
        event=event,
    )
    visits: list[tuple[date, str]]
    still_in = stay is not None and stay.discharged_on is None  # the worker has yet to go
    visits = (
        []
        if still_in or due >= demo.today - timedelta(days=3)
        else [(event.date + timedelta(days=rng.randint(0, days)), VisitOutcome.VISITED)]
    )
    form = VisitForm.HOSPITAL if stay is not None else VisitForm.HOME
    return _Plan(
        task, visits, "水果、牛奶" if stay is not None else "慰问品", 500 if stay is not None else 0, form
    )


def _save(rng: random.Random, demo: Demo, plans: list[_Plan]) -> int:
    """The tasks (status from their visits), then all visit records, each as one bulk insert."""
    for plan in plans:
        task = plan.task
        done = plan.visits and plan.visits[-1][1] != VisitOutcome.NOBODY_HOME
        if done:
            task.status = TaskStatus.DONE
            task.done_at = demo.at(plan.visits[-1][0], 9 * 60 + rng.randrange(8 * 60))
        elif task.due_date < demo.today:
            task.status = TaskStatus.OVERDUE
    VisitTask.objects.bulk_create([p.task for p in plans], batch_size=2000)
    records = []
    for plan in plans:
        worker = demo.worker(plan.task.cadre)
        for on, outcome in plan.visits:
            home = outcome != VisitOutcome.NOBODY_HOME
            needs = rng.choice(NEEDS) if home and rng.random() < 0.12 else ""
            records.append(
                VisitRecord(
                    task=plan.task,
                    visited_on=on,
                    visitors=worker.display_name,
                    form=plan.form,
                    outcome=outcome,
                    gifts=plan.gifts if home else "",
                    money=Decimal(plan.money) if home and plan.money else None,
                    findings=rng.choice(FINDINGS) if home else "敲门无人应答，已电话联系家属",
                    needs=needs,
                    recorded_by=worker,
                )
            )
    _mark_stories(demo, records)
    VisitRecord.objects.bulk_create(records, batch_size=2000)
    return len(records)


# Visits worth telling in the 汇报材料 (典型事例): the worker ticks 可用于汇报材料 on a few.
STORY_FINDINGS = [
    "老人得知楼栋有独居老人行动不便，主动联系邻居组成帮扶小组，每天上门问候，还为社区老年人协会捐赠了一批图书。",
    "老人退休前是中学教师，走访中提出愿意为社区孩子义务辅导作业，社区已为他安排每周两次的“四点半课堂”。",
    "老人住院期间社区工作人员每日电话问候，出院后上门帮助联系家庭医生签约，老人及家属送来感谢信。",
    "老人把多年积累的党史资料整理成册，在走访中提出为社区党员讲一次党课，已列入下月主题党日。",
]


def _mark_stories(demo: Demo, records: list[VisitRecord]) -> None:
    """About one visit in 150 at home becomes a story (its own random stream: the rest of the history stays)."""
    rng = demo.rng("visit-stories")
    for record in records:
        if record.outcome != VisitOutcome.NOBODY_HOME and rng.random() < 1 / 150:
            record.findings, record.for_reports = rng.choice(STORY_FINDINGS), True


def lonely(cadre: Cadre) -> bool:
    return cadre.living_arrangement in (LivingArrangement.ALONE, LivingArrangement.EMPTY_NEST)
