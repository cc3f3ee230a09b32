"""Reference data: loaded from versioned files, never typed into code."""
from django.db import models


class RefdataRelease(models.Model):
    """One load of one data set: what was loaded, from which version, when."""

    dataset = models.CharField("数据集", max_length=40)
    version = models.CharField("版本", max_length=80)
    source = models.CharField("来源", max_length=300, blank=True)
    data_date = models.CharField("数据截止日期", max_length=20, blank=True)
    checksum = models.CharField("校验和", max_length=64)
    rows = models.PositiveIntegerField("记录数", default=0)
    loaded_at = models.DateTimeField("加载时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "基础数据版本"
        ordering = ["-loaded_at"]

    def __str__(self):
        return f"{self.dataset} {self.version}"


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "地级"
        COUNTY = "county", "县级"

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name="上级")
    in_force = models.BooleanField("现行有效", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    @property
    def jurisdiction_prefix(self) -> str:
        """The code prefix shared by this region and everything under it."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)


class SubjectKind(models.TextChoices):
    INSTITUTION = "institution", "法律服务机构"
    PRACTITIONER = "practitioner", "法律服务从业人员"


class SubjectType(models.Model):
    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("名称", max_length=40)
    kind = models.CharField("主体类别", max_length=20, choices=SubjectKind.choices)
    uscc_required = models.BooleanField("须有统一社会信用代码", default=False)
    uscc_prefixes = models.JSONField("常见代码前缀", default=list, blank=True)
    license_format = models.CharField("执业证号格式", max_length=20, blank=True)
    institution_types = models.ManyToManyField("self", symmetrical=False, blank=True,
                                               verbose_name="所属机构类型")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "主体类型"
        ordering = ["kind", "sort_order"]

    def __str__(self):
        return self.name


class SubjectCategory(models.Model):
    subject_type = models.ForeignKey(SubjectType, models.PROTECT, related_name="categories",
                                     verbose_name="主体类型")
    code = models.CharField("代码", max_length=40)
    name = models.CharField("名称", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "主体细分类别"
        constraints = [models.UniqueConstraint(fields=["subject_type", "code"],
                                               name="uniq_category_per_type")]

    def __str__(self):
        return self.name


class SubjectStatus(models.Model):
    code = models.CharField("代码", max_length=40, primary_key=True)
    name = models.CharField("名称", max_length=40)
    kinds = models.JSONField("适用主体", default=list)
    may_practise = models.BooleanField("可执业", default=False)
    temporary = models.BooleanField("须有截止日期", default=False)
    terminal = models.BooleanField("终局状态", default=False)
    next_statuses = models.JSONField("可转入状态", default=list)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "执业状态"
        ordering = ["sort_order"]

    def __str__(self):
        return self.name


class CalendarDay(models.Model):
    """A day that departs from the Monday-Friday week: a holiday or a 调休 workday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", primary_key=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=60, blank=True)
    source = models.CharField("来源", max_length=80,
                              help_text="程序包版本，或“后台录入”；后台录入的记录不会被程序包覆盖")
    note = models.CharField("依据或备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class RuleSet(models.Model):
    """One edition of a rule document (periods, field sets, penalty ranges, ...).

    Shipped editions come from the package's YAML files; a province can load
    its own edition from the back office or the CLI without a release. Older
    editions stay, so every decision can say which edition it was made under.
    """

    code = models.CharField("规则集", max_length=40)
    version = models.CharField("版本", max_length=80)
    source = models.TextField("依据与来源", blank=True)
    document = models.JSONField("内容")
    checksum = models.CharField("校验和", max_length=64)
    origin = models.CharField("来源方式", max_length=20, default="package",
                              help_text="package：程序包；province：本省加载")
    active = models.BooleanField("现行", default=True)
    loaded_at = models.DateTimeField("加载时间", auto_now_add=True)
    loaded_by = models.CharField("加载人", max_length=150, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则集（期限、字段、处罚幅度）"
        ordering = ["code", "-loaded_at"]
        constraints = [models.UniqueConstraint(fields=["code"], condition=models.Q(active=True),
                                               name="one_active_ruleset_per_code")]

    def __str__(self):
        return f"{self.code} {self.version}"
