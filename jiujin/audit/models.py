from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "查看"
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    STATUS = "status", "状态变更"
    EXPORT = "export", "导出"
    IMPORT = "import", "导入"
    DENIED = "denied", "越权访问被拒"


class AuditEvent(models.Model):
    """Who did what to whose personal data, and when (PIPL). Rows are never edited or deleted."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=10, choices=AuditAction.choices)
    # The cadre the record belongs to, when there is one (for "who saw this cadre"): a plain id, not a foreign
    # key, so this app sits below cadres (cadres are never deleted, their files are closed). Names are looked
    # up for a page at once through `jiujin.audit.people`, which the cadres app fills.
    cadre_id = models.BigIntegerField("老干部", null=True, blank=True)
    # The record the event is about, named generically ("health.condition", "12") so this app imports no
    # other.
    subject_type = models.CharField("对象类型", max_length=60, blank=True)
    subject_id = models.CharField("对象编号", max_length=40, blank=True)
    # What was seen or touched, e.g. "详情页" or "台账导出 23 人" — a batch shares one `batch` id.
    detail = models.CharField("说明", max_length=200, blank=True)
    changes = models.JSONField("变更前后", default=dict, blank=True)
    batch = models.CharField("批次", max_length=32, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    via = models.CharField("来源", max_length=10, default="web")

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["cadre_id", "-at"], name="audit_cadre_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_action_display()} {self.cadre_id}"
