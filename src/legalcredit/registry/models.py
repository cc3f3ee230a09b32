"""The registry: institutions, practitioners and who worked where, when.

Institutions and practitioners share one ``Subject`` table (single-table
inheritance with proxy models). Every later part of the platform (credit
records, grades, list entries, checks) points at "a subject" regardless of
its kind, and one table keeps those references, identifier lookups and
name search simple and fast at a million rows.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from legalcredit.core.models import NoDeleteModel, NoDeleteQuerySet
from legalcredit.core.sealing import SealedCharField
from legalcredit.domain.identifiers.id_number import mask
from legalcredit.refdata.models import SubjectKind


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class Subject(NoDeleteModel):
    kind = models.CharField("主体类别", max_length=20, choices=SubjectKind.choices)
    subject_type = models.ForeignKey("refdata.SubjectType", models.PROTECT, verbose_name="主体类型")
    category = models.ForeignKey("refdata.SubjectCategory", models.PROTECT, null=True, blank=True,
                                 verbose_name="细分类别")
    name = models.CharField("名称/姓名", max_length=200)
    region = models.ForeignKey("refdata.Region", models.PROTECT, verbose_name="所属行政区划")
    status = models.ForeignKey("refdata.SubjectStatus", models.PROTECT, verbose_name="执业状态")
    status_since = models.DateField("状态起始日")
    status_until = models.DateField("状态截止日", null=True, blank=True)

    # Institutions
    uscc = models.CharField("统一社会信用代码", max_length=18, null=True, blank=True, unique=True)
    address = models.CharField("住所/执业地址", max_length=300, blank=True)
    legal_representative = models.CharField("负责人/法定代表人（登记）", max_length=60, blank=True)

    # Practitioners
    # Sealed at rest; 64 holds the token of an 18-character number.
    id_number = SealedCharField("公民身份号码", max_length=64, null=True, blank=True, unique=True)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    license_no = models.CharField("执业证号", max_length=40, null=True, blank=True)

    license_issued_on = models.DateField("执业许可日期", null=True, blank=True)
    license_valid_until = models.DateField("许可有效期至", null=True, blank=True)

    pinyin_initials = models.CharField("拼音首字母", max_length=200, blank=True, db_index=True)
    import_batch = models.ForeignKey("core.ImportBatch", models.PROTECT, null=True, blank=True,
                                     verbose_name="导入批次")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["pinyin_initials", "updated_at"],
                                verbose_name="主体变更历史")

    class Meta:
        verbose_name = verbose_name_plural = "信用主体"
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "license_no"],
                                    condition=Q(license_no__isnull=False),
                                    name="uniq_license_no_per_type"),
            models.CheckConstraint(condition=Q(status_until__isnull=True)
                                   | Q(status_until__gte=models.F("status_since")),
                                   name="status_until_after_since"),
            models.CheckConstraint(condition=Q(kind="institution", id_number__isnull=True)
                                   | Q(kind="practitioner", uscc__isnull=True),
                                   name="identifiers_match_kind"),
        ]
        indexes = [
            models.Index(fields=["region", "subject_type", "status"], name="subject_filter_idx"),
            models.Index(fields=["license_no"], name="subject_license_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_institution(self) -> bool:
        return self.kind == SubjectKind.INSTITUTION

    @property
    def masked_id_number(self) -> str:
        return mask(self.id_number or "")


class InstitutionManager(models.Manager.from_queryset(NoDeleteQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=SubjectKind.INSTITUTION)


class PractitionerManager(models.Manager.from_queryset(NoDeleteQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=SubjectKind.PRACTITIONER)


class Institution(Subject):
    objects = InstitutionManager()

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "法律服务机构"


class Practitioner(Subject):
    objects = PractitionerManager()

    class Meta:
        proxy = True
        verbose_name = verbose_name_plural = "法律服务从业人员"


# Proxies share Subject's history table; the history admin looks the manager up by name.
for _proxy in (Institution, Practitioner):
    _proxy._meta.simple_history_manager_attribute = Subject._meta.simple_history_manager_attribute


class FormerName(NoDeleteModel):
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="former_names",
                                verbose_name="主体")
    name = models.CharField("曾用名", max_length=200)
    used_until = models.DateField("使用至", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "曾用名"
        ordering = ["-used_until"]

    def __str__(self):
        return self.name


class Affiliation(NoDeleteModel):
    """A typed, dated link between a practitioner and an institution.

    ``valid_to`` is the last day the link held (inclusive); empty while it
    still holds. Links are ended, never removed, so "who headed this firm on
    2023-05-01" keeps its answer.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "执业人员"
        PARTNER = "partner", "合伙人"
        HEAD = "head", "负责人"
        LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
        ACTUAL_CONTROLLER = "actual_controller", "实际控制人"
        FOUNDER = "founder", "设立人"

    person = models.ForeignKey(Subject, models.PROTECT, related_name="affiliations",
                               verbose_name="从业人员")
    institution = models.ForeignKey(Subject, models.PROTECT, related_name="staff_affiliations",
                                    verbose_name="机构")
    role = models.CharField("身份", max_length=30, choices=Role.choices)
    valid_from = models.DateField("起始日")
    valid_to = models.DateField("终止日", null=True, blank=True)
    import_batch = models.ForeignKey("core.ImportBatch", models.PROTECT, null=True, blank=True,
                                     verbose_name="导入批次")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name="登记人")
    history = HistoricalRecords(verbose_name="执业关系变更历史")

    class Meta:
        verbose_name = verbose_name_plural = "执业关系"
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="affiliation_dates_ordered"),
        ]
        indexes = [
            models.Index(fields=["institution", "role", "valid_from"], name="aff_institution_idx"),
            models.Index(fields=["person", "role", "valid_from"], name="aff_person_idx"),
        ]

    def __str__(self):
        return f"{self.person} — {self.institution}（{self.get_role_display()}）"
