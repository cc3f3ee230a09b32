"""The audit trail: append-only, each entry chained to the one before by hash.

An entry is written unlinked (no sequence number, no hashes) in the transaction of the change it
records, so concurrent requests never wait on each other for the trail; the sealer
(``services.seal``) then links committed entries into the chain in the order it finds them. The
database lets that one step through and refuses every other change (``guard``).
"""
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
