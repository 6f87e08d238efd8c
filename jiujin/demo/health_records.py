"""健康档案 for the history cadres: a profile, one or two check-ups a year (blood pressure and sugar matching
the conditions), medications for the conditions, a 巡诊 schedule for the disabled, and each street's free
check-up and health lectures."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from jiujin.cadres.models import Cadre, HealthStatus
from jiujin.health.models import (
    BloodType,
    CampaignKind,
    CareLevel,
    CheckUp,
    Condition,
    HealthCampaign,
    HealthProfile,
    MedicalRoundSchedule,
    Medication,
    RoundUnit,
)

from .context import Demo

MEDICINES = {
    "高血压": ("苯磺酸氨氯地平片", "5mg", "每日一次，早饭后"),
    "糖尿病": ("盐酸二甲双胍片", "0.5g", "每日三次，随餐"),
    "冠心病": ("阿司匹林肠溶片", "100mg", "每日一次"),
    "慢阻肺": ("噻托溴铵吸入粉雾剂", "18μg", "每日一次吸入"),
    "关节炎": ("氨基葡萄糖胶囊", "0.5g", "每日三次"),
    "脑梗后遗症": ("阿托伐他汀钙片", "20mg", "每晚一次"),
}
CARE: dict[str, str] = {HealthStatus.POOR: CareLevel.PARTIAL, HealthStatus.DISABLED: CareLevel.DISABLED}
LECTURES = ["老年人高血压的防治", "冬季心脑血管疾病预防", "老年人防跌倒", "糖尿病饮食指导", "夏季防暑降温"]


def clinic_name(community_name: str) -> str:
    return f"{community_name.removesuffix('社区')}社区卫生服务站"


def health_records_create(demo: Demo) -> int:
    """Returns the number of check-ups."""
    rng = demo.rng("health")
    names = {c.pk: c.name for c in demo.communities}
    conditions: dict[int, list[str]] = defaultdict(list)
    for cadre_id, name in Condition.objects.filter(cadre__in=demo.cadres).values_list("cadre_id", "name"):
        conditions[cadre_id].append(name)
    profiles, checkups, medications, rounds = [], [], [], []
    for cadre in demo.cadres:
        clinic = clinic_name(names[cadre.community_id])
        profiles.append(
            HealthProfile(
                cadre=cadre,
                blood_type=rng.choices(list(BloodType), weights=(28, 24, 9, 34, 5))[0],
                allergies="青霉素过敏" if rng.random() < 0.08 else "",
                care_level=CARE.get(cadre.health_status, CareLevel.SELF),
                family_doctor=f"{clinic}家庭医生团队",
                health_station=clinic,
                updated_by=demo.worker(cadre),
            )
        )
        checkups += _checkups(rng, demo, cadre, clinic, conditions[cadre.pk])
        for name in conditions[cadre.pk]:
            if name in MEDICINES:
                drug, dose, how = MEDICINES[name]
                medications.append(
                    Medication(cadre=cadre, name=drug, dose=dose, frequency=how, notes=f"治疗{name}")
                )
        if cadre.health_status == HealthStatus.DISABLED:
            rounds.append(
                MedicalRoundSchedule(
                    cadre=cadre,
                    every=2,
                    unit=RoundUnit.WEEK,
                    provider=clinic,
                    next_date=demo.today + timedelta(days=rng.randrange(14)),
                    created_by=demo.worker(cadre),
                )
            )
    HealthProfile.objects.bulk_create(profiles, batch_size=2000)
    CheckUp.objects.bulk_create(checkups, batch_size=2000)
    Medication.objects.bulk_create(medications, batch_size=2000)
    MedicalRoundSchedule.objects.bulk_create(rounds)
    _campaigns(rng, demo)
    return len(checkups)


def _checkups(
    rng: random.Random, demo: Demo, cadre: Cadre, clinic: str, conditions: list[str]
) -> list[CheckUp]:
    found = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        high = "高血压" in conditions
        sugar = 7.8 if "糖尿病" in conditions else 5.4
        systolic = rng.randint(138, 168) if high else rng.randint(110, 139)
        found.append(
            CheckUp(
                cadre=cadre,
                date=demo.today - timedelta(days=rng.randint(5, 360)),
                place=clinic if rng.random() < 0.7 else cadre.preferred_hospital or "江城市第一人民医院",
                systolic=systolic,
                diastolic=systolic - rng.randint(45, 65),
                blood_sugar=Decimal(str(round(rng.gauss(sugar, 0.8), 1))),
                heart_rate=rng.randint(60, 88),
                weight=Decimal(str(round(rng.gauss(62, 8), 1))),
                results="血压偏高，建议低盐饮食、按时服药" if systolic >= 140 else "各项指标基本正常",
                recorded_by=demo.worker(cadre),
            )
        )
    return found


def _campaigns(rng: random.Random, demo: Demo) -> None:
    """Per community: one free check-up in the spring; per street: three health lectures in the year."""
    by_community: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in demo.cadres:
        by_community[cadre.community_id].append(cadre)
    streets = {c.parent_id: c.parent for c in demo.communities if c.parent is not None}
    for community in demo.communities:
        checkup = HealthCampaign.objects.create(
            kind=CampaignKind.CHECKUP,
            title="老干部免费体检",
            date=demo.today - timedelta(days=rng.randint(150, 250)),
            org_unit=community,
            place=clinic_name(community.name),
            headcount=rng.randint(40, 90),
            created_by=demo.workers[community.pk],
        )
        people = by_community[community.pk]
        checkup.attendees.set(rng.sample(people, len(people) // 2))
    for street in streets.values():
        for n, title in enumerate(rng.sample(LECTURES, 3)):
            HealthCampaign.objects.create(
                kind=CampaignKind.LECTURE,
                title=title,
                date=demo.today - timedelta(days=30 + 110 * n + rng.randrange(30)),
                org_unit=street,
                place=f"{street.name}党群服务中心",
                headcount=rng.randint(30, 80),
            )
