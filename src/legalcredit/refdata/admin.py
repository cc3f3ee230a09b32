from django import forms
from django.contrib import admin

from legalcredit.core.admin_base import ReadOnlyAdmin

from . import services
from .models import CalendarDay, RefdataRelease, Region, RuleSet, SubjectCategory, SubjectStatus, SubjectType


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "in_force"]
    list_filter = ["level", "in_force"]
    search_fields = ["code", "name"]


class CategoryInline(admin.TabularInline):
    model = SubjectCategory
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SubjectType)
class SubjectTypeAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "uscc_required", "license_format"]
    list_filter = ["kind"]
    inlines = [CategoryInline]


@admin.register(SubjectStatus)
class SubjectStatusAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kinds", "may_practise", "temporary", "terminal", "next_statuses"]


@admin.register(RefdataRelease)
class RefdataReleaseAdmin(ReadOnlyAdmin):
    list_display = ["dataset", "version", "data_date", "rows", "loaded_at", "source"]
    list_filter = ["dataset"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "note"]

    def _post_clean(self):
        if self.errors:
            return
        from django.core.exceptions import ValidationError
        try:
            d = self.cleaned_data
            self.instance = services.set_calendar_day(day=d["date"], kind=d["kind"],
                                                      name=d.get("name", ""), note=d.get("note", ""))
        except ValidationError as exc:
            self.add_error("kind", exc.message_dict.get("kind", exc.messages))


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Administrators add next year's schedule here as soon as it is announced."""

    form = CalendarDayForm
    list_display = ["date", "kind", "name", "source", "note"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"
    search_fields = ["name", "note"]

    def save_model(self, request, obj, form, change):
        pass  # saved by services.set_calendar_day in the form

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "origin", "active", "loaded_at", "loaded_by")
    list_filter = ("code", "origin", "active")
