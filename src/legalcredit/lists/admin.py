from django.contrib import admin
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import ReadOnlyAdmin

from . import selectors
from .models import ListEntry


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ("subject", "list_code", "stage", "decision_no", "listed_from", "listed_until", "removed_on",
                    "removal")
    list_filter = ("list_code", "stage", "removal")
    search_fields = ("subject__name", "subject__uscc", "decision_no")
    list_select_related = ("subject",)
    readonly_fields = ("steps_table",)
    exclude = ()

    def get_queryset(self, request):
        return selectors.visible_entries(policy.scope_for(request.user)).select_related("subject")

    @admin.display(description="办理记录")
    def steps_table(self, obj):
        return format_html("<table><tr><th>日期</th><th>事项</th><th>经办人</th><th>文书/说明</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
                                            ((s.on, s.action, s.officer or "系统", s.document)
                                             for s in obj.steps.select_related("officer"))))
