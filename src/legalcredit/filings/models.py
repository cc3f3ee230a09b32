"""Penalty filings (处罚报送): each administrative penalty decided in a city's area, reported by the
city bureau to the provincial bureau within a time limit of its taking effect (``deadlines.Clock``),
with the decision document (a ``remedies.Material``), the facts, the legal basis and the state of
rectification; the province signs for it or returns it for more. Steps are ``remedies.CaseStep``s."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class Stage(models.TextChoices):
    DUE = "due", "待报送"
    FILED = "filed", "已报送待签收"
    RETURNED = "returned", "退回补报"
    RECEIVED = "received", "已签收"


class PenaltyFiling(NoDeleteModel):
    # One filing per penalty (its key), whatever versions the record later takes.
    record_key = models.UUIDField("行政处罚记录", unique=True)
    record = models.ForeignKey("records.CreditRecord", models.PROTECT, related_name="+",
                               verbose_name="列入报送时的记录版本")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="penalty_filings",
                                verbose_name="信用主体")
    # The city (州、市) whose bureau files: the one the deciding authority, else the subject, is in.
    region = models.ForeignKey("refdata.Region", models.PROTECT, related_name="+", verbose_name="报送地区")
    effective_on = models.DateField("处罚生效日")
    opened_on = models.DateField("列入报送日")
    due_on = models.DateField("应报送日")
    stage = models.CharField("报送状态", max_length=10, choices=Stage.choices, default=Stage.DUE)
    filed_on = models.DateField("报送日期", null=True, blank=True, help_text="首次报送之日，据此判断是否按时")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="报送人")
    late = models.BooleanField("逾期报送", null=True, blank=True)
    facts = models.TextField("违规事实", blank=True)
    legal_basis = models.TextField("法律依据", blank=True)
    rectification = models.CharField("整改情况", max_length=20, blank=True)
    rectification_note = models.TextField("整改情况说明", blank=True)
    rectification_updated_on = models.DateField("整改情况更新日", null=True, blank=True)
    received_on = models.DateField("签收日期", null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="签收人")
    return_reason = models.TextField("退回原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政处罚报送"
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["stage", "due_on"], name="filing_stage_idx"),
                   models.Index(fields=["region", "effective_on"], name="filing_region_idx")]
        permissions = [("file_penaltyfiling", "向省级报送行政处罚及整改情况"),
                       ("receive_penaltyfiling", "签收或退回行政处罚报送")]

    def __str__(self):
        return f"{self.subject.name} {self.record.decision_no or self.record.number}"
