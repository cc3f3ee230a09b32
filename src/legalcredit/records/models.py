"""Credit records: every fact the bureau holds about a subject.

Each row is one *version* of one record. A record is identified by ``key``
and keeps all its versions: a correction or a withdrawal adds a version and
closes the previous one (``superseded_at``), so the record as the platform
knew it at any moment can be read back. Nothing is overwritten or deleted.

Versions entered by a maker wait (``pending``) until a checker approves
them; only approved versions count anywhere (publication, evaluation, checks).
"""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from legalcredit.core.models import ImportBatch, NoDeleteModel


class Severity(models.TextChoices):
    MINOR = "minor", "轻微"
    GENERAL = "general", "一般"
    SERIOUS = "serious", "严重"


class Review(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已生效"
    REJECTED = "rejected", "已退回"


class Status(models.TextChoices):
    IN_EFFECT = "in_effect", "有效"
    WITHDRAWN = "withdrawn", "已撤回公示（决定变更）"
    REVOKED = "revoked", "已撤销"


class CreditRecord(NoDeleteModel):
    # No single-column indexes where a composite one leads with the column (key: the
    # (key, version) constraint; subject: record_subject_asof_idx), and none on who entered or
    # checked a record, which nothing looks up: every index is paid for on each imported row.
    key = models.UUIDField("记录编号", default=uuid.uuid4)
    version = models.PositiveIntegerField("版本", default=1)
    review = models.CharField("审核状态", max_length=10, choices=Review.choices, default=Review.PENDING)
    is_current = models.BooleanField("现行版本", default=False)
    effective_at = models.DateTimeField("生效时间", null=True, blank=True)
    superseded_at = models.DateTimeField("被取代时间", null=True, blank=True)

    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="credit_records",
                                verbose_name="信用主体", db_index=False)
    kind = models.CharField("信息类别", max_length=30)
    subtype = models.CharField("细类/结果", max_length=40, blank=True)
    status = models.CharField("记录状态", max_length=12, choices=Status.choices, default=Status.IN_EFFECT)
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices, blank=True)

    authority = models.CharField("决定机关", max_length=200)
    authority_uscc = models.CharField("决定机关统一社会信用代码", max_length=18, blank=True)
    authority_level = models.CharField("决定机关层级", max_length=10, blank=True)
    decision_no = models.CharField("决定书文号", max_length=100, blank=True)
    decision_date = models.DateField("决定日期")
    effective_from = models.DateField("效力起始日", null=True, blank=True)
    effective_until = models.DateField("效力截止日", null=True, blank=True)
    content = models.TextField("内容", blank=True)
    legal_basis = models.TextField("依据", blank=True)
    provision = models.CharField("适用条款", max_length=40, blank=True)
    sanctions = models.JSONField("处罚种类及幅度", default=list, blank=True)
    penalty_types = models.JSONField("处罚类别（国家标准）", default=list, blank=True)
    fine_amount = models.DecimalField("罚款金额（万元）", max_digits=18, decimal_places=6, null=True, blank=True)
    confiscation_amount = models.DecimalField("没收金额（万元）", max_digits=18, decimal_places=6,
                                              null=True, blank=True)
    certificate = models.CharField("暂扣或吊销证照名称及编号", max_length=200, blank=True)
    source_unit = models.CharField("数据来源单位", max_length=200)
    source_unit_uscc = models.CharField("数据来源单位统一社会信用代码", max_length=18, blank=True)
    details = models.JSONField("双公示字段", default=dict, blank=True)
    raw = models.JSONField("原始数据", default=dict, blank=True)
    warnings = models.JSONField("数据质量提示", default=list, blank=True)
    content_hash = models.CharField("内容摘要", max_length=64)

    # Publication, computed from the policy edition named in publication_regime.
    public = models.BooleanField("公示", default=False)
    publication_regime = models.CharField("公示期限规则", max_length=30, blank=True)
    published_from = models.DateField("公示起始日", null=True, blank=True)
    min_publication_until = models.DateField("最短公示期满日", null=True, blank=True)
    publication_end = models.DateField("公示截止期", null=True, blank=True)
    repair_from = models.DateField("可申请修复日", null=True, blank=True)
    publication_note = models.TextField("公示期限说明", blank=True)
    published_on = models.DateField("实际公示日", null=True, blank=True)
    publication_working_days = models.IntegerField("决定至公示工作日数", null=True, blank=True)
    on_time = models.BooleanField("按时公示", null=True, blank=True)
    withdrawn_on = models.DateField("撤回公示日", null=True, blank=True)
    repaired_on = models.DateField("信用修复日", null=True, blank=True,
                                   help_text="准予信用修复之日：公示自此终止，记录标注“已修复”")
    withdrawal_reason = models.TextField("撤回/撤销原因", blank=True)
    reversal_date = models.DateField("原决定变更/撤销日", null=True, blank=True)
    withdrawal_due = models.DateField("应撤回期限", null=True, blank=True)
    reported_at = models.DateTimeField("报送共享平台时间", null=True, blank=True)

    reason = models.TextField("本版本原因")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="录入人", db_index=False)
    entered_at = models.DateTimeField("录入时间", auto_now_add=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审核人", db_index=False)
    checked_at = models.DateTimeField("审核时间", null=True, blank=True)
    check_note = models.TextField("审核意见", blank=True)
    import_batch = models.ForeignKey("core.ImportBatch", models.PROTECT, null=True, blank=True,
                                     verbose_name="导入批次")

    class Meta:
        verbose_name = verbose_name_plural = "信用记录"
        ordering = ["-decision_date", "-id"]
        permissions = [("check_creditrecord", "审核信用记录（复核生效）")]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="record_version_unique"),
            models.UniqueConstraint(fields=["key"], condition=Q(is_current=True),
                                    name="one_current_version"),
            models.UniqueConstraint(fields=["key"], condition=Q(review="pending"),
                                    name="one_pending_version"),
            models.CheckConstraint(condition=Q(publication_end__isnull=True)
                                   | Q(publication_end__gte=models.F("published_from")),
                                   name="publication_end_after_start"),
        ]
        indexes = [
            models.Index(fields=["subject", "effective_at"], name="record_subject_asof_idx"),
            models.Index(fields=["subject", "kind", "decision_no"], name="record_decision_idx"),
            models.Index(fields=["is_current", "kind", "decision_date"], name="record_current_idx"),
            models.Index(fields=["review", "import_batch"], name="record_review_idx"),
            # A decision found by its number, or a deciding authority's newest decisions, across
            # subjects (the portal's 双公示 search); current versions only.
            models.Index(fields=["decision_no"], condition=Q(is_current=True), name="record_current_no_idx"),
            models.Index(fields=["kind", "authority", "decision_date"], condition=Q(is_current=True),
                         name="record_current_authority_idx"),
        ]

    def __str__(self):
        return f"{self.decision_no or self.kind}（第{self.version}版）"

    @property
    def number(self) -> str:
        return self.key.hex[:12].upper()


