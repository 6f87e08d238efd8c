"""Demo data: a fictional city 江城市 (code 4299) with logins and plausible cadres.

Everything lives under area codes that no real place has (4299xx), so demo rows can always be told
from real ones. Cadres are written set-based (bulk inserts in chunks) so the 1,000,000-row benchmark
set builds in minutes; demo rows are not audit-logged — nobody's personal data is involved.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from lunar_python import LunarYear, Solar

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import (
    BirthdayCalendar,
    Cadre,
    CadreStatus,
    Category,
    FamilyContact,
    HealthStatus,
    LivingArrangement,
    Rank,
    Tag,
    WorkUnit,
)
from jiujin.cadres.tags import tag_scope_path
from jiujin.orgs.models import OrgLevel, OrgUnit
from jiujin.orgs.services import org_unit_create

from . import identities

DEMO_CITY_CODE = "4299"
DEMO_PASSWORD = "jiujin-demo"
CHUNK = 5000

# district code → (name, {street code: (name, [community names])}); community codes are street + 001, 002…
TREE = {
    "429901": (
        "东湖区",
        {
            "4299010001": ("东湖街道", ["翠柳社区", "梨园社区", "桃源社区"]),
            "4299010002": ("水果湖街道", ["茶港社区", "洪山社区"]),
        },
    ),
    "429902": (
        "西山区",
        {
            "4299020001": ("西山街道", ["松林社区", "枫叶社区", "石门社区"]),
            "4299020002": ("南湖街道", ["湖滨社区", "金湖社区"]),
        },
    ),
}
# The named logins: the first district, its first street, that street's first two communities.
DISTRICT_CODE, STREET_CODE = "429901", "4299010001"
COMMUNITY_A_CODE, COMMUNITY_B_CODE = "4299010001001", "4299010001002"

WORK_UNITS = [
    ("江城市财政局", "周建华"),
    ("江城市教育局", "李秀兰"),
    ("江城市卫生健康委员会", "王志强"),
    ("江城市公安局", "陈国庆"),
    ("江城市民政局", "刘桂芳"),
    ("江城市人民政府办公室", "赵文斌"),
    ("江城市发展和改革委员会", "孙立新"),
    ("江城市税务局", "吴海燕"),
    ("江城市自然资源和规划局", "郑明辉"),
    ("江城市交通运输局", "黄德胜"),
    ("江城市水务局", "何春梅"),
    ("江城市第一中学", "林晓东"),
    ("江城市第二中学", "罗红英"),
    ("江城市第一人民医院", "高振宇"),
    ("江城市中心医院", "梁玉珍"),
    ("江城市钢铁厂", "谢永忠"),
    ("江城市纺织厂", "宋丽华"),
    ("东湖区人民政府", "唐建国"),
    ("西山区人民政府", "许光明"),
    ("江城市供销合作社", "韩淑英"),
]
TAGS = ["书法", "象棋", "太极拳", "合唱", "摄影", "园艺", "京剧", "乒乓球", "军棋", "双升", "绘画", "诗词"]
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
WORKER_NAMES = ["刘晓燕", "陈静", "王芳", "张丽", "杨帆", "赵敏", "黄磊", "周洁", "吴婷", "徐亮", "孙倩"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


def demo_data_exists() -> bool:
    return OrgUnit.objects.filter(code=DEMO_CITY_CODE).exists()


def real_data_exists() -> bool:
    """Any cadre outside the demo city is someone's real record."""
    return Cadre.objects.exclude(community__path__startswith=f"/{DEMO_CITY_CODE}/").exists()


@transaction.atomic
def demo_data_create(
    *, cadres: int = 1000, seed: int = 2024, progress: Callable[[str], None] | None = None
) -> list[DemoLogin]:
    """Build the demo city, its logins and `cadres` cadres. Callers check `demo_data_exists()` first."""
    progress = progress or (lambda message: None)
    _bulk_load_settings()
    communities = _create_tree()
    logins, workers = _create_users(communities)
    units = _work_units()
    tags = _tags(communities)
    maker = _CadreMaker(random.Random(seed), communities=communities, workers=workers, units=units)
    done = 0
    for chunk in _chunks(maker.cadres(cadres), CHUNK):
        _insert(chunk, maker, tags)
        done += len(chunk)
        progress(f"已生成 {done}/{cadres} 名老干部")
    return logins


