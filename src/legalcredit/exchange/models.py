"""Runs of the data exchange with the sharing platforms (数据交换): what each run put in the
outbox the exchange server (前置机) collects, for which period, and whether it succeeded."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class ExchangeRun(NoDeleteModel):
    class State(models.TextChoices):
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间")
    since = models.DateTimeField("变动起始", null=True, blank=True, help_text="空：全量")
    until = models.DateTimeField("变动截止")
    state = models.CharField("结果", max_length=10, choices=State.choices)
    files = models.JSONField("交换文件", default=list)
    error = models.CharField("失败原因", max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name="发起人", help_text="空：定时任务")

    class Meta:
        verbose_name = verbose_name_plural = "数据交换记录"
        ordering = ["-started_at", "-id"]
        permissions = [("run_exchange", "可发起数据交换")]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_state_display()}"
