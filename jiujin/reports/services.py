"""Writes of the reports app: the texts of a unit's report for a period, and the unit's own Word template."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from jiujin.audit.models import AuditAction
from jiujin.audit.services import Actor, audit_record
from jiujin.core.attachments import CheckedUpload
from jiujin.orgs.models import OrgUnit

from .models import ReportTemplate, ReportText


@transaction.atomic
def report_text_save(
    *, actor: Actor, unit: OrgUnit, start: date, end: date, problems: str, plans: str
) -> ReportText:
    """存在的问题 and 下一步打算 of the unit's report for the period (one row per unit and period)."""
    text, _created = ReportText.objects.update_or_create(
        unit=unit,
        start=start,
        end=end,
        defaults={
            "problems": problems,
            "plans": plans,
            "updated_by": actor.user,
            "updated_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        subject=text,
        detail=f"保存汇报材料文字 {unit.name} {start:%Y-%m-%d}至{end:%Y-%m-%d}",
    )
    return text


@transaction.atomic
def report_template_upload(*, actor: Actor, unit: OrgUnit, checked: CheckedUpload) -> ReportTemplate:
    """The unit's own template, replacing the one it had (the caller has rendered it against the context)."""
    ReportTemplate.objects.filter(unit=unit).delete()
    template: ReportTemplate = ReportTemplate.build(checked, uploaded_by=actor.user, unit=unit)
    template.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, subject=template, detail=f"上传汇报材料模板 {unit.name}"
    )
    return template


@transaction.atomic
def report_template_remove(*, actor: Actor, unit: OrgUnit) -> bool:
    """Back to the template above (or the default); False when the unit had none of its own."""
    deleted, _ = ReportTemplate.objects.filter(unit=unit).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            subject_type="reports.reporttemplate",
            subject_id=unit.code,
            detail=f"删除汇报材料模板 {unit.name}，恢复上级或默认模板",
        )
    return bool(deleted)
