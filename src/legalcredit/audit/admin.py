from django.apps import apps
from django.contrib import admin

from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin

from .models import AuditEntry


def type_name(label: str) -> str:
    """An object type as people name it (信用核查记录), the stored label (checks.check) beside it."""
    try:
        return f"{apps.get_model(label)._meta.verbose_name}（{label}）"
    except (LookupError, ValueError):
        return label


class ObjectTypeFilter(CodeFilter):
    title, parameter_name = "对象类型", "object_type"

    def lookups(self, request, model_admin):
        labels = AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
        return [(label, type_name(label)) for label in labels if label]



@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the trail is written by the platform, never by hand."""

    list_display = ["seq", "at", "actor", "action", "object_type_shown", "object_id", "summary", "reason", "ip"]
    list_filter = ["action", ObjectTypeFilter]
    search_fields = ["actor", "object_id", "summary"]
    date_hierarchy = "at"
    show_full_result_count = False

    @admin.display(description="对象类型", ordering="object_type")
    def object_type_shown(self, obj):
        return type_name(obj.object_type)
