from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from legalcredit.accounts import policy
from legalcredit.audit import services as audit
from legalcredit.core.admin_base import CodeFilter
from legalcredit.core.admin_forms import RequestFormMixin, ServiceModelForm
from legalcredit.domain.identifiers import id_number
from legalcredit.refdata.models import Region, SubjectKind, SubjectType

from . import selectors, services
from .profile import credit_profile
from .models import Affiliation, FormerName, Institution, Practitioner


def _actor(form):
    return form.request.user if form.request else None


def _code(value):
    """Services take reference data by code; forms hold model instances."""
    return getattr(value, "code", value)


class SubjectForm(ServiceModelForm):
    """Shared by institutions and practitioners; the service enforces every rule."""

    kind: str = ""
    status_until = forms.DateField(label="状态截止日", required=False,
                                   help_text="停止执业、停业整顿等临时状态必须填写")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "subject_type" in self.fields:
            self.fields["subject_type"].queryset = SubjectType.objects.filter(kind=self.kind)
        if "region" in self.fields and self.request is not None:
            self.fields["region"].queryset = policy.regions(self.scope)
        if self.instance.pk is not None and "subject_type" in self.fields:
            # The type is fixed at registration (a lawyer does not become a notary).
            self.fields["subject_type"].disabled = True
        if self.instance.pk is None:
            # A new subject starts as 执业; later changes go through change_status.
            for f in ("status", "status_since", "status_until"):
                self.fields.pop(f, None)
        elif "status_since" in self.fields:
            self.fields["status_since"].required = False

    @property
    def scope(self) -> policy.Scope:
        return policy.scope_for(self.request.user) if self.request else policy.NOTHING

    def clean_region(self):
        region = self.cleaned_data["region"]
        if not self.scope.covers_region(region.code):
            raise forms.ValidationError("所属行政区划超出您的辖区")
        return region

    def _changed_status(self, data):
        if self.instance.pk is None or not {"status", "status_since", "status_until"} & set(
                self.changed_data):
            return
        subject = services.change_status(
            self.instance, actor=_actor(self), reason=data["reason"], status=data["status"].code,
            since=data.get("status_since") or timezone.localdate(), until=data.get("status_until"))
        return subject

    def _changes(self, data, fields):
        return {f: _code(data.get(f)) for f in fields if f in self.changed_data}


class InstitutionForm(SubjectForm):
    kind = SubjectKind.INSTITUTION

    class Meta:
        model = Institution
        fields = ["name", "subject_type", "category", "region", "uscc", "address",
                  "legal_representative", "license_issued_on", "license_valid_until",
                  "status", "status_since", "status_until"]

    def apply(self, data):
        if self.instance.pk is None:
            subject, self.warnings = services.register_institution(
                actor=_actor(self), reason=data["reason"], name=data["name"],
                subject_type=data["subject_type"].code, region=data["region"].code,
                uscc_code=data.get("uscc"), category=_code(data.get("category")),
                address=data.get("address", ""), legal_representative=data.get("legal_representative", ""),
                license_issued_on=data.get("license_issued_on"),
                license_valid_until=data.get("license_valid_until"))
            return subject
        changes = self._changes(data, ["name", "category", "region", "uscc", "address",
                                       "legal_representative", "license_issued_on",
                                       "license_valid_until"])
        subject = self.instance
        if changes:
            subject, self.warnings = services.update_subject(subject, actor=_actor(self),
                                                             reason=data["reason"], **changes)
        return self._changed_status(data) or subject


class PractitionerForm(SubjectForm):
    kind = SubjectKind.PRACTITIONER
    institution = forms.ModelChoiceField(Institution.objects.none(), required=False,
                                         label="执业机构", help_text="新登记时填写；转所请在“执业关系”中办理")

    class Meta:
        model = Practitioner
        fields = ["name", "subject_type", "category", "region", "id_number", "gender",
                  "license_no", "license_issued_on", "status", "status_since", "status_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = policy.filter_subjects(Institution.objects.all(),
                                                                      self.scope)
        if self.instance.pk:
            self.fields.pop("institution")

    def apply(self, data):
        if self.instance.pk is None:
            subject, self.warnings = services.register_practitioner(
                actor=_actor(self), reason=data["reason"], name=data["name"],
                subject_type=data["subject_type"].code, region=data["region"].code,
                id_number_raw=data.get("id_number"), license_number=data.get("license_no"),
                category=_code(data.get("category")),
                gender=data.get("gender") or None, license_issued_on=data.get("license_issued_on"),
                institution=data.get("institution"))
            return subject
        changes = self._changes(data, ["name", "category", "region", "id_number", "gender",
                                       "license_no", "license_issued_on"])
        subject = self.instance
        if changes:
            subject, self.warnings = services.update_subject(subject, actor=_actor(self),
                                                             reason=data["reason"], **changes)
        return self._changed_status(data) or subject


