"""Demo history for the contributions app: a 银发人才库 of a few dozen cadres per district (some due for their
two-year review), a 义务巡逻队 and a 关心下一代 tutoring team per community logging hours through the year, the
慈善一日捐 and other donations with receipts, a few pieces of advice, and stories marked for reports."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from jiujin.cadres.models import Cadre
from jiujin.contributions.models import (
    REVIEW_YEARS,
    Contribution,
    JoinedVia,
    Kind,
    Outing,
    Role,
    Story,
    StoryPhoto,
    TalentEntry,
    TalentField,
    Team,
    TeamMember,
    years_after,
)
from jiujin.core.attachments import check_upload
from jiujin.orgs.models import OrgUnit

from .context import Demo

TALENT_PER_DISTRICT = 36
SPECIALTIES = {
    TalentField.PARTY: "曾任机关党委书记，熟悉党建工作",
    TalentField.EDUCATION: "退休教师，擅长青少年思想教育",
    TalentField.LAW: "退休法官，擅长邻里纠纷调解",
    TalentField.MEDICAL: "退休医生，熟悉慢病管理",
    TalentField.CULTURE: "爱好太极拳和合唱",
    TalentField.ART: "擅长书法，常为社区写春联",
    TalentField.TECH: "退休工程师，会修家电",
    TalentField.OTHER: "热心公益",
}
ADVICE = ["建议在小区增设休息座椅", "建议加装楼道扶手", "建议老年食堂增加软食", "建议规范电动车停放"]
STORIES = [
    (
        "十年巡逻守平安",
        "每晚八点，巡逻队的老同志们准时出发，十年来协助化解矛盾、排查隐患，居民称他们是“夜里的灯”。",
    ),
    ("“五老”辅导员的课堂", "退休教师每周为社区孩子辅导作业、讲革命故事，孩子们亲切地叫他“老师爷爷”。"),
]


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (60, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def contributions_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write a year of contributions history for the demo city; return a one-line Chinese report."""
    by_community: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in demo.cadres:
        by_community[cadre.community_id].append(cadre)
    talent = _talent(demo, by_community)
    teams, hours = _teams(demo, by_community)
    donations = _donations(demo, by_community)
    stories = _stories(demo, by_community)
    return (
        f"银发人才库 {talent} 人，队伍 {len(teams)} 支，服务时长 {hours:.0f} 小时，"
        f"捐款 {donations} 笔，先进典型 {stories} 篇"
    )


def _district_code(unit: OrgUnit) -> str:
    return unit.chain_codes()[1] if len(unit.chain_codes()) > 1 else unit.code


def _talent(demo: Demo, by_community: dict[int, list[Cadre]]) -> int:
    rng = demo.rng("contributions:talent")
    by_district: dict[str, list[Cadre]] = defaultdict(list)
    for unit in demo.communities:
        by_district[_district_code(unit)] += by_community.get(unit.pk, [])
    rows = []
    fields = list(TalentField)
    for cadres in by_district.values():
        for cadre in rng.sample(cadres, min(TALENT_PER_DISTRICT, len(cadres))):
            field = rng.choice(fields)
            joined = demo.today - timedelta(days=rng.randint(30, 3 * 365))
            nominated = rng.random() < 0.7
            worker = demo.worker(cadre)
            rows.append(
                TalentEntry(
                    cadre=cadre,
                    field=field,
                    specialty=SPECIALTIES[field],
                    joined_via=JoinedVia.NOMINATION if nominated else JoinedVia.SELF,
                    nominated_by=worker if nominated else None,
                    nominator_name=worker.display_name if nominated else "",
                    joined_on=joined,
                    next_review_on=years_after(joined, REVIEW_YEARS),  # those joined 2+ years ago are due
                    created_by=worker,
                )
            )
    TalentEntry.objects.bulk_create(rows)
    return len(rows)