class RecordImportBatch(ImportBatch):
    """The import batches of credit records, as the back office lists them for review."""

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "导入批次"


class BackgroundJob(NoDeleteModel):
    """What an officer asked the background worker to do, when, and how it went; each kind of
    job adds what it was asked and what came of it, and its ``State`` (queued and running first)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, verbose_name="操作人",
                                     related_name="+")
    requested_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    message = models.TextField("说明", blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    @property
    def finished(self) -> bool:
        return self.state not in ("queued", "running")


class ImportJob(BackgroundJob):
    """A back-office import, run by the background worker so a year's file outlives no request:
    what was asked, how far it got, and what came of it (the batch, or the errors and their report)."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "校验导入中"
        DONE = "done", "已完成"
        REFUSED = "refused", "文件被拒绝"
        FAILED = "failed", "运行出错"

    kind = models.CharField("类别", max_length=40)
    source = models.CharField("文件名", max_length=200)
    size_bytes = models.BigIntegerField("文件大小", default=0)
    reason = models.CharField("导入原因", max_length=200)
    register_unknown = models.BooleanField("自动登记名录中没有的机构", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    rows_estimated = models.PositiveIntegerField("预计行数", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    report = models.CharField("错误报告文件", max_length=200, blank=True)
    batch = models.ForeignKey("core.ImportBatch", models.PROTECT, null=True, blank=True, verbose_name="导入批次",
                              related_name="+")

    class Meta(BackgroundJob.Meta):
        verbose_name = verbose_name_plural = "导入任务"
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]

    def __str__(self):
        return f"{self.source}（{self.get_state_display()}）"


class ExportJob(BackgroundJob):
    """A back-office export of 双公示 data, written by the background worker: a province's year
    took minutes of a web process, with nothing on the screen meanwhile. The file holds full ID
    numbers, so it is served to the officer who asked for it only, and removed after
    ``EXPORT_KEEP_DAYS``; the job, and the audit entry of the export, stay."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导出中"
        DONE = "done", "已完成"
        FAILED = "failed", "运行出错"

    kind = models.CharField("类别", max_length=20)
    fmt = models.CharField("格式", max_length=10)
    since = models.DateField("增量起始日", null=True, blank=True)
    mark_reported = models.BooleanField("标记为已报送", default=False)
    purpose = models.CharField("导出用途", max_length=200)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    rows_estimated = models.PositiveIntegerField("预计条数", null=True, blank=True)
    rows = models.PositiveIntegerField("导出条数", null=True, blank=True)
    file = models.CharField("文件名", max_length=100, blank=True)
    size_bytes = models.BigIntegerField("文件大小", default=0)
    file_removed_at = models.DateTimeField("文件删除时间", null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = verbose_name_plural = "导出任务"
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]

    def __str__(self):
        return f"{self.file or self.kind}（{self.get_state_display()}）"


class DecisionJob(BackgroundJob):
    """A checker's decision on a whole import batch, carried out by the background worker: a
    province's year of 双公示 rows takes a minute or more to approve, past what a web request
    should hold. The batch is decided in one transaction, so a job that fails or whose worker is
    killed leaves the batch pending, as it was."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "审核处理中"
        DONE = "done", "已完成"
        REFUSED = "refused", "未获准"
        FAILED = "failed", "运行出错"

    batch = models.ForeignKey("core.ImportBatch", models.PROTECT, verbose_name="导入批次", related_name="+")
    approve = models.BooleanField("审核通过", help_text="否：退回")
    note = models.CharField("审核意见", max_length=500, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField("处理条数", null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = verbose_name_plural = "批次审核任务"
        indexes = [models.Index(fields=["batch", "-requested_at"])]

    def __str__(self):
        return f"批次 #{self.batch_id} {'审核通过' if self.approve else '退回'}（{self.get_state_display()}）"
