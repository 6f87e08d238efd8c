"""The work report's own rows: the Word templates offices upload, and the texts written for a report.

The figures themselves are not stored here: they are read from the summary tables (dashboards app) every time
a report is built, so a report and the dashboard always agree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jiujin.core.attachments import AttachmentBase


class ReportTemplate(AttachmentBase):
    """A unit's own Word template (docxtpl: Jinja tags in a .docx) for the 汇报材料. The nearest one up the tree
    is used for a unit's report (a district's serves its streets and communities until they upload theirs);
    without any, the built-in default (`report_template.default_template`)."""

    unit = models.OneToOneField(
        "orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = "汇报材料模板"
        verbose_name_plural = "汇报材料模板"


class ReportText(models.Model):
    """The editable parts of a unit's report for one period (存在的问题, 下一步打算): written once, kept for
    the next download of the same period; a period with none gets suggestions drawn from the figures."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    problems = models.TextField("存在的问题", blank=True)
    plans = models.TextField("下一步打算", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("保存时间", default=timezone.now)

    class Meta:
        verbose_name = "汇报材料文字"
        verbose_name_plural = "汇报材料文字"
        constraints = [
            models.UniqueConstraint(fields=["unit", "start", "end"], name="report_text_unit_period")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.start}—{self.end}"
