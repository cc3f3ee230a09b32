"""The deadline queue: every running time limit in the officer's jurisdiction, by state and assignee."""
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html

from legalcredit.accounts.policy import scope_for
from legalcredit.core.admin_base import ReadOnlyAdmin
from legalcredit.domain.deadlines import STATES

from . import selectors
from .models import Clock

CASE_ADMIN = {"repair": "remedies_repairapplication", "objection": "remedies_objection",
              "commitment": "remedies_commitment", "listing": "lists_listentry",
              "inspection": "inspections_inspection", "complaint": "complaints_complaint",
              "aid_review": "legal_aid_casequalityreview", "rating": "satisfaction_satisfactionrating",
              "referral": "referrals_referral", "filing": "filings_penaltyfiling"}


class StateFilter(admin.SimpleListFilter):
    title, parameter_name = "期限状态", "state"

    def lookups(self, request, model_admin):
        return [(k, STATES[k]) for k in ("overdue", "due_soon", "open", "paused")]

    def queryset(self, request, queryset):
        if self.value():
            return selectors.queue(scope_for(request.user), today=timezone.localdate(), state=self.value()).filter(
                pk__in=queryset.values("pk"))
        return queryset


class MineFilter(admin.SimpleListFilter):
    title, parameter_name = "经办人", "mine"

    def lookups(self, request, model_admin):
        return [("1", "我经办的")]

    def queryset(self, request, queryset):
        return queryset.filter(assignee=request.user) if self.value() == "1" else queryset


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ("case_link", "name", "subject", "assignee", "started_on", "limit", "due_on", "state")
    list_filter = (StateFilter, MineFilter, "case_type")
    search_fields = ("subject__name", "name")
    list_select_related = ("subject", "assignee")

    def get_queryset(self, request):
        return selectors.queue(scope_for(request.user), today=timezone.localdate())

    @admin.display(description="时限")
    def limit(self, obj):
        return obj.span

    @admin.display(description="状态")
    def state(self, obj):
        return STATES[selectors.state_of(obj, timezone.localdate())]

    @admin.display(description="案件")
    def case_link(self, obj):
        try:
            url = reverse(f"admin:{CASE_ADMIN[obj.case_type]}_change", args=[obj.case_id])
        except (KeyError, NoReverseMatch):
            return f"{obj.get_case_type_display()} #{obj.case_id}"
        return format_html('<a href="{}">{} #{}</a>', url, obj.get_case_type_display(), obj.case_id)
