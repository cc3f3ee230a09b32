from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models


class Role(models.Model):
    """A role from refdata/data/roles.yaml: a Django group plus what it may see."""

    class Scope(models.TextChoices):
        PROVINCE = "province", "全省"
        REGION = "region", "本辖区"
        OWN_INSTITUTION = "own_institution", "本机构及其人员"
        OWN_RECORD = "own_record", "本人"
        NONE = "none", "无"

    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("名称", max_length=40)
    group = models.OneToOneField(Group, models.PROTECT, related_name="role", verbose_name="权限组")
    scope = models.CharField("数据范围", max_length=20, choices=Scope.choices)
    full_id_number = models.BooleanField("可见完整身份证号", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "角色"

    def __str__(self):
        return self.name


class OfficerProfile(models.Model):
    """Where a user belongs: a bureau's region, or the institution / practitioner they act for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="officer",
                                verbose_name="用户")
    region = models.ForeignKey("refdata.Region", models.PROTECT, null=True, blank=True,
                               verbose_name="所属行政区划")
    subject = models.ForeignKey("registry.Subject", models.PROTECT, null=True, blank=True,
                                verbose_name="所代表的机构或本人")
    unit = models.CharField("单位", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户归属"

    def __str__(self):
        return f"{self.user} @ {self.region or self.subject}"