def demo_logins() -> list[DemoLogin]:
    """The logins as they stand (for printing when the demo already exists)."""
    users = User.objects.filter(username__startswith="demo-").select_related("org_unit").order_by("id")
    return [
        DemoLogin(u.username, u.get_role_display(), u.org_unit.name if u.org_unit else "全部") for u in users
    ]


def _bulk_load_settings() -> None:
    """SQLite's default 2 MB page cache thrashes on a million rows with nine indexes: use 256 MB."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


# --- the org tree and users -------------------------------------------------------------------------


def _create_tree() -> list[OrgUnit]:
    city = org_unit_create(code=DEMO_CITY_CODE, name="江城市", level=OrgLevel.CITY)
    communities = []
    for district_code, (district_name, streets) in TREE.items():
        district = org_unit_create(
            code=district_code, name=district_name, level=OrgLevel.DISTRICT, parent=city
        )
        for street_code, (street_name, names) in streets.items():
            street = org_unit_create(
                code=street_code, name=street_name, level=OrgLevel.STREET, parent=district
            )
            for i, name in enumerate(names, start=1):
                code = f"{street_code}{i:03d}"
                communities.append(
                    org_unit_create(code=code, name=name, level=OrgLevel.COMMUNITY, parent=street)
                )
    return communities


def _create_users(communities: list[OrgUnit]) -> tuple[list[DemoLogin], dict[int, User]]:
    """The named logins plus one worker per other community; returns logins and worker per community."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[DISTRICT_CODE, STREET_CODE])}
    by_code = {c.code: c for c in communities}
    wanted: list[tuple[str, str, OrgUnit | None]] = [
        ("demo-admin", Role.ADMIN, None),
        ("demo-district", Role.DISTRICT, units[DISTRICT_CODE]),
        ("demo-street", Role.STREET, units[STREET_CODE]),
        ("demo-community-a", Role.COMMUNITY, by_code[COMMUNITY_A_CODE]),
        ("demo-community-b", Role.COMMUNITY, by_code[COMMUNITY_B_CODE]),
    ]
    wanted += [
        (f"demo-worker-{c.code}", Role.COMMUNITY, c)
        for c in communities
        if c.code not in {COMMUNITY_A_CODE, COMMUNITY_B_CODE}
    ]
    # One hash for all: the demo password is public anyway, and PBKDF2 costs ~0.5 s per call.
    # (Password validators are deliberately not applied to the demo password.)
    password = make_password(DEMO_PASSWORD)
    logins, workers = [], {}
    for i, (username, role, unit) in enumerate(wanted):
        name = WORKER_NAMES[i % len(WORKER_NAMES)] if unit else "管理员"
        user = User.objects.create(
            username=username,
            password=password,
            role=role,
            org_unit=unit,
            last_name=name[0],
            first_name=name[1:],
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
        )
        logins.append(DemoLogin(username, user.get_role_display(), unit.name if unit else "全部"))
        if role == Role.COMMUNITY:
            workers[unit.pk] = user  # type: ignore[union-attr]
    return logins, workers


def _work_units() -> list[WorkUnit]:
    rng = random.Random(0)
    WorkUnit.objects.bulk_create(
        [WorkUnit(name=n, contact_person=p, contact_phone=identities.landline(rng)) for n, p in WORK_UNITS],
        ignore_conflicts=True,
    )
    return list(WorkUnit.objects.filter(name__in=[n for n, _ in WORK_UNITS]))


def _tags(communities: list[OrgUnit]) -> dict[tuple[str, str], int]:
    """(district path, name) -> tag id: tags are per district (cadres.tags)."""
    paths = {tag_scope_path(c.path) for c in communities}
    districts = list(OrgUnit.objects.filter(path__in=paths))
    Tag.objects.bulk_create([Tag(org_unit=d, name=n) for d in districts for n in TAGS], ignore_conflicts=True)
    rows = Tag.objects.filter(org_unit__in=districts, name__in=TAGS)
    return {(p, n): pk for p, n, pk in rows.values_list("org_unit__path", "name", "pk")}


