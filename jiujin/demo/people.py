"""The demo cadres: generated from one seeded random stream and written set-based (bulk inserts in chunks),
so the 1,000,000-row benchmark set builds in minutes. Chronic conditions go to the health record
(`health.Condition`), their one home."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import Lunar, LunarYear, Solar

from jiujin.accounts.models import User
from jiujin.cadres.models import (
    BirthdayCalendar,
    Cadre,
    CadreStatus,
    Category,
    FamilyContact,
    HealthStatus,
    LivingArrangement,
    Rank,
    WorkUnit,
)
from jiujin.cadres.tags import tag_scope_path
from jiujin.health.models import Condition
from jiujin.orgs.models import OrgUnit

from . import identities
from .tree import TAGS, TREE

CHUNK = 5000
HOSPITALS = ["江城市第一人民医院", "江城市中心医院", "江城市中医医院", "东湖区人民医院", "西山区人民医院"]
CHRONIC = ["高血压", "糖尿病", "冠心病", "慢阻肺", "关节炎", "脑梗后遗症", "白内障"]
HABITS = [
    "每天早上6点起床，到公园打太极拳",
    "早睡早起，午饭后午睡一小时",
    "喜欢清淡饮食，不吸烟，偶尔喝点黄酒",
    "每天下午在小区散步，晚饭后看新闻联播",
    "上午去社区活动室下棋，下午在家练字",
    "每周二、五上午到社区老年大学上课",
    "行动不便，多在家中，由家属陪同就医",
    "爱听广播，每天读报一小时",
    "每月初到医院复查并取药",
]
SPECIALTIES = ["擅长书法，曾获市老年书画展一等奖", "会拉二胡", "擅长剪纸", "曾任厂工会文艺骨干", "会修理家电"]
# Relation → is the relative male (None: the spouse, the cadre's opposite).
RELATIONS = {
    "儿子": True,
    "女儿": False,
    "配偶": None,
    "儿媳": False,
    "女婿": True,
    "孙子": True,
    "孙女": False,
}
BLOOD_RELATIONS = {"儿子", "女儿", "孙子", "孙女"}
ETHNICITIES = ["汉族"] * 95 + ["回族", "土家族", "满族", "蒙古族", "苗族"]
# Every BIRTHDAY_EVERY-th cadre has a milestone birthday in the coming week (every other one by the lunar
# calendar), so the home page's "birthdays this week" and the 祝寿 tasks always have someone.
BIRTHDAY_EVERY = 40
MILESTONES = (70, 75, 80, 85, 90)


@lru_cache(maxsize=1)
def _lunar_calendar(first_year: int = 1924, last_year: int = 1965) -> dict[date, tuple[int, int, bool]]:
    """Solar date → (lunar month, day, leap?) for the demo's birth years.

    Built month by month (~40 lunar-year computations) because converting each date separately costs
    ~20 ms in lunar_python — hours for a million cadres.
    """
    table = {}
    for year in range(first_year, last_year + 1):
        for month in LunarYear.fromYear(year).getMonthsInYear():
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            start = date(first.getYear(), first.getMonth(), first.getDay())
            for offset in range(month.getDayCount()):
                table[start + timedelta(days=offset)] = (
                    abs(month.getMonth()),
                    offset + 1,
                    month.getMonth() < 0,
                )
    return table


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class CadreMaker:
    """Generates unsaved cadres (and their tags, family and conditions) from one seeded random stream."""

    def __init__(
        self,
        rng: random.Random,
        *,
        today: date,
        communities: list[OrgUnit],
        workers: dict[int, User],
        units: list[WorkUnit],
    ) -> None:
        self.rng = rng
        self.today = today
        self.communities = communities
        self.workers = workers
        self.units = units
        self.districts = {c.pk: TREE[c.code[:6]][0] for c in communities}
        self.seq: Counter[tuple[str, date, bool]] = Counter()
        self.search_keys: dict[str, tuple[str, str]] = {}
        self.count = 0
        # Filled per cadre, consumed by insert_chunk once the cadre has a primary key.
        self.tag_picks: dict[str, list[str]] = {}
        self.family: dict[str, list[FamilyContact]] = {}
        self.conditions: dict[str, list[str]] = {}

    def cadres(self, n: int) -> Iterator[Cadre]:
        for _ in range(n):
            yield self.cadre()

    def cadre(self) -> Cadre:
        rng = self.rng
        self.count += 1
        birthday_soon = self.count % BIRTHDAY_EVERY == 1
        lixiu = not birthday_soon and rng.random() < 0.03
        male = rng.random() < (0.8 if lixiu else 0.6)
        community = rng.choice(self.communities)
        area = community.code[:6]
        lunar = birthday_soon and self.count % (2 * BIRTHDAY_EVERY) == 1
        birth = self._birthday_soon(lunar) if birthday_soon else self._birth(lixiu)
        birth, number = self._id_number(area, birth, male)
        cadre = Cadre(
            name=identities.chinese_name(rng, male=male),
            gender="M" if male else "F",
            id_number=number,
            birth_date=birth,
            ethnicity=rng.choice(ETHNICITIES),
            is_party_member=lixiu or rng.random() < 0.9,
            category=Category.LIXIU if lixiu else Category.TUIXIU,
            rank=rng.choices(list(Rank), weights=(15, 40, 35, 10) if lixiu else (4, 22, 44, 30))[0],
            work_unit=rng.choice(self.units) if rng.random() < 0.9 else None,
            retirement_date=max(years_after(birth, 60 if male or lixiu else 55), date(1982, 1, 1)),
            community=community,
            responsible_worker=self.workers[community.pk],
        )
        cadre.party_branch = f"{community.name}离退休干部党支部" if cadre.is_party_member else ""
        self._contacts(cadre, community)
        self._family_and_health(cadre)
        self._hobbies_and_habits(cadre)
        if lunar or (not birthday_soon and rng.random() < 0.15):
            # ~15% keep their birthday by the lunar calendar: the lunar date of their actual birth.
            cadre.birthday_calendar = BirthdayCalendar.LUNAR
            cadre.lunar_month, cadre.lunar_day, cadre.lunar_leap = _lunar_calendar()[cadre.birth_date]
        if not birthday_soon:
            self._status(cadre)
        self._search_keys(cadre)
        return cadre

    def _birth(self, lixiu: bool) -> date:
        # 离休 cadres joined before October 1949, so were born by 1931; retirees skew younger.
        start, end = (
            (date(1925, 1, 1), date(1931, 12, 31)) if lixiu else (date(1932, 1, 1), date(1964, 12, 31))
        )
        span = (end - start).days
        return start + timedelta(days=int(self.rng.triangular(0, span, span * 0.75)))

    def _birthday_soon(self, lunar: bool) -> date:
        """A birth date whose milestone birthday (solar, or lunar: same lunar month and day) is this week."""
        age = self.rng.choice(MILESTONES)
        target = self.today + timedelta(days=self.rng.randrange(7))
        if not lunar:
            return years_after(target, -age)
        moon = Solar.fromYmd(target.year, target.month, target.day).getLunar()
        month, day = abs(moon.getMonth()), min(moon.getDay(), 29)  # not every year's month has a 30th
        born = Lunar.fromYmd(moon.getYear() - age, month, day).getSolar()
        return date(born.getYear(), born.getMonth(), born.getDay())

    def _id_number(self, area: str, birth: date, male: bool) -> tuple[date, str]:
        """A unique number: the 3-digit sequence allows 500 per area, birth date and sex."""
        while self.seq[(area, birth, male)] >= 500:
            birth += timedelta(days=1)
        seq = self.seq[(area, birth, male)]
        self.seq[(area, birth, male)] += 1
        return birth, identities.id_number(birth, seq=seq, male=male, area=area)

    def _contacts(self, cadre: Cadre, community: OrgUnit) -> None:
        rng = self.rng
        if rng.random() < 0.92:
            road = community.name.removesuffix("社区") + rng.choice(["路", "街", "大道"])
            cadre.address = (
                f"江城市{self.districts[community.pk]}{road}{rng.randint(1, 200)}号"
                f"{rng.randint(1, 12)}栋{rng.randint(1, 4)}单元{rng.randint(1, 7)}0{rng.randint(1, 4)}"
            )
        if rng.random() < 0.85:
            cadre.phone_mobile = identities.mobile(rng)
        if rng.random() < 0.4:
            cadre.phone_landline = identities.landline(rng)

    def _family_and_health(self, cadre: Cadre) -> None:
        rng = self.rng
        if rng.random() < 0.9:
            cadre.living_arrangement = rng.choices(list(LivingArrangement), weights=(12, 40, 40, 8))[0]
        if rng.random() < 0.88:
            cadre.health_status = rng.choices(list(HealthStatus), weights=(30, 45, 20, 5))[0]
        if rng.random() < 0.5:
            self.conditions[cadre.id_number] = rng.sample(CHRONIC, rng.randint(1, 2))
        if rng.random() < 0.7:
            cadre.preferred_hospital = rng.choice(HOSPITALS)
        if rng.random() < 0.75:
            self.family[cadre.id_number] = [self._relative(cadre) for _ in range(rng.randint(1, 2))]

    def _relative(self, cadre: Cadre) -> FamilyContact:
        rng = self.rng
        relation = rng.choice(list(RELATIONS))
        male = RELATIONS[relation]
        male = cadre.gender != "M" if male is None else male
        # Children and grandchildren carry the cadre's surname (by custom, mostly).
        name = identities.chinese_name(rng, male=male)
        if relation in BLOOD_RELATIONS:
            name = cadre.name[0] + name[1:]
        lives_with = (relation == "配偶" and cadre.living_arrangement == LivingArrangement.EMPTY_NEST) or (
            relation != "配偶" and cadre.living_arrangement == LivingArrangement.WITH_CHILDREN
        )
        return FamilyContact(
            name=name, relation=relation, phone=identities.mobile(rng), lives_with=lives_with
        )

    def _hobbies_and_habits(self, cadre: Cadre) -> None:
        rng = self.rng
        if rng.random() < 0.75:
            self.tag_picks[cadre.id_number] = rng.sample(TAGS, rng.randint(1, 3))
        if rng.random() < 0.1:
            cadre.specialties = rng.choice(SPECIALTIES)
        if rng.random() < 0.7:
            cadre.habits = "；".join(rng.sample(HABITS, rng.randint(1, 2))) + "。"

    def _status(self, cadre: Cadre) -> None:
        roll = self.rng.random()
        if roll < 0.03:
            cadre.status, cadre.status_reason = CadreStatus.DECEASED, "病故"
        elif roll < 0.04:
            cadre.status, cadre.status_reason = CadreStatus.MOVED_OUT, "随子女迁居外地"
        else:
            return
        cadre.status_date = self.today - timedelta(days=30 + self.rng.randrange(900))

    def _search_keys(self, cadre: Cadre) -> None:
        """pypinyin is slow and names repeat, so compute each distinct name's keys once."""
        keys = self.search_keys.get(cadre.name)
        if keys is None:
            cadre.refresh_search_keys()
            self.search_keys[cadre.name] = (cadre.name_pinyin, cadre.name_initials)
        else:
            cadre.name_pinyin, cadre.name_initials = keys


