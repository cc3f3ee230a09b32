from django.contrib import admin

from legalcredit.core.admin_base import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the trail is written by the platform, never by hand."""

    list_display = ["seq", "at", "actor", "action", "object_type", "object_id", "summary", "reason", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor", "object_id", "summary"]
    date_hierarchy = "at"
    show_full_result_count = False