# --- cadres ------------------------------------------------------------------------------------------


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


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class _CadreMaker:
    """Generates unsaved cadres (and their tags and family) from one seeded random stream."""

    def __init__(
        self,
        rng: random.Random,
        *,
        communities: list[OrgUnit],
        workers: dict[int, User],
        units: list[WorkUnit],
    ) -> None:
        self.rng = rng
        self.communities = communities
        self.workers = workers
        self.units = units
        self.districts = {c.pk: TREE[c.code[:6]][0] for c in communities}
        self.seq: Counter[tuple[str, date, bool]] = Counter()
        self.search_keys: dict[str, tuple[str, str]] = {}
        # Filled per cadre, consumed by _insert once the cadre has a primary key.
        self.tag_picks: dict[str, list[str]] = {}
        self.family: dict[str, list[FamilyContact]] = {}

    def cadres(self, n: int) -> Iterator[Cadre]:
        for _ in range(n):
            yield self.cadre()

    def cadre(self) -> Cadre:
        rng = self.rng
        lixiu = rng.random() < 0.03
        male = rng.random() < (0.8 if lixiu else 0.6)
        community = rng.choice(self.communities)
        area = community.code[:6]
        birth = self._birth(lixiu)
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
            retirement_date=max(_years_after(birth, 60 if male or lixiu else 55), date(1982, 1, 1)),
            community=community,
            responsible_worker=self.workers[community.pk],
        )
        cadre.party_branch = f"{community.name}离退休干部党支部" if cadre.is_party_member else ""
        self._contacts(cadre, community)
        self._family_and_health(cadre)
        self._hobbies_and_habits(cadre)
        self._birthday(cadre)
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
            cadre.chronic_conditions = "、".join(rng.sample(CHRONIC, rng.randint(1, 2)))
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

    def _birthday(self, cadre: Cadre) -> None:
        # ~15% keep their birthday by the lunar calendar: the lunar date of their actual birth.
        if self.rng.random() < 0.15:
            cadre.birthday_calendar = BirthdayCalendar.LUNAR
            cadre.lunar_month, cadre.lunar_day, cadre.lunar_leap = _lunar_calendar()[cadre.birth_date]

    def _status(self, cadre: Cadre) -> None:
        roll = self.rng.random()
        if roll < 0.03:
            cadre.status, cadre.status_reason = CadreStatus.DECEASED, "病故"
        elif roll < 0.04:
            cadre.status, cadre.status_reason = CadreStatus.MOVED_OUT, "随子女迁居外地"
        else:
            return
        cadre.status_date = date(2023, 1, 1) + timedelta(days=self.rng.randrange(900))

    def _search_keys(self, cadre: Cadre) -> None:
        """pypinyin is slow and names repeat, so compute each distinct name's keys once."""
        keys = self.search_keys.get(cadre.name)
        if keys is None:
            cadre.refresh_search_keys()
            self.search_keys[cadre.name] = (cadre.name_pinyin, cadre.name_initials)
        else:
            cadre.name_pinyin, cadre.name_initials = keys


def _chunks(items: Iterator[Cadre], size: int) -> Iterator[list[Cadre]]:
    chunk: list[Cadre] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(chunk: list[Cadre], maker: _CadreMaker, tags: dict[tuple[str, str], int]) -> None:
    """One chunk of cadres, then their tags and family contacts, each as one bulk insert."""
    Cadre.objects.bulk_create(chunk)
    if chunk[0].pk is None:  # backends that cannot return ids from a bulk insert
        ids = dict(
            Cadre.objects.filter(id_number__in=[c.id_number for c in chunk]).values_list("id_number", "pk")
        )
        for cadre in chunk:
            cadre.pk = ids[cadre.id_number]
    through = Cadre.tags.through
    links, family = [], []
    for cadre in chunk:
        district = tag_scope_path(cadre.community.path)
        links += [
            through(cadre_id=cadre.pk, tag_id=tags[district, n])
            for n in maker.tag_picks.pop(cadre.id_number, [])
        ]
        for contact in maker.family.pop(cadre.id_number, []):
            contact.cadre_id = cadre.pk
            family.append(contact)
    through.objects.bulk_create(links)
    FamilyContact.objects.bulk_create(family)
