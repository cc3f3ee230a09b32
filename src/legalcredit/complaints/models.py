"""Complaints (投诉) about a legal service institution or practitioner, from intake to the notice of
the result to both sides (rules.md §9).

A complaint keeps every step (``remedies.CaseStep``: officer, date, document) and its materials
(``remedies.Material``); its time limits (acceptance, decision, notice) run on ``deadlines.Clock``.
It is reviewed by one officer and decided by another; a complaint found true becomes a 投诉查实
credit record that a checker approves like any other.
"""
import hashlib

from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel
from legalcredit.core.sealing import SealedCharField


class Stage(models.TextChoices):
    RECEIVED = "received", "已登记（待受理审查）"
    SUPPLEMENT = "supplement", "待补正"
    ACCEPTED = "accepted", "已受理（调查中）"
    REVIEWED = "reviewed", "已审核（待决定）"
    DECIDED = "decided", "已决定（待告知）"
    CLOSED = "closed", "已办结"
    NOT_ACCEPTED = "not_accepted", "不予受理"


OPEN = (Stage.RECEIVED, Stage.SUPPLEMENT, Stage.ACCEPTED, Stage.REVIEWED, Stage.DECIDED)


class Complaint(NoDeleteModel):
    number = models.CharField("投诉编号", max_length=24, unique=True, null=True, blank=True)
    channel = models.CharField("投诉渠道", max_length=20)
    referred_by = models.CharField("转办单位", max_length=200, blank=True)
    received_on = models.DateField("收到日期")
    complainant_name = models.CharField("投诉人", max_length=100)
    # Sealed at rest: the column holds the ciphertext, about 4x a Chinese address's length.
    complainant_contact = SealedCharField("投诉人联系方式", max_length=600, blank=True)
    interest = models.CharField("与投诉事项的利害关系", max_length=200)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="complaints",
                                verbose_name="被投诉对象")
    sector = models.CharField("行业", max_length=20)
    facts = models.TextField("投诉事实和理由")
    requests = models.TextField("投诉请求", blank=True)
    known_on = models.DateField("知道或应当知道之日", null=True, blank=True)
    query_code_hash = models.CharField("查询码摘要", max_length=64, blank=True)
    stage = models.CharField("环节", max_length=12, choices=Stage.choices, default=Stage.RECEIVED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="登记人")
    supplements = models.PositiveIntegerField("补正次数", default=0)
    accepted_on = models.DateField("受理日", null=True, blank=True)
    authority = models.CharField("处理机关", max_length=200, blank=True)
    authority_uscc = models.CharField("处理机关统一社会信用代码", max_length=18, blank=True)
    not_accepted_reason = models.CharField("不予受理情形", max_length=30, blank=True)
    investigation = models.TextField("调查情况", blank=True)
    respondent_statement = models.TextField("被投诉人陈述申辩", blank=True)
    extended_days = models.PositiveIntegerField("延长天数", default=0)
    extension_reason = models.TextField("延长理由", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    proposed_finding = models.CharField("拟认定结论", max_length=20, blank=True)
    proposed_handling = models.CharField("拟处理方式", max_length=20, blank=True)
    review_opinion = models.TextField("审核意见", blank=True)
    finding = models.CharField("认定结论", max_length=20, blank=True)
    handling = models.CharField("处理方式", max_length=20, blank=True)
    reason = models.TextField("处理决定理由", blank=True)
    decided_on = models.DateField("决定日", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="决定人")
    record = models.ForeignKey("records.CreditRecord", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="投诉查实信用记录")
    linked_record_key = models.UUIDField("关联的处罚或行业处分记录", null=True, blank=True)
    notice_complainant = models.TextField("告知投诉人", blank=True)
    notice_respondent = models.TextField("告知被投诉人", blank=True)
    notified_on = models.DateField("告知日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "投诉"
        ordering = ["-received_on", "-id"]
        permissions = [("handle_complaint", "受理、调查、审核投诉"), ("decide_complaint", "作出投诉处理决定（复核）"),
                       ("respond_complaint", "被投诉人查看对本人（本机构）的投诉并陈述申辩")]
        indexes = [models.Index(fields=["stage", "received_on"], name="complaint_queue_idx")]

    def __str__(self):
        return f"{self.number} 投诉{self.subject.name}" if self.number else f"投诉{self.subject_id}"

    @staticmethod
    def code_hash(code: str) -> str:
        return hashlib.sha256(code.strip().upper().encode()).hexdigest()


class ComplaintAlert(NoDeleteModel):
    """投诉预警: complaints about one subject (or an institution and its practitioners) gathered in a
    short time, under a rule of complaints.yaml; open until an officer records what was done."""

    class State(models.TextChoices):
        OPEN = "open", "待处置"
        HANDLED = "handled", "已处置"
        WITHDRAWN = "withdrawn", "已撤销（不予受理后未达预警条件）"

    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="complaint_alerts",
                                verbose_name="预警对象")
    rule = models.CharField("预警规则", max_length=30)
    rule_name = models.CharField("预警类型", max_length=50)
    rule_text = models.CharField("预警条件", max_length=200)
    rules_version = models.CharField("规则版本", max_length=20)
    advice = models.CharField("处置建议", max_length=300)
    raised_on = models.DateField("预警日期")
    window_start = models.DateField("统计起日")
    window_end = models.DateField("统计止日")
    count = models.PositiveIntegerField("计数")
    complaints = models.ManyToManyField(Complaint, related_name="alerts", verbose_name="所涉投诉")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    response = models.CharField("处置方式", max_length=20, blank=True)
    response_note = models.TextField("处置情况", blank=True)
    handled_on = models.DateField("处置日期", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="处置人")

    class Meta:
        verbose_name = verbose_name_plural = "投诉预警"
        ordering = ["-raised_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["subject", "rule"], condition=models.Q(state="open"),
                                               name="complaint_alert_one_open")]
        indexes = [models.Index(fields=["state", "raised_on"], name="complaint_alert_queue_idx")]

    def __str__(self):
        return f"{self.rule_name}：{self.subject.name}"
