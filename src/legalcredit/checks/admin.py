from django.contrib import admin

from legalcredit.core.admin_base import ReadOnlyAdmin

from .models import Check, Feedback


class FeedbackInline(admin.TabularInline):
    model = Feedback
    fk_name = "check_record"
    extra = 0
    can_delete = False
    readonly_fields = ("measure", "applied", "reason", "by", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Check)
class CheckAdmin(ReadOnlyAdmin):
    list_display = ("answered_at", "unit", "matter_type", "subject", "purpose", "on", "digest")
    list_filter = ("matter_type", "unit")
    search_fields = ("subject__name", "unit", "purpose", "id")
    list_select_related = ("subject",)
    inlines = [FeedbackInline]
    exclude = ("query",)
    readonly_fields = ("query_shown",)

    @admin.display(description="查询条件")
    def query_shown(self, obj):
        from .services import asked
        return "；".join(f"{k}：{v}" for k, v in asked(obj, masked=True).items())
