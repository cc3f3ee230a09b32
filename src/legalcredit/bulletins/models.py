"""通报公示 (seeds 003 item 20): a bureau periodically publishes, for its region and the sectors it
names, a summary of violations and service-quality problems over a period (counted from the
approved credit records, frozen when published) with the typical cases its officers write up.
Drafted by a maker, published by a checker, withdrawn with a reason, never deleted."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class Bulletin(NoDeleteModel):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿（待发布）"
        PUBLISHED = "published", "已公示"
        WITHDRAWN = "withdrawn", "已撤回"

    title = models.CharField("标题", max_length=200)
    region = models.ForeignKey("refdata.Region", models.PROTECT, verbose_name="通报范围（行政区划）")
    subject_types = models.JSONField("通报的机构和人员类型")
    period_from = models.DateField("统计期间起")
    period_until = models.DateField("统计期间止")
    body = models.TextField("典型案例及服务质量问题")
    issuer = models.CharField("发布机关", max_length=200)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    summary = models.JSONField("统计（发布时固定）", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="起草人")
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="发布人")
    published_on = models.DateField("发布日期", null=True, blank=True)
    withdrawn_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通报公示"
        ordering = ["-published_on", "-created_at"]
        permissions = [("publish_bulletin", "发布或撤回通报（复核）")]

    def __str__(self):
        return self.title
