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
    two_factor = models.BooleanField("须动态口令登录", default=False)
    # Kinds of credit record the role may enter and see; empty = every kind.
    record_kinds = models.JSONField("可录入的信息类别", default=list, blank=True)

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
    # An association's profession (a sector code of the discipline_referrals rule set): it answers
    # only the penalties referred to that association. Blank: every sector (and for bureaus).
    sector = models.CharField("协会类别", max_length=20, blank=True,
                              help_text="行业协会账号填写所属协会的类别代码（行政处罚与行业惩戒衔接规则集 sectors 的 code，"
                                        "如 lawyers 律师协会）；空为不限")

    class Meta:
        verbose_name = verbose_name_plural = "用户归属"

    def __str__(self):
        return f"{self.user} @ {self.region or self.subject}"


class ApiToken(models.Model):
    """A department system's key to the API: scoped, expiring, revocable, rate-limited.

    Only a SHA-256 of the key is stored; the key is shown once when issued.
    """

    name = models.CharField("调用单位/系统", max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens",
                              verbose_name="所属账号")
    prefix = models.CharField("前缀", max_length=12, unique=True)
    key_hash = models.CharField("密钥摘要", max_length=64)
    scopes = models.JSONField("授权范围", default=list)
    # 查询使用登记: what the department registered it reads for; empty = any registered purpose.
    purposes = models.JSONField("登记的查询用途", default=list, blank=True)
    rate_per_minute = models.PositiveIntegerField("每分钟调用上限", default=60)
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_reason = models.CharField("吊销原因", max_length=200, blank=True)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.prefix}）"
