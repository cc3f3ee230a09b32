"""The audit trail: append-only, each entry chained to the one before by hash.

An entry is written unlinked (no sequence number, no hashes) in the transaction of the change it
records, so concurrent requests never wait on each other for the trail; the sealer
(``services.seal``) then links committed entries into the chain in the order it finds them. The
database lets that one step through and refuses every other change (``guard``).
"""
from django.conf import settings
from django.db import models

from legalcredit.core.models import NoDeleteModel


class AuditEntry(NoDeleteModel):
    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        READ = "read", "查阅非公开信息"
        EXPORT = "export", "导出"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"
        BULK = "bulk", "批量写入"
        APPROVE = "approve", "审核通过"
        REJECT = "reject", "审核退回"
        PUBLISH = "publish", "发布"

    # Blank until sealed: the place in the chain is given when the entry is linked, not when written.
    seq = models.BigIntegerField("序号", unique=True, null=True, blank=True)
    at = models.DateTimeField("时间")
    # No foreign key: the trail must outlive any account and never cascade.
    actor_id = models.BigIntegerField("操作人编号", null=True, blank=True)
    actor = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    summary = models.CharField("摘要", max_length=300, blank=True)
    reason = models.CharField("原因/用途", max_length=300, blank=True)
    ip = models.CharField("来源地址", max_length=45, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("前序哈希", max_length=64, blank=True, default="")
    hash = models.CharField("哈希", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
                   models.Index(fields=["actor_id", "at"], name="audit_actor_idx"),
                   # The sealer's work list stays small however long the trail grows.
                   models.Index(fields=["id"], condition=models.Q(hash=""), name="audit_unsealed_idx")]

    def __str__(self):
        return f"#{self.seq or '待链接'} {self.actor} {self.get_action_display()} {self.summary}"

    def hashed_fields(self) -> dict:
        """What the hash covers: everything but the two hashes themselves."""
        return {"seq": self.seq, "at": self.at.isoformat(), "actor_id": self.actor_id,
                "actor": self.actor, "action": self.action, "object_type": self.object_type,
                "object_id": self.object_id, "summary": self.summary, "reason": self.reason,
                "ip": self.ip, "data": self.data}


class AuditHead(models.Model):
    """The chain's last link, one row; locking it serialises the sealers (never the writers)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计链头"


class AccessReview(NoDeleteModel):
    """查询使用审查: one month's reads of non-public credit information, assessed against the
    ``access_review`` rules (domain/access_review.py), and the reviewer's conclusion once every
    finding is decided."""

    class State(models.TextChoices):
        OPEN = "open", "待审查"
        CLOSED = "closed", "已审查"

    month = models.DateField("审查月份", unique=True, help_text="该月第一天")
    period_end = models.DateField("统计止日")
    rules_version = models.CharField("规则版本", max_length=20)
    opened_at = models.DateTimeField("生成时间")
    due_on = models.DateField("审查期限")
    reads = models.PositiveIntegerField("查阅次数", default=0)
    # Per account: reads and subjects read, by stated purpose (查询使用登记), all roles included.
    summary = models.JSONField("查询使用统计", default=list, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    conclusion = models.TextField("审查结论", blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="审查人")
    closed_at = models.DateTimeField("审查完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "查询使用审查"
        ordering = ["-month"]
        permissions = [("review_accessreview", "审查查询使用记录")]

    def __str__(self):
        return f"{self.month:%Y年%m月}查询使用审查"


class AccessFinding(NoDeleteModel):
    """What stood out in a month's reads: one account, one rule, one day; the reviewer finds the use
    justified or refers it for investigation (严肃查处违规泄露或利用信用信息谋私)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待核实"
        JUSTIFIED = "justified", "用途正当"
        REFERRED = "referred", "移交调查"

    review = models.ForeignKey(AccessReview, models.PROTECT, related_name="findings", verbose_name="审查")
    rule = models.CharField("审查规则", max_length=20)
    rule_name = models.CharField("情形", max_length=50)
    actor_id = models.BigIntegerField("账号编号")
    actor = models.CharField("账号", max_length=150)
    day = models.DateField("日期")
    count = models.PositiveIntegerField("计数")
    detail = models.CharField("说明", max_length=200)
    entry_ids = models.JSONField("所涉审计日志（部分）", default=list)
    decision = models.CharField("审查意见", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    note = models.TextField("核实情况", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="核实人")
    decided_at = models.DateTimeField("核实时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "查询使用审查发现"
        ordering = ["day", "actor", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "rule", "actor_id", "day"],
                                               name="access_finding_unique")]

    def __str__(self):
        return f"{self.day} {self.actor}：{self.rule_name}"


class ChainCheck(NoDeleteModel):
    """One verification of the whole trail (nightly, or ``audit verify``): how far it was intact and
    whether the database's append-only guard was in place. A failed one stays on the security
    officers' home page until a later one passes (社会信用信息安全管理和应急处置)."""

    at = models.DateTimeField("校验时间")
    entries = models.BigIntegerField("完好记录数")
    chain_ok = models.BooleanField("哈希链完整")
    guard_ok = models.BooleanField("只追加保护已启用")
    problem = models.TextField("问题", blank=True)
    by = models.CharField("发起", max_length=60)

    class Meta:
        verbose_name = verbose_name_plural = "审计链校验记录"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {'通过' if self.ok else '未通过'}"

    @property
    def ok(self) -> bool:
        return self.chain_ok and self.guard_ok
