"""Credit evaluation: schemes, stored results, each subject's current grade, the forensic workflow.

A scheme row holds its YAML text; it is checked by ``domain.scoring`` before
it can be published, and a published scheme is never edited: a change is a
new version. Results are snapshots: a new one is stored only when a subject's
outcome (score, grade, explanation or scheme version) changes, so the table
is the grade history, not a daily copy of every subject.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q

from legalcredit.core.models import NoDeleteModel


class Scheme(NoDeleteModel):
    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        RETIRED = "retired", "已停用"

    class Origin(models.TextChoices):
        PACKAGE = "package", "随软件发布"
        PROVINCE = "province", "本省制定"

    code = models.CharField("方案代码", max_length=60)
    version = models.CharField("版本", max_length=30)
    name = models.CharField("方案名称", max_length=200)
    document = models.TextField("方案文件（YAML）")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    origin = models.CharField("来源", max_length=10, choices=Origin.choices, default=Origin.PROVINCE)
    subject_types = models.JSONField("适用主体类型", default=list, blank=True)
    region = models.CharField("适用区划（代码前缀，空为全部）", max_length=6, blank=True)
    problems = models.JSONField("校验问题", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="起草人")
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="发布人")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价方案"
        ordering = ["code", "-created_at"]
        permissions = [("publish_scheme", "发布、停用评价方案"),
                       ("run_evaluation", "运行重新评价与模拟评价")]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="scheme_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=Q(state="published"),
                                    name="one_published_scheme_per_code"),
        ]

    def __str__(self):
        return f"{self.name}（{self.code} {self.version}，{self.get_state_display()}）"


class Evaluation(NoDeleteModel):
    class Trigger(models.TextChoices):
        RECORD_CHANGE = "record_change", "记录变化"
        FULL = "full", "全量重算"
        SCHEME = "scheme", "方案发布"
        WORKFLOW = "workflow", "等级评估流程"

    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="evaluations",
                                verbose_name="信用主体")
    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="+", verbose_name="评价方案")
    as_of = models.DateField("评价基准日")
    score = models.DecimalField("得分", max_digits=10, decimal_places=2)
    grade = models.CharField("等级", max_length=20)
    score_grade = models.CharField("按分数的等级", max_length=20)
    vetoed = models.BooleanField("触发否决项", default=False)
    explanation = models.JSONField("得分明细")
    digest = models.CharField("结果摘要", max_length=64)
    trigger = models.CharField("触发原因", max_length=20, choices=Trigger.choices)
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价结果（历史）"
        ordering = ["-computed_at", "-id"]
        indexes = [models.Index(fields=["subject", "-computed_at"], name="evaluation_history_idx")]

    def __str__(self):
        return f"{self.subject_id} {self.grade}（{self.score}）"


class SubjectGrade(models.Model):
    """The subject's current grade: one row per subject, replaced as results change."""

    class State(models.TextChoices):
        EVALUATED = "evaluated", "已评价"
        NOT_EVALUATED = "not_evaluated", "未评价（无适用方案）"

    subject = models.OneToOneField("registry.Subject", models.PROTECT, primary_key=True,
                                   related_name="grade", verbose_name="信用主体")
    state = models.CharField("评价状态", max_length=15, choices=State.choices)
    scheme = models.ForeignKey(Scheme, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="评价方案")
    evaluation = models.ForeignKey(Evaluation, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="当前评价结果")
    grade = models.CharField("等级", max_length=20, blank=True)
    score = models.DecimalField("得分", max_digits=10, decimal_places=2, null=True, blank=True)
    supervision_class = models.CharField("监管类别", max_length=12, blank=True)
    # The current evaluation's digest, kept here so regrading compares without a join.
    digest = models.CharField("结果摘要", max_length=64, blank=True)
    since = models.DateTimeField("本等级起始", null=True, blank=True)
    checked_at = models.DateTimeField("最近评价时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "主体当前信用等级"
        indexes = [models.Index(fields=["scheme", "grade"], name="grade_distribution_idx")]

    def __str__(self):
        return f"{self.subject_id} {self.grade or self.get_state_display()}"


class EvaluationRun(NoDeleteModel):
    """One full recompute or what-if, with what it found (the what-if comparison lives here)."""

    class Kind(models.TextChoices):
        FULL = "full", "全量重新评价"
        WHAT_IF = "what_if", "模拟评价（方案草稿）"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    scheme = models.ForeignKey(Scheme, models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="方案")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="发起人")
    started_at = models.DateTimeField("开始", auto_now_add=True)
    finished_at = models.DateTimeField("结束", null=True, blank=True)
    as_of = models.DateField("评价基准日")
    subjects = models.PositiveIntegerField("主体数", default=0)
    changed = models.PositiveIntegerField("结果变化数", default=0)
    summary = models.JSONField("汇总", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价运行记录"
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class ForensicGrading(NoDeleteModel):
    """One round of the annual forensic integrity grading (司规〔2021〕4号) for one institution."""

    class Stage(models.TextChoices):
        SELF = "self", "机构自评"
        CITY = "city", "市级初评"
        PROVINCE = "province", "省级审定"
        PUBLICITY = "publicity", "公示中"
        PUBLISHED = "published", "已公布"

    class Round(models.TextChoices):
        ANNUAL = "annual", "年度评估"
        EVENT = "event", "重新评估（重大事项）"

    institution = models.ForeignKey("registry.Subject", models.PROTECT, related_name="forensic_gradings",
                                    verbose_name="司法鉴定机构")
    year = models.PositiveSmallIntegerField("评估年度")
    round = models.CharField("类型", max_length=10, choices=Round.choices, default=Round.ANNUAL)
    stage = models.CharField("当前环节", max_length=10, choices=Stage.choices, default=Stage.SELF)
    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="+", verbose_name="评价方案")
    system_evaluation = models.ForeignKey(Evaluation, models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name="系统计分")
    trigger_record = models.ForeignKey("records.CreditRecord", models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name="触发重新评估的记录")
    final_grade = models.CharField("审定等级", max_length=20, blank=True)
    publicity_from = models.DateField("公示起始", null=True, blank=True)
    publicity_until = models.DateField("公示截止", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "司法鉴定机构诚信等级评估"
        ordering = ["-year", "institution_id"]
        permissions = [("self_assess_forensicgrading", "机构自评"),
                       ("review_forensicgrading", "市级初评"),
                       ("decide_forensicgrading", "省级审定")]
        constraints = [models.UniqueConstraint(fields=["institution", "year"],
                                               condition=Q(round="annual"),
                                               name="one_annual_grading_per_year")]

    def __str__(self):
        return f"{self.institution} {self.year}年度（{self.get_stage_display()}）"


class GradingStep(NoDeleteModel):
    """What one officer did at one stage: the record the workflow is judged by."""

    grading = models.ForeignKey(ForensicGrading, models.PROTECT, related_name="steps",
                                verbose_name="评估")
    stage = models.CharField("环节", max_length=10, choices=ForensicGrading.Stage.choices)
    action = models.CharField("操作", max_length=10, choices=[("submit", "提交"), ("return", "退回")])
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                verbose_name="经办人")
    on = models.DateField("日期")
    score = models.DecimalField("评分", max_digits=10, decimal_places=2, null=True, blank=True)
    grade = models.CharField("等级意见", max_length=20, blank=True)
    opinion = models.TextField("意见")
    onsite_notes = models.TextField("现场核查情况", blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评估环节记录"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_stage_display()} {self.get_action_display()}"
