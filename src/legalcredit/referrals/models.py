"""Discipline referrals (行政处罚与行业惩戒衔接): an approved penalty on a member of a
self-regulating profession, referred to its association, which answers within a time limit
(``deadlines.Clock``) whether it imposed industry discipline."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class State(models.TextChoices):
    OPEN = "open", "待协会研究反馈"
    DISCIPLINED = "disciplined", "已给予行业处分"
    DECLINED = "declined", "不予行业处分"


class Referral(NoDeleteModel):
    # One referral per penalty (its key), whatever versions the record later takes.
    record_key = models.UUIDField("行政处罚记录", unique=True)
    record = models.ForeignKey("records.CreditRecord", models.PROTECT, related_name="+",
                               verbose_name="移送时的记录版本")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="referrals", verbose_name="信用主体")
    sector = models.CharField("移送协会", max_length=20)
    sector_name = models.CharField("协会", max_length=40)
    referred_on = models.DateField("移送日期")
    state = models.CharField("办理状态", max_length=12, choices=State.choices, default=State.OPEN)
    answered_on = models.DateField("反馈日期", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="反馈人")
    discipline_key = models.UUIDField("行业处分记录", null=True, blank=True)
    answer = models.TextField("研究处理情况", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行业惩戒衔接"
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["state", "referred_on"], name="referral_state_idx")]
        permissions = [("answer_referral", "研究是否给予行业处分并反馈")]

    def __str__(self):
        return f"{self.subject.name} {self.record.decision_no or self.record.number}"
