from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class CreditReport(NoDeleteModel):
    """A credit report as issued: what it said is kept, so anyone holding the report can check it
    (report number + verification code) and the PDF can be drawn again exactly."""

    serial = models.CharField("报告编号", max_length=32, unique=True)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="credit_reports",
                                verbose_name="信用主体")
    issued_at = models.DateTimeField("出具时间")
    on = models.DateField("信息截止日")
    window_from = models.DateField("查询期间起")
    rules_version = models.CharField("报告规则版本", max_length=30)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="申请人（登录用户）")
    channel = models.CharField("出具渠道", max_length=10, choices=[("portal", "公示网站"), ("office", "后台")])
    content = models.JSONField("报告内容")
    digest = models.CharField("内容摘要", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "信用报告"
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["subject", "-issued_at"], name="report_subject_idx")]

    def __str__(self):
        return self.serial

    @property
    def code(self) -> str:
        """The verification code printed on the report: the digest's first 16 hex digits."""
        d = self.digest[:16].upper()
        return "-".join(d[i:i + 4] for i in range(0, 16, 4))
