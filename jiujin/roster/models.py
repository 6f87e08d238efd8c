from django.conf import settings
from django.db import models
from django.utils import timezone


class UploadState(models.TextChoices):
    PENDING = "pending", "待确认"
    CLAIMED = "claimed", "导入中"
    IMPORTED = "imported", "已导入"


class PendingUpload(models.Model):
    """A roster between its preview and the "确认导入" click, kept in the database so that the confirm
    may reach any app server. The content is dropped as soon as it is no longer needed."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit_code = models.CharField("导入单位", max_length=32, blank=True)
    filename = models.CharField("文件名", max_length=255, blank=True)
    content = models.BinaryField("文件内容", editable=False)
    state = models.CharField("状态", max_length=16, choices=UploadState.choices, default=UploadState.PENDING)
    created_at = models.DateTimeField("上传时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "待确认的花名册"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"


class RosterHeaderMapping(models.Model):
    """What a unit's rosters mean by a column header the built-in names do not know (or know otherwise):
    chosen once in the import's mapping step, applied to every later roster the unit imports."""

    unit = models.ForeignKey("orgs.OrgUnit", verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    header = models.CharField(
        "表头", max_length=100, help_text="规范化后的表头文字（去掉空格、括号和必填标记）"
    )
    field = models.CharField("对应字段", max_length=32, blank=True, help_text="空：忽略此列")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="设置人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = "花名册表头对应"
        verbose_name_plural = verbose_name
        ordering = ["unit", "header"]
        constraints = [models.UniqueConstraint(fields=["unit", "header"], name="roster_mapping_unit_header")]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or '忽略'}"