def chunks(items: Iterator[Cadre], size: int = CHUNK) -> Iterator[list[Cadre]]:
    chunk: list[Cadre] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def insert_chunk(chunk: list[Cadre], maker: CadreMaker, tags: dict[tuple[str, str], int]) -> None:
    """One chunk of cadres, then their tags, family contacts and conditions, each as one bulk insert."""
    Cadre.objects.bulk_create(chunk)
    if chunk[0].pk is None:  # backends that cannot return ids from a bulk insert
        ids = dict(
            Cadre.objects.filter(id_number__in=[c.id_number for c in chunk]).values_list("id_number", "pk")
        )
        for cadre in chunk:
            cadre.pk = ids[cadre.id_number]
    through = Cadre.tags.through
    links, family, conditions = [], [], []
    for cadre in chunk:
        district = tag_scope_path(cadre.community.path)
        links += [
            through(cadre_id=cadre.pk, tag_id=tags[district, n])
            for n in maker.tag_picks.pop(cadre.id_number, [])
        ]
        for contact in maker.family.pop(cadre.id_number, []):
            contact.cadre_id = cadre.pk
            family.append(contact)
        for name in maker.conditions.pop(cadre.id_number, []):
            # Diagnosed at 55–74, derived from the ID number's sequence digits (no draw, no database id).
            diagnosed = years_after(cadre.birth_date, 55 + (int(cadre.id_number[14:17]) + len(name)) % 20)
            conditions.append(
                Condition(cadre_id=cadre.pk, name=name, diagnosed_on=min(diagnosed, maker.today))
            )
    through.objects.bulk_create(links)
    FamilyContact.objects.bulk_create(family)
    Condition.objects.bulk_create(conditions)
