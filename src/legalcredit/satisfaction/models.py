"""Satisfaction ratings (满意度评价, 好差评): one per service given, on the levels of the
``satisfaction`` rule set; a bad review is followed up on a ``deadlines.Clock``."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel
from legalcredit.core.sealing import SealedCharField


class FollowUp(models.TextChoices):
    NONE = "", "无需回访"
    OPEN = "open", "待回访核实"
    DONE = "done", "已回访办结"


class SatisfactionRating(NoDeleteModel):
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="ratings", verbose_name="评价对象")
    service = models.CharField("服务事项", max_length=20)
    # 服务一次、评价一次: one rating per service, by the number the serving system gave it.
    service_ref = models.CharField("办件编号", max_length=64)
    channel = models.CharField("评价渠道", max_length=100)
    served_on = models.DateField("服务日期")
    rated_at = models.DateTimeField("评价时间")
    level = models.PositiveSmallIntegerField("评价等级")
    comment = models.TextField("评价意见", blank=True)
    rater_name = models.CharField("评价人", max_length=100, blank=True)
    # Sealed at rest, like a complainant's contact: the column holds the ciphertext.
    rater_contact = SealedCharField("评价人联系方式", max_length=600, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name="提交人")
    follow_up = models.CharField("差评回访", max_length=8, choices=FollowUp.choices, blank=True, default="")
    outcome = models.CharField("核实结果", max_length=20, blank=True)
    follow_up_note = models.TextField("回访核实和整改情况", blank=True)
    followed_up_on = models.DateField("办结日期", null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="办结人")

    class Meta:
        verbose_name = verbose_name_plural = "满意度评价"
        ordering = ["-rated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["channel", "service_ref"], name="rating_once_per_service")]
        indexes = [models.Index(fields=["subject", "served_on"], name="rating_subject_idx"),
                   models.Index(fields=["follow_up", "rated_at"], name="rating_follow_up_idx")]
        permissions = [("follow_up_satisfactionrating", "差评回访核实、整改反馈"),
                       ("tally_satisfactionrating", "汇总满意度评价，形成信用记录")]

    def __str__(self):
        return f"{self.subject.name} {self.service_ref}"
