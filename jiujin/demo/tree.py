"""The demo city's org tree, its logins (with phone numbers), work units and per-district tags."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import Tag, WorkUnit
from jiujin.cadres.tags import tag_scope_path
from jiujin.orgs.models import OrgLevel, OrgUnit
from jiujin.orgs.services import org_unit_create

from . import identities

DEMO_CITY_CODE = "4299"
DEMO_PASSWORD = "jiujin-demo"

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
DEMO_COMMUNITIES = (COMMUNITY_A_CODE, COMMUNITY_B_CODE)

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
WORKER_NAMES = ["刘晓燕", "陈静", "王芳", "张丽", "杨帆", "赵敏", "黄磊", "周洁", "吴婷", "徐亮", "孙倩"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: str


def create_tree() -> list[OrgUnit]:
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


def create_users(
    communities: list[OrgUnit], rng: random.Random
) -> tuple[list[DemoLogin], dict[int, User], str]:
    """The named logins plus one worker per other community, each with a mobile number (the contact card
    and the directory print it); returns the logins, the worker per community and the shared hash."""
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
        (f"demo-worker-{c.code}", Role.COMMUNITY, c) for c in communities if c.code not in DEMO_COMMUNITIES
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
            phone=identities.mobile(rng) if unit else "",
            is_superuser=role == Role.ADMIN,
            is_staff=role == Role.ADMIN,
        )
        logins.append(DemoLogin(username, user.get_role_display(), unit.name if unit else "全部"))
        if role == Role.COMMUNITY:
            workers[unit.pk] = user  # type: ignore[union-attr]
    return logins, workers, password


def work_units() -> list[WorkUnit]:
    rng = random.Random(0)
    WorkUnit.objects.bulk_create(
        [WorkUnit(name=n, contact_person=p, contact_phone=identities.landline(rng)) for n, p in WORK_UNITS],
        ignore_conflicts=True,
    )
    return list(WorkUnit.objects.filter(name__in=[n for n, _ in WORK_UNITS]))


def tags(communities: list[OrgUnit]) -> dict[tuple[str, str], int]:
    """(district path, name) -> tag id: tags are per district (cadres.tags)."""
    paths = {tag_scope_path(c.path) for c in communities}
    districts = list(OrgUnit.objects.filter(path__in=paths))
    Tag.objects.bulk_create([Tag(org_unit=d, name=n) for d in districts for n in TAGS], ignore_conflicts=True)
    rows = Tag.objects.filter(org_unit__in=districts, name__in=TAGS)
    return {(p, n): pk for p, n, pk in rows.values_list("org_unit__path", "name", "pk")}
