"""双随机、一公开: the inspector directory, conflicts of interest, inspection plans with their
logged draw, and each inspection with its result (「一单两库一细则」: the inspection list is the
``inspections`` rule set, the subject directory is the registry)."""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class Inspector(NoDeleteModel):
    """执法检查人员名录库: who may be drawn to inspect."""

    name = models.CharField("姓名", max_length=60)
    unit = models.CharField("所在单位", max_length=200)
    region = models.ForeignKey("refdata.Region", models.PROTECT, verbose_name="所属行政区划")
    enforcement_no = models.CharField("执法证号", max_length=40, unique=True)
    post = models.CharField("职务", max_length=60, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                related_name="inspector", verbose_name="平台账号")
    active = models.BooleanField("在库（可被抽取）", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法检查人员"
        ordering = ["region_id", "name"]

    def __str__(self):
        return f"{self.name}（{self.enforcement_no}）"


class Conflict(NoDeleteModel):
    """利害关系: an inspector who must recuse from inspecting a subject."""

    inspector = models.ForeignKey(Inspector, models.PROTECT, related_name="conflicts", verbose_name="检查人员")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="+", verbose_name="检查对象")
    reason = models.CharField("回避事由", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="登记人")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "回避关系"
        constraints = [models.UniqueConstraint(fields=["inspector", "subject"], name="conflict_once")]

    def __str__(self):
        return f"{self.inspector.name} — {self.subject.name}：{self.reason}"


class Plan(NoDeleteModel):
    class State(models.TextChoices):
        DRAFT = "draft", "待抽取"
        DRAWN = "drawn", "已抽取"

    name = models.CharField("抽查任务名称", max_length=200)
    item = models.CharField("抽查事项", max_length=40)
    region = models.ForeignKey("refdata.Region", models.PROTECT, verbose_name="抽查范围（行政区划）")
    year = models.PositiveIntegerField("年度")
    authority = models.CharField("检查机关", max_length=200)
    authority_uscc = models.CharField("检查机关统一社会信用代码", max_length=18)
    inspect_from = models.DateField("检查开始日")
    inspect_until = models.DateField("检查结束日")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # The draw, logged so that anyone can repeat it (rules.md rule 10).
    seed = models.CharField("随机种子", max_length=64, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="抽取人")
    rules_version = models.CharField("抽查规则版本", max_length=30, blank=True)
    candidates = models.JSONField("抽取时的检查对象名录", default=dict, blank=True)
    candidates_digest = models.CharField("名录摘要", max_length=64, blank=True)
    inspector_pool = models.JSONField("抽取时的检查人员名录", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查任务"
        ordering = ["-year", "-created_at"]
        permissions = [("draw_plan", "可以执行双随机抽取")]

    def __str__(self):
        return self.name


class Inspection(NoDeleteModel):
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="inspections", verbose_name="抽查任务")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="inspections",
                                verbose_name="检查对象")
    stratum = models.CharField("抽取类别", max_length=60)
    inspectors = models.ManyToManyField(Inspector, related_name="inspections", verbose_name="检查人员")
    inspected_on = models.DateField("检查日期", null=True, blank=True)
    result = models.CharField("检查结果", max_length=20, blank=True)
    findings = models.TextField("检查情况", blank=True)
    result_key = models.UUIDField("结果信用记录编号", null=True, blank=True)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="录入人")
    published_on = models.DateField("结果公示日", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "抽查检查"
        ordering = ["plan_id", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "subject"], name="inspection_once_per_plan")]

    def __str__(self):
        return f"{self.plan.name}：{self.subject.name}"
