"""Each community's service directory (the numbers a 爱心服务卡 prints) and a few 个性化服务方案."""

from __future__ import annotations

from datetime import timedelta

from jiujin.cadres.models import HealthStatus, LivingArrangement
from jiujin.directory.models import DirectoryEntry, EntryKind
from jiujin.orgs.models import OrgUnit
from jiujin.plans.models import FrequencyUnit, PlanService, ServicePlan
from jiujin.plans.services import plan_tasks_generate
from jiujin.volunteers.models import VolunteerKind

from . import identities
from .calls import PROVIDERS
from .context import Demo
from .health_records import clinic_name

K = EntryKind
ALL_DAY = "24小时"
# The city's numbers, inherited by every community (a community may override or hide them).
CITY_ENTRIES = [
    ("emergency-120", K.OTHER, "急救中心", "120", ALL_DAY, "突发疾病、意外伤害", 1),
    ("police-110", K.OTHER, "报警电话", "110", ALL_DAY, "", 2),
    ("fire-119", K.OTHER, "火警电话", "119", ALL_DAY, "", 3),
    (
        "bureau-hotline",
        K.HOTLINE,
        "江城市委老干部局服务热线",
        "027-86000001",
        "工作日 8:30–17:30",
        "待遇政策咨询",
        90,
    ),
]
PLANS = [
    (
        "独居，腿脚不便，子女在外地；希望定期有人上门打扫、理发，常打电话问候。",
        ["助洁", "上门理发", "精神慰藉"],
    ),
    ("老伴失能卧床，本人高血压；需要陪同就医和代购。", ["助医陪诊", "代购代办", "生活照料"]),
    ("空巢老人，视力下降；需要代办缴费、上门巡诊。", ["代购代办", "康复护理"]),
]


def directory_create(demo: Demo, *, city: OrgUnit) -> int:
    """Returns the number of entries."""
    rng = demo.rng("directory")
    rows = [
        DirectoryEntry(
            org_unit=city, key=key, kind=kind, name=name, phones=phones, hours=hours, note=note, order=order
        )
        for key, kind, name, phones, hours, note, order in CITY_ENTRIES
    ]
    for street in {c.parent_id: c.parent for c in demo.communities if c.parent is not None}.values():
        rows.append(
            DirectoryEntry(
                org_unit=street,
                key="health-centre",
                kind=K.HEALTH_STATION,
                name=f"{street.name.removesuffix('街道')}街社区卫生服务中心",
                phones=identities.landline(rng),
                hours="8:00–20:00",
                note="家庭医生签约、慢病随访",
                order=30,
            )
        )
    for community in demo.communities:
        worker = demo.workers[community.pk]
        youth = [v for v in demo.volunteers.get(community.pk, []) if v.kind == VolunteerKind.YOUTH]
        base = community.name.removesuffix("社区")
        entries = [
            (
                "hotline",
                K.HOTLINE,
                f"{community.name}服务热线",
                identities.landline(rng),
                ALL_DAY,
                "接到电话即上门",
                10,
            ),
            (
                "on-duty",
                K.ON_DUTY,
                f"{worker.display_name}（老干部专干）",
                worker.phone,
                "工作日 8:30–17:30",
                "",
                20,
            ),
            (
                "station",
                K.HEALTH_STATION,
                clinic_name(community.name),
                identities.landline(rng),
                "8:00–17:30",
                "上门巡诊请提前预约",
                31,
            ),
            (
                "property",
                K.PROPERTY,
                f"{base}物业服务中心",
                identities.landline(rng),
                ALL_DAY,
                "水电维修、报修",
                40,
            ),
        ]
        if youth:
            entries.append(
                ("youth", K.YOUTH_VOLUNTEERS, f"青年志愿者 {youth[0].name}", youth[0].phone, "周末", "", 50)
            )
        for kind, key in ((K.HOUSEKEEPING, "cleaning"), (K.BARBER, "haircut"), (K.REPAIR, "repair")):
            name, phone = PROVIDERS[key]
            entries.append((key, kind, name, phone, "8:00–18:00", "老干部八折", 60))
        rows += [
            DirectoryEntry(
                org_unit=community,
                key=key,
                kind=kind,
                name=name,
                phones=phones,
                hours=hours,
                note=note,
                order=order,
            )
            for key, kind, name, phones, hours, note, order in entries
        ]
    DirectoryEntry.objects.bulk_create(rows)
    return len(rows)


def plans_create(demo: Demo) -> int:
    """Up to three plans per community, for lonely or frail cadres, with their upcoming tasks."""
    rng = demo.rng("plans")
    made = 0
    for community in demo.communities:
        wanted = [
            c
            for c in demo.cadres
            if c.community_id == community.pk
            and (
                c.living_arrangement == LivingArrangement.ALONE
                or c.health_status in (HealthStatus.POOR, HealthStatus.DISABLED)
            )
        ][:3]
        volunteers = demo.volunteers.get(community.pk, [])
        for cadre, (needs, tags) in zip(wanted, PLANS, strict=False):
            reviewed = demo.today - timedelta(days=rng.randint(20, 150))
            plan = ServicePlan.objects.create(
                cadre=cadre,
                needs=needs,
                need_tags=tags,
                review_date=reviewed + timedelta(days=180),
                last_reviewed_on=reviewed,
                review_note="服务落实到位，老人满意",
                updated_by=demo.workers[community.pk],
            )
            start = reviewed - timedelta(days=rng.randint(30, 200))
            PlanService.objects.bulk_create(
                [
                    PlanService(
                        plan=plan,
                        what="电话问候",
                        every=1,
                        unit=FrequencyUnit.WEEK,
                        worker=demo.workers[community.pk],
                        start_date=start,
                    ),
                    PlanService(
                        plan=plan,
                        what="上门保洁",
                        every=2,
                        unit=FrequencyUnit.WEEK,
                        volunteer=rng.choice(volunteers) if volunteers else None,
                        start_date=start,
                    ),
                    PlanService(
                        plan=plan,
                        what="上门理发",
                        every=1,
                        unit=FrequencyUnit.MONTH,
                        volunteer=rng.choice(volunteers) if volunteers else None,
                        start_date=start,
                    ),
                ]
            )
            made += 1
    plan_tasks_generate(today=demo.today)
    return made
