from django.contrib import admin

from legalcredit.core.admin_base import ReadOnlyAdmin

from .models import CreditReport


@admin.register(CreditReport)
class CreditReportAdmin(ReadOnlyAdmin):
    """Reports as issued: read only (a report is never changed once someone holds it)."""

    list_display = ("serial", "subject", "issued_at", "on", "channel", "requested_by")
    list_filter = ("channel", "on")
    search_fields = ("serial", "subject__name")
    date_hierarchy = "issued_at"
    readonly_fields = ("serial", "subject", "issued_at", "on", "window_from", "rules_version", "requested_by",
                       "channel", "digest", "content")
    list_select_related = ("subject", "requested_by")
