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
