"""Legal aid case quality review (法律援助案件质量评查): one closed case file scored by a peer
reviewer on the checklist of its case type, re-reviewed by a second reviewer when it fails, and
confirmed by a checker, which enters the result as a 法律援助案件质量评查 credit record."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class Stage(models.TextChoices):
    SCORED = "scored", "已评分（待确认）"
    REREVIEW = "rereview", "待复查"
    CONFIRMED = "confirmed", "已确认"


class CaseQualityReview(NoDeleteModel):
    number = models.CharField("评查编号", max_length=24, unique=True, null=True, blank=True)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="quality_reviews",
                                verbose_name="承办人员")
    institution = models.ForeignKey("registry.Subject", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="指派的法律援助机构")
    case_no = models.CharField("法律援助案号", max_length=60)
    case_type = models.CharField("案件类别", max_length=20)
    case_closed_on = models.DateField("结案日期")
    method = models.CharField("评查方式", max_length=30)
    authority = models.CharField("组织评查的机关", max_length=200)
    authority_uscc = models.CharField("组织机关统一社会信用代码", max_length=18)
    reviewer_name = models.CharField("评查人", max_length=100)
    reviewer_unit = models.CharField("评查人单位", max_length=200, blank=True)
    reviewed_on = models.DateField("评查日期")
    marks = models.JSONField("各项得分", default=dict)
    vetoes = models.JSONField("否决情形", default=list, blank=True)
    total = models.DecimalField("得分", max_digits=5, decimal_places=1)
    band = models.CharField("评查等次", max_length=10)
    opinion = models.TextField("评查意见")
    rereviewer_name = models.CharField("复查人", max_length=100, blank=True)
    rereviewer_unit = models.CharField("复查人单位", max_length=200, blank=True)
    rereviewed_on = models.DateField("复查日期", null=True, blank=True)
    rereview_marks = models.JSONField("复查各项得分", default=dict, blank=True)
    rereview_vetoes = models.JSONField("复查否决情形", default=list, blank=True)
    rereview_total = models.DecimalField("复查得分", max_digits=5, decimal_places=1, null=True, blank=True)
    rereview_band = models.CharField("复查等次", max_length=10, blank=True)
    rereview_opinion = models.TextField("复查意见", blank=True)
    stage = models.CharField("环节", max_length=10, choices=Stage.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="录入人")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="确认人")
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    record = models.ForeignKey("records.CreditRecord", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="评查结果信用记录")

    class Meta:
        verbose_name = verbose_name_plural = "法律援助案件质量评查"
        ordering = ["-reviewed_on", "-id"]
        permissions = [("confirm_casequalityreview", "确认法律援助案件质量评查结果（复核）")]
        constraints = [models.UniqueConstraint(fields=["subject", "case_no"], name="one_review_per_case")]

    def __str__(self):
        return f"{self.number} {self.case_no}"

    @property
    def final_band(self) -> str:
        return self.rereview_band or self.band

    @property
    def final_total(self):
        return self.rereview_total if self.rereview_total is not None else self.total
