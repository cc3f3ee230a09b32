from django.conf import settings
from django.db import models


class NoDeleteQuerySet(models.QuerySet):
    """Records of the credit system are never hard-deleted.

    Deregistration, revocation, ending an affiliation are states; a delete
    would erase the history that later decisions are judged against.
    """

    def delete(self):
        raise PermissionError("信用记录不可删除：请改为变更状态（注销、吊销、终止等）")


class NoDeleteModel(models.Model):
    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionError("信用记录不可删除：请改为变更状态（注销、吊销、终止等）")


class ImportBatch(NoDeleteModel):
    """Provenance of rows written in bulk (demo data, imports, exchanges)."""

    kind = models.CharField("类别", max_length=40)
    source = models.CharField("来源", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   verbose_name="操作人")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    rows = models.PositiveIntegerField("行数", default=0)
    parameters = models.JSONField("参数", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "批量导入批次"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
