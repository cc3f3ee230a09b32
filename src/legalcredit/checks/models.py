"""Credit checks made by administrative matters, their receipts, and the feedback on each measure.

A check is stored exactly as answered; its digest is over the stored answer and is also written
into the audit hash chain, so a receipt (id + digest) proves later what was answered, when and
from which data, and an edit of the stored answer is detected.
"""
import uuid

from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel
from legalcredit.core.sealing import SealedCharField


class Check(NoDeleteModel):
    id = models.UUIDField("回执编号", primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.CharField("核查单位/系统", max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="核查人/账号")
    token = models.ForeignKey("accounts.ApiToken", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="接口令牌")
    matter_type = models.CharField("事项类型", max_length=40)
    purpose = models.CharField("核查用途", max_length=300)
    query = models.JSONField("查询条件")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, null=True, blank=True, related_name="checks",
                                verbose_name="信用主体")
    on = models.DateField("核查基准日")
    answered_at = models.DateTimeField("答复时间")
    answer = models.JSONField("答复内容")
    digest = models.CharField("回执摘要", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "信用核查记录"
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["unit", "answered_at"], name="check_unit_idx")]

    def __str__(self):
        from django.utils import timezone

        from legalcredit.lists.services import matter_name    # matter types are rule-set data

        return f"{self.unit} {matter_name(self.matter_type)} {timezone.localtime(self.answered_at):%Y-%m-%d %H:%M}"


class Feedback(NoDeleteModel):
    """The handling unit's report for one triggered measure: applied, or not and why (触发—反馈)."""

    check_record = models.ForeignKey(Check, models.PROTECT, related_name="feedback", verbose_name="核查记录")
    measure = models.CharField("措施", max_length=60)
    applied = models.BooleanField("已采取")
    reason = models.TextField("未采取的理由", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="反馈人")
    at = models.DateTimeField("反馈时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "措施反馈"
        constraints = [models.UniqueConstraint(fields=["check_record", "measure"], name="one_feedback_per_measure")]

    def __str__(self):
        return f"{self.measure}：{'已采取' if self.applied else '未采取'}"


class Watch(NoDeleteModel):
    """A department keeps a subject under watch for a matter type (its suppliers, its grantees):
    the platform re-checks it as records, lists and grades change, and each change in what the
    department would act on becomes a ``WatchEvent`` it reads from the API."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="关注单位账号")
    unit = models.CharField("关注单位/系统", max_length=100)
    subject = models.ForeignKey("registry.Subject", models.PROTECT, related_name="watches", verbose_name="信用主体")
    matter_type = models.CharField("事项类型", max_length=40)
    purpose = models.CharField("关注用途", max_length=300)
    created_at = models.DateTimeField("开始关注", auto_now_add=True)
    ended_at = models.DateTimeField("结束关注", null=True, blank=True)
    answer = models.JSONField("最近一次核查答复")
    digest = models.CharField("信用状况摘要", max_length=64)
    checked_at = models.DateTimeField("最近核查时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用关注"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "subject", "matter_type"],
                                               condition=models.Q(ended_at__isnull=True), name="one_active_watch")]
        indexes = [models.Index(fields=["subject", "ended_at"], name="watch_subject_idx")]

    def __str__(self):
        return f"{self.unit} 关注 {self.subject}"


class WatchEvent(NoDeleteModel):
    """A change in a watched subject's standing, in the order found (the id is the feed's cursor)."""

    watch = models.ForeignKey(Watch, models.PROTECT, related_name="events", verbose_name="关注")
    # The watch's owner, kept on the event (a watch never changes hands) so that a department's
    # feed is one index range, however many events other departments have.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", db_index=False,
                              verbose_name="关注单位账号")
    at = models.DateTimeField("发现时间")
    changes = models.JSONField("变化")
    answer = models.JSONField("变化后的答复")
    digest = models.CharField("信用状况摘要", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "信用变动提醒"
        ordering = ["id"]
        indexes = [models.Index(fields=["owner", "id"], name="watchevent_feed_idx")]

    def __str__(self):
        return f"#{self.pk} {self.watch.subject}：{'；'.join(c['text'] for c in self.changes)}"


class PushEndpoint(NoDeleteModel):
    """Where the platform pushes a department's monitoring events as they are found (变动推送),
    signed with a secret only the two sides hold. The events stay readable from the API whatever
    happens to a delivery: ``delivered_through`` is the cursor the pushes have reached, moved only
    when the department's system has answered 2xx."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="关注单位账号")
    url = models.URLField("推送地址", max_length=500)
    secret = SealedCharField("签名密钥", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    ended_at = models.DateTimeField("停止推送", null=True, blank=True)
    ended_reason = models.CharField("停止原因", max_length=300, blank=True)
    delivered_through = models.BigIntegerField("已推送至事件编号", default=0)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    next_attempt_at = models.DateTimeField("下次重试时间", null=True, blank=True)
    last_attempt_at = models.DateTimeField("最近推送时间", null=True, blank=True)
    last_error = models.CharField("最近一次失败原因", max_length=300, blank=True)
    # A delivery in progress holds the endpoint until then, so two workers never push the same
    # events twice or out of order; a worker killed mid-delivery lets go when it expires.
    leased_until = models.DateTimeField("推送占用至", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "变动推送地址"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["owner"], condition=models.Q(ended_at__isnull=True),
                                               name="one_active_push_endpoint")]

    def __str__(self):
        return f"{self.owner} → {self.url}"


class PushAttempt(NoDeleteModel):
    """One POST of a batch of events to an endpoint, and how the department's system answered."""

    endpoint = models.ForeignKey(PushEndpoint, models.PROTECT, related_name="attempts", verbose_name="推送地址")
    delivery = models.UUIDField("推送编号", default=uuid.uuid4, editable=False)
    at = models.DateTimeField("推送时间")
    first_event = models.BigIntegerField("起始事件编号")
    last_event = models.BigIntegerField("截止事件编号")
    events = models.PositiveIntegerField("事件数")
    ok = models.BooleanField("成功")
    status = models.PositiveSmallIntegerField("HTTP 状态码", null=True, blank=True)
    error = models.CharField("失败原因", max_length=300, blank=True)
    milliseconds = models.PositiveIntegerField("耗时（毫秒）")

    class Meta:
        verbose_name = verbose_name_plural = "推送记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} #{self.first_event}–{self.last_event} {'成功' if self.ok else '失败'}"
