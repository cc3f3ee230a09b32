"""Credit commitments, credit repair applications and objections: the remedies of the credit record.

Each case keeps every step (``CaseStep``: officer, date, document) and its materials (``Material``);
its time limits run on ``deadlines.Clock``. Applications and objections are decided by a second
officer (maker-checker): the one who reviews cannot decide.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from legalcredit.core.models import NoDeleteModel
from legalcredit.domain.remedies import COMMITMENT_TYPES, COMMITTER, DISCLOSURE, FULFILMENT


class Commitment(NoDeleteModel):
    code = models.CharField("承诺编码", max_length=20, unique=True)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="commitments",
                                verbose_name="承诺人")
    committer_category = models.CharField("承诺人类别", max_length=20, choices=list(COMMITTER.items()))
    commitment_type = models.CharField("承诺类型", max_length=20, choices=list(COMMITMENT_TYPES.items()))
    cause = models.CharField("承诺事由", max_length=300)
    content = models.TextField("承诺内容")
    liability = models.TextField("违诺责任")
    made_on = models.DateField("承诺作出日期")
    valid_until = models.DateField("承诺有效期至", null=True, blank=True)
    disclosure = models.CharField("公开类型", max_length=10, choices=list(DISCLOSURE.items()))
    accepting_unit = models.CharField("承诺受理单位", max_length=200)
    accepting_unit_uscc = models.CharField("承诺受理单位代码", max_length=18, blank=True)
    materials_due = models.DateField("容缺材料补交期限", null=True, blank=True)
    matter_record_key = models.UUIDField("关联许可/审批记录", null=True, blank=True, db_index=True,
                                         help_text="凭承诺办理的许可、审批或证明事项；违诺时标注为拟撤销")
    matter = models.CharField("关联事项", max_length=200, blank=True)
    fulfilment = models.CharField("承诺履行状态", max_length=10, choices=list(FULFILMENT.items()), default="pending")
    unfulfilled = models.TextField("未履行的承诺内容", blank=True)
    liability_pursued = models.TextField("违诺责任追究内容", blank=True)
    fulfilment_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                               related_name="+", verbose_name="履行状态认定经办人")
    proposed_fulfilment = models.CharField("拟认定履行状态", max_length=10, blank=True,
                                           choices=list(FULFILMENT.items()))
    fulfilment_decided_on = models.DateField("履行状态认定日期", null=True, blank=True)
    fulfilment_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                              related_name="+", verbose_name="履行状态认定人")
    fulfilment_unit = models.CharField("履行状态认定单位", max_length=200, blank=True)
    fulfilment_unit_uscc = models.CharField("履行状态认定单位代码", max_length=18, blank=True)
    breach_record = models.ForeignKey("records.CreditRecord", models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="违诺信用记录")
    consequence = models.TextField("违诺后果", blank=True)
    note = models.TextField("备注", blank=True)
    letter = models.TextField("承诺书", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用承诺"
        ordering = ["-made_on", "-id"]
        permissions = [("decide_commitment", "认定信用承诺履行状态（复核）")]

    def __str__(self):
        return f"{self.code} {self.get_commitment_type_display()}"


class RepairStage(models.TextChoices):
    APPLIED = "applied", "已申请（待受理）"
    SUPPLEMENT = "supplement", "待补正"
    ACCEPTED = "accepted", "已受理（审核中）"
    REVIEWED = "reviewed", "已审核（待决定）"
    GRANTED = "granted", "准予修复"
    REFUSED = "refused", "不予修复"
    REJECTED = "rejected", "不予受理"


OPEN_REPAIR = (RepairStage.APPLIED, RepairStage.SUPPLEMENT, RepairStage.ACCEPTED, RepairStage.REVIEWED)


class RepairApplication(NoDeleteModel):
    number = models.CharField("申请编号", max_length=24, unique=True, null=True, blank=True)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="repair_applications",
                                verbose_name="信用主体")
    record_key = models.UUIDField("修复的信用记录", null=True, blank=True, db_index=True)
    list_entry = models.ForeignKey("lists.ListEntry", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="修复的名单记录")
    item = models.CharField("修复对象", max_length=200)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="申请人账号")
    applied_on = models.DateField("申请日")
    statement = models.TextField("履行义务情况说明")
    commitment = models.ForeignKey(Commitment, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="信用修复承诺")
    stage = models.CharField("环节", max_length=12, choices=RepairStage.choices, default=RepairStage.APPLIED)
    accepted_on = models.DateField("受理日", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    review_opinion = models.TextField("审核意见", blank=True)
    proposed_grant = models.BooleanField("审核建议准予", null=True, blank=True)
    decided_on = models.DateField("决定日", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="决定人")
    reason = models.TextField("决定/不予受理理由", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用修复申请"
        ordering = ["-applied_on", "-id"]
        permissions = [("handle_repairapplication", "受理、审核信用修复申请"),
                       ("decide_repairapplication", "作出信用修复决定（复核）")]
        constraints = [
            models.CheckConstraint(condition=Q(record_key__isnull=False) | Q(list_entry__isnull=False),
                                   name="repair_has_item"),
            models.UniqueConstraint(fields=["record_key"], condition=Q(stage__in=OPEN_REPAIR),
                                    name="one_open_repair_per_record"),
            models.UniqueConstraint(fields=["list_entry"], condition=Q(stage__in=OPEN_REPAIR),
                                    name="one_open_repair_per_entry"),
        ]

    def __str__(self):
        return f"{self.number} {self.item}"


class ObjectionStage(models.TextChoices):
    FILED = "filed", "已提出（待受理）"
    SUPPLEMENT = "supplement", "待补正"
    VERIFYING = "verifying", "核实中"
    REVIEWED = "reviewed", "已审核（待决定）"
    DECIDED = "decided", "已办结"
    REJECTED = "rejected", "不予受理"


OPEN_OBJECTION = (ObjectionStage.FILED, ObjectionStage.SUPPLEMENT, ObjectionStage.VERIFYING,
                  ObjectionStage.REVIEWED)


class Outcome(models.TextChoices):
    UPHELD = "upheld", "维持"
    CORRECTED = "corrected", "更正"
    REVOKED = "revoked", "撤销"


class Objection(NoDeleteModel):
    number = models.CharField("异议编号", max_length=24, unique=True, null=True, blank=True)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="objections",
                                verbose_name="信用主体")
    record_key = models.UUIDField("异议的信用记录", null=True, blank=True, db_index=True)
    list_entry = models.ForeignKey("lists.ListEntry", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="异议的名单记录")
    grade = models.BooleanField("对信用等级提出异议", default=False)
    item = models.CharField("异议对象", max_length=200)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="申请人账号")
    applicant_name = models.CharField("异议人", max_length=200)
    interest = models.CharField("与该信息的利害关系", max_length=200)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    grounds = models.TextField("异议事实和理由")
    filed_on = models.DateField("提出日")
    stage = models.CharField("环节", max_length=12, choices=ObjectionStage.choices, default=ObjectionStage.FILED)
    accepted_on = models.DateField("受理日", null=True, blank=True)
    verifying_unit = models.CharField("核实单位", max_length=200, blank=True)
    verification_reply = models.TextField("核实意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    review_opinion = models.TextField("审核意见", blank=True)
    proposed_outcome = models.CharField("拟处理结果", max_length=10, choices=Outcome.choices, blank=True)
    corrections = models.JSONField("拟更正内容", default=dict, blank=True)
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, blank=True)
    reason = models.TextField("处理理由", blank=True)
    decided_on = models.DateField("决定日", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="决定人")
    new_record = models.ForeignKey("records.CreditRecord", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="更正/撤销后的版本")
    notice = models.TextField("告知申请人", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "异议"
        ordering = ["-filed_on", "-id"]
        permissions = [("handle_objection", "受理、核实异议"), ("decide_objection", "作出异议处理决定（复核）")]
        constraints = [models.CheckConstraint(
            condition=Q(record_key__isnull=False) | Q(list_entry__isnull=False) | Q(grade=True),
            name="objection_has_item")]

    def __str__(self):
        return f"{self.number} {self.item}"


class CaseStep(NoDeleteModel):
    case_type = models.CharField("案件类别", max_length=12)
    case_id = models.PositiveBigIntegerField("案件编号")
    stage = models.CharField("进入环节", max_length=12)
    action = models.CharField("办理事项", max_length=40)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="经办人")
    on = models.DateField("日期")
    document = models.TextField("文书/说明", blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办理记录"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="casestep_case_idx")]


class Material(NoDeleteModel):
    case_type = models.CharField("案件类别", max_length=12)
    case_id = models.PositiveBigIntegerField("案件编号")
    kind = models.CharField("材料类别", max_length=20,
                            choices=[("proof", "履行义务证明"), ("letter", "信用修复承诺书"), ("other", "其他材料"),
                                     ("decision", "行政处罚决定书")])
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("摘要", max_length=64)
    file = models.FileField("文件", upload_to="remedies/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="material_case_idx")]


class SyncEntry(NoDeleteModel):
    """What must reach the sharing platforms (信用中国, the provincial platform) after a remedy."""
    action = models.CharField("同步事项", max_length=40)
    case_type = models.CharField("案件类别", max_length=12)
    case_id = models.PositiveBigIntegerField("案件编号")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="+", verbose_name="信用主体")
    item = models.CharField("信息", max_length=200)
    payload = models.JSONField("同步内容")
    created_on = models.DateField("产生日")
    due_on = models.DateField("应同步期限")
    sent_at = models.DateTimeField("已同步时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享平台同步"
        ordering = ["sent_at", "due_on", "id"]
