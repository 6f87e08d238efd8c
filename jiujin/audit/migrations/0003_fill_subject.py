"""Name the subject of the events written before events had one.

Older rows only knew the cadre; what they were about is read back from the `detail` each service wrote
(its wording is fixed in those services). Rows whose record cannot be told apart keep the cadre as subject.
"""

import re

from django.db import migrations

HEALTH = {
    "健康档案": "health.healthprofile",
    "体检记录": "health.checkup",
    "慢性病": "health.condition",
    "用药": "health.medication",
    "住院记录": "health.hospitalstay",
    "巡诊安排": "health.medicalroundschedule",
}
HEALTH_WRITE = re.compile(r"^健康档案：(?:新增|修改)(.+)$")
REQUEST = re.compile(r"服务工单 #(\d+)")
# (detail prefix or fragment, subject type), first match wins.
BY_DETAIL = [
    ("健康活动", "health.healthcampaign"),
    ("个性化服务方案", "plans.serviceplan"),
    ("新增志愿者", "volunteers.volunteer"),
    ("修改志愿者", "volunteers.volunteer"),
    ("为志愿者", "volunteers.volunteer"),
    ("一助一联系记录", "volunteers.contactlog"),
    ("一助一结对", "volunteers.pairing"),
]


def subject_for(detail: str, cadre_id: int | None) -> tuple[str, str]:
    match = HEALTH_WRITE.match(detail)
    if match and match.group(1) in HEALTH:
        return HEALTH[match.group(1)], ""
    match = REQUEST.search(detail)
    if match:
        return "servicerequests.servicerequest", match.group(1)
    for fragment, subject_type in BY_DETAIL:
        if fragment in detail:
            return subject_type, ""
    if cadre_id is not None:
        return "cadres.cadre", str(cadre_id)
    return "", ""


def fill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    rows = AuditEvent.objects.filter(subject_type="").only("id", "detail", "cadre_id")
    batch = []
    for event in rows.iterator(chunk_size=2000):
        event.subject_type, event.subject_id = subject_for(event.detail, event.cadre_id)
        if event.subject_type:
            batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.bulk_update(batch, ["subject_type", "subject_id"])
            batch.clear()
    if batch:
        AuditEvent.objects.bulk_update(batch, ["subject_type", "subject_id"])


def unfill(apps, schema_editor):
    apps.get_model("audit", "AuditEvent").objects.update(subject_type="", subject_id="")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_subject")]

    operations = [migrations.RunPython(fill, unfill)]
