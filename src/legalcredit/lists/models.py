"""Entries on the credit lists (严重失信主体名单, 重点关注名单, 守信激励对象名单) and their due process.

An entry is one subject's case on one list from proposal to removal. Every step is a ``ListStep``
with officer, date and the document it produced; the entry keeps its history after removal and
only its effect ends. List types, periods and deadlines come from the ``credit_lists`` rule set.
"""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class Stage(models.TextChoices):
    PROPOSED = "proposed", "拟列入"
    NOTICED = "noticed", "已告知（陈述申辩期）"
    HEARING = "hearing", "听证"
    DECIDED = "decided", "已决定列入"
    PUBLISHED = "published", "已公示"
    REMOVED = "removed", "已移出"
    DROPPED = "dropped", "不予列入"


class ListEntry(NoDeleteModel):
    list_code = models.CharField("名单", max_length=40)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="list_entries",
                                verbose_name="信用主体")
    stage = models.CharField("环节", max_length=12, choices=Stage.choices, default=Stage.PROPOSED)
    basis_record = models.ForeignKey("records.CreditRecord", models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="列入依据记录")
    reasons = models.TextField("列入事由")
    legal_basis = models.TextField("列入依据")
    authority = models.CharField("认定单位", max_length=200)
    authority_uscc = models.CharField("认定单位统一社会信用代码", max_length=18, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="提出人（空为按规则自动提出）")
    proposed_at = models.DateTimeField("提出时间", auto_now_add=True)
    conduct_on = models.DateField("失信行为发生日", null=True, blank=True,
                                  help_text="责任人按此日的任职关系确定；空则取依据记录的决定日或提出日")
    responsible = models.JSONField("直接责任人员（主体编号）", default=list, blank=True)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="propagated",
                               verbose_name="由机构名单延伸")
    role = models.CharField("责任人身份", max_length=30, blank=True)

    notice_served_on = models.DateField("告知书送达日", null=True, blank=True)
    notice_text = models.TextField("告知书", blank=True)
    statement_due = models.DateField("陈述申辩截止日", null=True, blank=True)
    hearing_request_due = models.DateField("听证申请截止日", null=True, blank=True)
    statement = models.TextField("陈述申辩意见", blank=True)
    hearing_requested_on = models.DateField("申请听证日", null=True, blank=True)
    hearing_notice_on = models.DateField("听证通知日", null=True, blank=True)
    hearing_on = models.DateField("听证日", null=True, blank=True)
    hearing_record = models.TextField("听证笔录", blank=True)

    decision_no = models.CharField("决定书文号", max_length=100, blank=True)
    decided_on = models.DateField("决定日", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="决定人")
    decision_text = models.TextField("决定书（含信用修复告知）", blank=True)
    listed_from = models.DateField("列入日", null=True, blank=True)
    listed_until = models.DateField("有效期至", null=True, blank=True)
    published_on = models.DateField("公示日", null=True, blank=True)
    removed_on = models.DateField("移出日", null=True, blank=True)
    removal = models.CharField("移出方式", max_length=12, blank=True)
    removal_note = models.TextField("移出说明", blank=True)
    # What the sharing platforms were last sent of it (exchange): "", published or removed.
    reported_as = models.CharField("已报送共享平台的状态", max_length=10, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "名单记录"
        ordering = ["-proposed_at"]
        permissions = [("decide_listentry", "作出列入、移出名单决定（复核）"),
                       ("answer_listentry", "以当事人身份陈述申辩、申请听证")]
        indexes = [models.Index(fields=["subject", "list_code", "stage"], name="list_entry_subject_idx")]

    def __str__(self):
        from .services import list_name     # the list's name is rule-set data

        return f"{self.subject} · {list_name(self.list_code)}（{self.get_stage_display()}）"


class ListStep(NoDeleteModel):
    entry = models.ForeignKey(ListEntry, models.PROTECT, related_name="steps", verbose_name="名单记录")
    stage = models.CharField("进入环节", max_length=12, choices=Stage.choices)
    action = models.CharField("办理事项", max_length=40)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="经办人")
    on = models.DateField("日期")
    document = models.TextField("文书/说明", blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "名单办理记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.action}（{self.on}）"