def _teams(demo: Demo, by_community: dict[int, list[Cadre]]) -> tuple[list[Team], Decimal]:
    rng = demo.rng("contributions:teams")
    teams: list[Team] = []
    members: dict[int, list[Cadre]] = {}
    for unit in demo.communities:
        cadres = by_community.get(unit.pk, [])
        if len(cadres) < 8:
            continue
        patrol = rng.sample(cadres, min(8, len(cadres)))
        tutors = rng.sample(cadres, 5)
        for name, role, crew in (
            (f"{unit.name}义务巡逻队", Role.PATROL, patrol),
            (f"{unit.name}关心下一代辅导队", Role.TUTOR, tutors),
        ):
            team = Team(
                name=name, role=role, org_unit=unit, leader=crew[0], created_at=demo.at(demo.start, 540)
            )
            teams.append(team)
            members[id(team)] = crew
    Team.objects.bulk_create(teams)
    TeamMember.objects.bulk_create(
        TeamMember(team=team, cadre=c, joined_on=demo.start) for team in teams for c in members[id(team)]
    )
    outings: list[tuple[Outing, list[Cadre], Decimal]] = []
    for team in teams:
        weekday, hours = (5, Decimal("2")) if team.role == Role.PATROL else (2, Decimal("1.5"))
        day = demo.start + timedelta(days=(weekday - demo.start.weekday()) % 7)
        while day <= demo.today:
            if team.role == Role.TUTOR and day.month in (2, 7, 8):  # no tutoring in the school holidays
                day += timedelta(days=7)
                continue
            went = [c for c in members[id(team)] if rng.random() < 0.7]
            title = "夜间巡逻" if team.role == Role.PATROL else "作业辅导和红色故事会"
            worker = demo.worker(members[id(team)][0])
            outings.append((Outing(team=team, date=day, title=title, created_by=worker), went, hours))
            day += timedelta(days=7)
    Outing.objects.bulk_create([o for o, _w, _h in outings], batch_size=2000)
    rows = [
        Contribution(
            cadre=c,
            kind=Kind.PATROL if o.team.role == Role.PATROL else Kind.TUTOR,
            date=o.date,
            hours=h,
            note=o.title,
            org_unit_id=c.community_id,
            outing=o,
            created_by=o.created_by,
            created_at=demo.at(o.date, 1200),
        )
        for o, went, h in outings
        for c in went
    ]
    Contribution.objects.bulk_create(rows, batch_size=2000)
    return teams, sum((r.hours or Decimal("0") for r in rows), Decimal("0"))


def _donations(demo: Demo, by_community: dict[int, list[Cadre]]) -> int:
    rng = demo.rng("contributions:donations")
    rows = []
    for unit in demo.communities:
        cadres = by_community.get(unit.pk, [])
        number = 0
        for cadre in cadres:
            if rng.random() < 0.3:  # 慈善一日捐, and now and then a gift to the 关心下一代 fund
                number += 1
                day = demo.today - timedelta(days=rng.randint(0, 360))
                rows.append(
                    Contribution(
                        cadre=cadre,
                        kind=Kind.DONATION,
                        date=day,
                        amount=Decimal(rng.choice([50, 100, 200, 300, 500]))
                        + Decimal(rng.choice([0, 0, 50])),
                        receipt_no=f"{unit.code[-3:]}-{day:%Y}-{number:04d}",
                        note=rng.choice(["慈善一日捐", "关心下一代基金捐款", "困难家庭帮扶捐款"]),
                        org_unit_id=unit.pk,
                        created_by=demo.worker(cadre),
                        created_at=demo.at(day, 600),
                    )
                )
            if rng.random() < 0.05:
                day = demo.today - timedelta(days=rng.randint(0, 360))
                rows.append(
                    Contribution(
                        cadre=cadre,
                        kind=Kind.ADVICE,
                        date=day,
                        note=rng.choice(ADVICE),
                        org_unit_id=unit.pk,
                        created_by=demo.worker(cadre),
                        created_at=demo.at(day, 600),
                    )
                )
    Contribution.objects.bulk_create(rows, batch_size=2000)
    return sum(1 for r in rows if r.kind == Kind.DONATION)


def _stories(demo: Demo, by_community: dict[int, list[Cadre]]) -> int:
    checked = check_upload(_photo(), name="事迹照片.jpg")
    seen: set[str] = set()
    stories: list[Story] = []
    for unit in demo.communities:
        district = _district_code(unit)
        cadres = by_community.get(unit.pk, [])
        if district in seen or not cadres:
            continue
        seen.add(district)
        for n, (title, text) in enumerate(STORIES):
            day = demo.today - timedelta(days=30 + 90 * n)
            stories.append(
                Story(
                    title=title,
                    text=text,
                    date=day,
                    org_unit=unit,
                    cadre=cadres[n % len(cadres)],
                    for_reports=True,
                    created_by=demo.worker(cadres[0]),
                    created_at=demo.at(day, 900),
                )
            )
    Story.objects.bulk_create(stories)
    StoryPhoto.objects.bulk_create(
        StoryPhoto.build(checked, uploaded_by=s.created_by, story=s) for s in stories
    )
    return len(stories)
