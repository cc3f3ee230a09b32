"""One working-day clock per time limit of a case (a repair application, an objection, a commitment's
missing materials, a listing's statement period).

A clock belongs to its case by (case_type, case_id) and to the subject the case is about, so the
officer queues follow jurisdiction like everything else. Its last day is kept in ``due_on`` (empty
while paused for 补正), so the queues are plain indexed queries.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from legalcredit.core.models import NoDeleteModel
from legalcredit.domain import deadlines


class CaseType(models.TextChoices):
    REPAIR = "repair", "信用修复"
    OBJECTION = "objection", "异议"
    COMMITMENT = "commitment", "信用承诺"
    LISTING = "listing", "名单列入"
    INSPECTION = "inspection", "双随机抽查"
    COMPLAINT = "complaint", "投诉"
    AID_REVIEW = "aid_review", "法律援助评查"
    RATING = "rating", "差评回访"
    REFERRAL = "referral", "行业惩戒衔接"
    FILING = "filing", "处罚报送"


class Clock(NoDeleteModel):
    case_type = models.CharField("案件类别", max_length=12, choices=CaseType.choices)
    case_id = models.PositiveBigIntegerField("案件编号")
    step = models.CharField("期限", max_length=40)
    name = models.CharField("应办事项", max_length=100)
    source = models.TextField("期限依据")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="+", verbose_name="信用主体")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="clocks", verbose_name="经办人")
    started_on = models.DateField("起算日")
    working_days = models.PositiveIntegerField("期限（天数）")
    calendar_days = models.BooleanField("按自然日计算", default=False,
                                        help_text="否：按工作日计算（节假日调休以日历为准）")
    pauses = models.JSONField("补正暂停", default=list, blank=True)
    due_on = models.DateField("截止日", null=True, blank=True, help_text="补正期间暂停计时，为空")
    stopped_on = models.DateField("办结日", null=True, blank=True)
    late = models.BooleanField("逾期办结", null=True, blank=True)
    reminded_on = models.DateField("提醒日", null=True, blank=True)
    escalated_on = models.DateField("逾期督办日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理期限"
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case_type", "case_id", "step"],
                                               condition=Q(stopped_on__isnull=True), name="one_running_clock")]
        indexes = [models.Index(fields=["stopped_on", "due_on"], name="clock_queue_idx"),
                   models.Index(fields=["case_type", "case_id"], name="clock_case_idx")]

    def __str__(self):
        return f"{self.get_case_type_display()}#{self.case_id} {self.name}"

    @property
    def span(self) -> str:
        return deadlines.span(self.working_days, self.calendar_days)