class FormerNameInline(admin.TabularInline):
    model = FormerName
    fields = ["name", "used_until", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class _AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    can_delete = False
    ordering = ["-valid_from"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StaffInline(_AffiliationInline):
    fk_name = "institution"
    verbose_name_plural = "本机构人员（含历史）"
    fields = ["person", "role", "valid_from", "valid_to"]
    readonly_fields = fields


class PostsInline(_AffiliationInline):
    fk_name = "person"
    verbose_name_plural = "执业经历（含历史）"
    fields = ["institution", "role", "valid_from", "valid_to"]
    readonly_fields = fields


class JurisdictionFilter(admin.SimpleListFilter):
    title = "地区"
    parameter_name = "area"
    field = "region"        # the path to the subject's region; other apps' lists subclass it

    def lookups(self, request, model_admin):
        # Province-wide users get the cities of the platform's province, not all of China.
        prefix = policy.scope_for(request.user).search_prefix or settings.LEGALCREDIT_PROVINCE[:2]
        level = "city" if len(prefix) <= 2 else "county"
        regions = Region.objects.filter(level=level, code__startswith=prefix, in_force=True)
        return [(r.code, r.name) for r in regions[:400]]

    def queryset(self, request, queryset):
        if self.value():
            region = Region.objects.filter(code=self.value()).first()
            if region:
                return queryset.filter(**{f"{self.field}__code__startswith": region.jurisdiction_prefix})
        return queryset


class SubjectTypeFilter(CodeFilter):
    title = "主体类型"
    parameter_name, field = "type", "subject_type_id"
    kind = ""

    def lookups(self, request, model_admin):
        return [(t.code, t.name) for t in SubjectType.objects.filter(kind=model_admin.kind)]


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """The change history, for what the officer's jurisdiction covers only.

    simple_history falls back on the history table when the object is not in ``get_queryset``,
    so without this an officer could read, by guessing ids, the history of subjects outside
    their scope (or meet a server error when the exception classes of a proxy model differ).
    """

    def history_view(self, request, object_id, extra_context=None):
        if self.get_object(request, object_id) is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        return super().history_view(request, object_id, extra_context)


class SubjectAdmin(RequestFormMixin, ScopedHistoryAdmin):
    kind = ""
    list_filter = [SubjectTypeFilter, "status", JurisdictionFilter]
    list_select_related = ["subject_type", "region", "status"]
    search_help_text = "名称（至少2个字，含曾用名）、统一社会信用代码、身份证号、执业证号或拼音首字母"
    search_fields = ["name"]  # replaced by get_search_results; needed to show the box
    autocomplete_fields = ["region"]  # 3,000+ regions: type to find, not a long list
    show_full_result_count = False
    list_per_page = 50

    def get_fields(self, request, obj=None):
        # A new subject starts as 执业 (status is changed later); the institution
        # is chosen only at first registration (later moves are 转所).
        drop = {"institution"} if obj else {"status", "status_since", "status_until"}
        if obj is not None and not self.has_change_permission(request, obj):
            drop.add("reason")  # the form's change reason: nothing to show on a read-only page
        return [f for f in super().get_fields(request, obj) if f not in drop]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The subject the page already loaded: its credit file costs no second read of it.
        context["credit_profile"] = credit_profile(obj, request.user) if obj is not None else None
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_queryset(self, request):
        return selectors.visible_subjects(policy.scope_for(request.user)).filter(kind=self.kind)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        hits = selectors.search_subjects(search_term, scope=policy.scope_for(request.user),
                                         kind=self.kind, limit=200)
        return queryset.filter(pk__in=[h.pk for h in hits]), False

    def save_model(self, request, obj, form, change):
        for warning in getattr(form, "warnings", []):
            self.message_user(request, f"提示：{warning}", level="warning")

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is hard-deleted: deregistration and revocation are statuses


@admin.register(Institution)
class InstitutionAdmin(SubjectAdmin):
    kind = SubjectKind.INSTITUTION
    form = InstitutionForm
    list_display = ["name", "subject_type", "uscc", "region", "status", "status_until"]
    inlines = [FormerNameInline, StaffInline]
    readonly_fields = ["created_at", "updated_at", "import_batch"]


@admin.register(Practitioner)
class PractitionerAdmin(SubjectAdmin):
    kind = SubjectKind.PRACTITIONER
    form = PractitionerForm
    list_display = ["name", "subject_type", "masked_id", "license_no", "current_institution",
                    "region", "status"]
    inlines = [FormerNameInline, PostsInline]

    def get_queryset(self, request):
        return selectors.with_current_institution(super().get_queryset(request), timezone.localdate())

    @admin.display(description="执业机构")
    def current_institution(self, obj):
        return getattr(obj, "current_institution_name", None) or "-"

    @admin.display(description="公民身份号码")
    def masked_id(self, obj):
        return obj.masked_id_number

    def _purpose(self, request):
        from legalcredit.accounts.purposes import catalogue
        return catalogue().find(request.GET.get("purpose", ""))

    def _may_see_id(self, request):
        """A full ID number is shown to a role that may see it, for a registered purpose it
        states on the page (查询使用登记); otherwise it stays masked."""
        return policy.may_see_full_id_number(request.user) and self._purpose(request) is not None

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "masked_id"]
        if obj is not None and not self._may_see_id(request):
            # The masked number stands where the number would be.
            fields.insert(fields.index("region") + 1, "masked_id")
        return fields

    def get_readonly_fields(self, request, obj=None):
        ro = ["created_at", "updated_at", "import_batch"]
        if obj is not None and not self._may_see_id(request):
            ro.append("masked_id")
        return ro

    def get_exclude(self, request, obj=None):
        if obj is not None and not self._may_see_id(request):
            return ["id_number"]
        return super().get_exclude(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from legalcredit.accounts.purposes import audit_reason, catalogue

        purpose = self._purpose(request)
        full = self._may_see_id(request)
        if request.method == "GET":
            subject = self.get_object(request, object_id)
            if subject is not None:
                audit.record_read(request, [subject], purpose=audit_reason(purpose) if purpose else "",
                                  what=f"后台查阅从业人员“{subject.name}”" + ("（完整身份证号）" if full else ""),
                                  full_id_number=full and bool(subject.id_number))
        offer = policy.may_see_full_id_number(request.user) and not full
        extra_context = {**(extra_context or {}), "id_purpose": purpose if full else None,
                         "id_purposes": list(catalogue().purposes.values()) if offer else None}
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if self._may_see_id(request):
            from legalcredit.accounts.purposes import audit_reason
            subject = self.get_object(request, object_id)
            if subject is not None:
                audit.record_read(request, [subject], purpose=audit_reason(self._purpose(request)),
                                  what=f"后台查阅从业人员“{subject.name}”的变更历史（完整身份证号）",
                                  full_id_number=bool(subject.id_number))
        return super().history_view(request, object_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        if self._may_see_id(request):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskedIdHistory(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is shown as a full form, ID number included; the change
        # list (who, when, why, what changed) stays open with the number masked.
        if not self._may_see_id(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class MaskedIdHistory(HistoricalRecordContextHelper):
    """History deltas with ID numbers masked, for roles that may not see them."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return id_number.mask(str(value)) if change.field == "id_number" and value else value


class AffiliationForm(ServiceModelForm):
    class Meta:
        model = Affiliation
        fields = ["person", "institution", "role", "valid_from", "valid_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Who, where, in what role and from when do not change; a reader (view permission
            # only) gets no form fields at all.
            for f in ("person", "institution", "role", "valid_from"):
                if f in self.fields:
                    self.fields[f].disabled = True

    def apply(self, data):
        if self.instance.pk is None:
            return services.add_affiliation(
                actor=_actor(self), reason=data["reason"], person=data["person"],
                institution=data["institution"], role=data["role"], valid_from=data["valid_from"],
                valid_to=data.get("valid_to"))
        if "valid_to" in self.changed_data and data.get("valid_to"):
            return services.end_affiliation(self.instance, actor=_actor(self), reason=data["reason"],
                                            valid_to=data["valid_to"])
        return self.instance


@admin.register(Affiliation)
class AffiliationAdmin(RequestFormMixin, ScopedHistoryAdmin):
    form = AffiliationForm
    list_display = ["person", "institution", "role", "valid_from", "valid_to"]
    list_filter = ["role"]
    raw_id_fields = ["person", "institution"]
    list_select_related = ["person", "institution"]
    search_fields = ["person__name", "institution__name"]
    date_hierarchy = "valid_from"

    def get_queryset(self, request):
        return policy.filter_subjects(super().get_queryset(request), policy.scope_for(request.user),
                                      field="institution")

    def save_model(self, request, obj, form, change):
        pass  # saved by the service in the form

    def has_delete_permission(self, request, obj=None):
        return False
