from django.db import models


class DailyJobRun(models.Model):
    """The day a daily job last finished, shared by every host: the loop may run on all of them at once."""

    name = models.CharField("任务", max_length=60, unique=True)
    done_for = models.DateField("完成日期", null=True)
    finished_at = models.DateTimeField("完成时间", null=True)

    class Meta:
        verbose_name = "每日任务记录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.name} {self.done_for or '-'}"
