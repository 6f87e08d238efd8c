"""一助一: volunteers in every demo community (one with a login), pairings for empty-nest, lonely and
frail cadres, and a year of contact logs — a few flagged for the community to follow up."""

from __future__ import annotations

import random
from datetime import timedelta

from jiujin.accounts.models import Role, User
from jiujin.cadres.models import HealthStatus, LivingArrangement
from jiujin.volunteers.matching import building_of
from jiujin.volunteers.models import ContactForm, ContactLog, Pairing, Volunteer, VolunteerKind

from . import identities
from .context import Demo

SKILLS = ["理发", "家电维修", "陪同就医", "代购", "聊天陪伴", "保洁", "电脑手机教学", "推拿按摩"]
TIMES = ["周末全天", "工作日晚上", "每周二、四下午", "随叫随到"]
NOTES = [
    "上门陪老人聊天，帮忙打扫卫生",
    "电话问候，老人身体还好",
    "陪同去医院复查，取了一个月的药",
    "帮老人代购米面和蔬菜",
    "教老人用手机视频通话",
    "帮忙更换了灯泡",
]
ATTENTION = ["老人说最近头晕，建议社区联系家属", "家中燃气灶打不着火，需要维修", "老人情绪低落，想念子女"]
VOLUNTEER_LOGIN = "demo-volunteer"


def volunteers_create(demo: Demo, *, password: str) -> int:
    """5–8 volunteers per community; the first one of the first demo community logs in as `demo-volunteer`."""
    rng = demo.rng("volunteers")
    rows = []
    for community in demo.communities:
        for _ in range(rng.randint(5, 8)):
            rows.append(
                Volunteer(
                    name=identities.chinese_name(rng),
                    kind=rng.choices(list(VolunteerKind), weights=(30, 35, 30, 5))[0],
                    phone=identities.mobile(rng),
                    community=community,
                    address=(address := f"{community.name.removesuffix('社区')}小区{rng.randint(1, 12)}栋"),
                    building=building_of(address),
                    skills="、".join(rng.sample(SKILLS, 2)),
                    availability=rng.choice(TIMES),
                )
            )
    Volunteer.objects.bulk_create(rows)
    for volunteer in rows:
        demo.volunteers.setdefault(volunteer.community_id, []).append(volunteer)
    first = demo.volunteers[demo.communities[0].pk][0]
    first.user = User.objects.create(
        username=VOLUNTEER_LOGIN,
        password=password,
        role=Role.VOLUNTEER,
        org_unit=demo.communities[0],
        last_name=first.name[0],
        first_name=first.name[1:],
        phone=first.phone,
    )
    first.save(update_fields=["user"])
    return len(rows)


def pairings_create(demo: Demo) -> int:
    """Pair ~60% of the lonely or frail history cadres; log contacts every one to four weeks since."""
    rng = demo.rng("pairings")
    wanted = [
        c
        for c in demo.cadres
        if c.living_arrangement in (LivingArrangement.ALONE, LivingArrangement.EMPTY_NEST)
        or c.health_status in (HealthStatus.POOR, HealthStatus.DISABLED)
    ]
    pairings = []
    for cadre in wanted:
        if rng.random() > 0.6:
            continue
        volunteer = rng.choice(demo.volunteers[cadre.community_id])
        started = demo.today - timedelta(days=rng.randint(60, 900))
        pairings.append(
            Pairing(cadre=cadre, volunteer=volunteer, started_on=started, created_by=demo.worker(cadre))
        )
        if rng.random() < 0.08:  # an earlier partner who moved away
            other = rng.choice(demo.volunteers[cadre.community_id])
            pairings.append(
                Pairing(
                    cadre=cadre,
                    volunteer=other,
                    started_on=started - timedelta(days=400),
                    ended_on=started - timedelta(days=1),
                    end_reason="志愿者搬离本社区",
                    created_by=demo.worker(cadre),
                )
            )
    Pairing.objects.bulk_create(pairings)
    logs = []
    for pairing in pairings:
        if pairing.ended_on is None:
            logs += _contacts(rng, demo, pairing)
    ContactLog.objects.bulk_create(logs, batch_size=2000)
    return len(pairings)


def _contacts(rng: random.Random, demo: Demo, pairing: Pairing) -> list[ContactLog]:
    """Contacts from the later of the pairing and a year ago up to now; one in eight partners has gone
    quiet for the last five to eight weeks (the home page lists the cadre if 80+ or alone)."""
    day = max(pairing.started_on, demo.start) + timedelta(days=rng.randint(0, 14))
    stop = demo.today - timedelta(days=rng.randint(35, 56)) if rng.random() < 0.125 else demo.today
    user = pairing.volunteer.user
    logs = []
    while day <= stop:
        flagged = rng.random() < 0.05
        handled = flagged and (demo.today - day).days > 14
        logs.append(
            ContactLog(
                pairing=pairing,
                on=day,
                form=rng.choices(list(ContactForm), weights=(55, 35, 8, 2))[0],
                note=rng.choice(ATTENTION if flagged else NOTES),
                needs_attention=flagged,
                created_by=user or demo.worker(pairing.cadre),
                followed_up_at=demo.at(day + timedelta(days=2), 10 * 60) if handled else None,
                followed_up_by=demo.worker(pairing.cadre) if handled else None,
            )
        )
        day += timedelta(days=rng.randint(7, 28))
    return logs
