"""Demo history of pilots (试点): this year's pilot in community A's district, five of its eight steps done with
evidence (a photo and a PDF of minutes, real bytes through the attachment checks), the sixth overdue, a leading
group of five; and last year's pilot in community B, finished."""

from __future__ import annotations

import io
from datetime import date, timedelta

from jiujin.accounts.models import Role, User
from jiujin.core.attachments import PDF, check_upload
from jiujin.lib.cards import FontMissing, font_path
from jiujin.orgs.models import OrgUnit
from jiujin.pilots.models import (
    STEP_NAMES,
    GroupMember,
    GroupPosition,
    Pilot,
    PilotEvidence,
    PilotStatus,
    PilotStep,
)
from jiujin.pilots.services import suggested_targets

from .context import Demo
from .tree import COMMUNITY_A_CODE, COMMUNITY_B_CODE, DISTRICT_CODE

GROUP = [
    (GroupPosition.LEADER, "周建民", "社区书记", "翠柳社区党委书记", "13907120101"),
    (GroupPosition.DEPUTY, "孙立平", "街道分管领导", "东湖街道办事处副主任", "13907120102"),
    (GroupPosition.DEPUTY, "马红梅", "社区主任", "翠柳社区居委会主任", "13907120103"),
    (GroupPosition.MEMBER, "杜文华", "卫生服务站站长", "翠柳社区卫生服务站站长", "13907120104"),
    (GroupPosition.MEMBER, "钱国栋", "老干部党支部书记", "翠柳社区离退休干部党支部书记", "13907120105"),
]
NOTES = [
    "入户走访摸清老干部基本情况和服务需求，形成摸底台账。",
    "组织社区骨干和志愿者培训两期，共 36 人次。",
    "成立社区老干部工作领导小组和服务站。",
    "建立“社区—网格—楼栋”三级联系网络，结对到人。",
    "张贴宣传栏，召开动员会，发放《致老干部的一封信》。",
]


def _png(label: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 100), (230, 240, 250))
    ImageDraw.Draw(img).rectangle((10, 10, 150, 90), outline=(179, 38, 30), width=4)
    ImageDraw.Draw(img).text((70, 45), str(label), fill=(31, 35, 40))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _pdf(title: str, note: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    try:
        pdf.add_font("cjk", fname=str(font_path()))
    except FontMissing:  # still a real PDF, in plain Latin type
        pdf.set_font("helvetica", size=14)
        pdf.multi_cell(0, 10, text="Minutes")
    else:
        pdf.set_font("cjk", size=14)
        pdf.multi_cell(0, 10, text=f"{title} 会议记录\n{note}")
    return bytes(pdf.output())


def pilots_create(demo: Demo, *, city: OrgUnit) -> str:
    """Write the pilots history for the demo city; return a one-line Chinese report."""
    community_a = OrgUnit.objects.get(code=COMMUNITY_A_CODE)
    community_b = OrgUnit.objects.get(code=COMMUNITY_B_CODE)
    district = OrgUnit.objects.get(code=DISTRICT_CODE)  # community A's
    author = User.objects.filter(role=Role.DISTRICT, org_unit=district).first()
    this_year, last_year = demo.today.year, demo.today.year - 1
    current = Pilot.objects.create(
        community=community_a, district=district, year=this_year, name="翠柳社区“四就近”服务试点",
        theme="以社区为依托，就近学习、就近活动、就近服务、就近发挥作用。", created_by=author,
    )  # fmt: skip
    past = Pilot.objects.create(
        community=community_b, district=district, year=last_year, name="梨园社区老干部服务试点",
        status=PilotStatus.FINISHED, created_by=author,
    )  # fmt: skip
    # This year's: step 6 was due ten days ago, the earlier ones 24 days apart before it, the later ones after.
    # The last two stay within the year (due by 31 December at the latest).
    year_end = date(this_year, 12, 31)
    targets = [min(demo.today + timedelta(days=24 * (n - 6) - 10), year_end) for n in range(1, 9)]
    steps = [
        PilotStep(
            pilot=current, number=n, name=name, target_date=target,
            done_date=target - timedelta(days=3) if n <= 5 else None,
            note=NOTES[n - 1] if n <= 5 else "", responsible=GROUP[n % len(GROUP)][1], done_by=author if n <= 5 else None,
        )
        for n, (name, target) in enumerate(zip(STEP_NAMES, targets, strict=True), 1)
    ]  # fmt: skip
    steps += [
        PilotStep(
            pilot=past, number=n, name=name, target_date=target, done_date=_before(target), note="已完成"
        )
        for n, (name, target) in enumerate(zip(STEP_NAMES, suggested_targets(last_year), strict=True), 1)
    ]
    PilotStep.objects.bulk_create(steps)
    evidence = []
    for step in steps[:5]:
        photo = check_upload(_png(step.number), name=f"{step.name}现场照片.png")
        minutes = check_upload(
            _pdf(step.name, step.note), name=f"{step.name}会议记录.pdf", allowed=frozenset({PDF})
        )
        at = demo.at(step.done_date or demo.today, 9 * 60)
        evidence += [
            PilotEvidence.build(photo, uploaded_by=author, step=step, kind="photo", uploaded_at=at),
            PilotEvidence.build(minutes, uploaded_by=author, step=step, kind="minutes", uploaded_at=at),
        ]
    PilotEvidence.objects.bulk_create(evidence)
    GroupMember.objects.bulk_create(
        GroupMember(pilot=current, position=pos, name=name, role=role, unit_position=unit, phone=phone)
        for pos, name, role, unit, phone in GROUP
    )
    return f"试点社区 2 个（{this_year} 年进行中 5/8 步、第 6 步逾期；{last_year} 年已完成），佐证材料 {len(evidence)} 份"


def _before(target: date) -> date:
    return target - timedelta(days=5)
