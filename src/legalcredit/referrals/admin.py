"""行政处罚与行业惩戒衔接 in the back office: the penalties referred to the associations, each
association's queue and its answer; bureaus follow the loop within their region."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from legalcredit.accounts import policy
from legalcredit.core.admin_base import ReadOnlyAdmin
from legalcredit.core.admin_forms import form_page, refusals_on
from legalcredit.deadlines.models import Clock
from legalcredit.domain.deadlines import span
from legalcredit.records import selectors as records

from . import selectors, services
from .forms import AnswerForm
from .models import Referral, State


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("referred_on", "subject", "penalty", "sector_name", "state", "due", "answered_on", "act")
    list_filter = ("state", "sector_name", "referred_on")
    search_fields = ("subject__name", "subject__uscc", "subject__license_no", "record__decision_no")
    list_select_related = ("subject", "record")
    fields = ("subject", "penalty", "sector_name", "referred_on", "state", "answered_on", "answered_by",
              "discipline", "answer")
    readonly_fields = ("penalty", "discipline")

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "subject__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        # The running clock's last day and length, read with the rows (not a query per row).
        running = Clock.objects.filter(case_type=services.CASE, case_id=OuterRef("pk"),
                                       stopped_on__isnull=True).order_by("started_on", "id")
        # The penalty as it stands now: one revoked or withdrawn since it was referred says so.
        return selectors.visible(policy.scope_for(request.user), request.user).annotate(
            due_on=Subquery(running.values("due_on")[:1]),
            due_working=Subquery(running.values("working_days")[:1]),
            due_calendar=Subquery(running.values("calendar_days")[:1]),
            current_status=records.current_status())

    @admin.display(description="行政处罚")
    def penalty(self, obj):
        rec = obj.record
        return format_html('<a href="{}">{}</a> {}（{}）{}', reverse("admin:records_creditrecord_change", args=[rec.pk]),
                           rec.decision_no or rec.number, rec.authority, rec.decision_date,
                           records.status_since(getattr(obj, "current_status", None)))

    @admin.display(description="行业处分记录")
    def discipline(self, obj):
        return obj.discipline_key.hex[:12].upper() if obj.discipline_key else "—"

    @admin.display(description="反馈期限")
    def due(self, obj):
        if obj.state != State.OPEN or obj.due_on is None:
            return "—"
        return f"{obj.due_on}前（{span(obj.due_working, obj.due_calendar)}）"

    @admin.display(description="办理")
    def act(self, obj):
        if obj.state != State.OPEN:
            return ""
        return format_html('<a href="{}">反馈</a>', reverse("admin:referrals_referral_answer", args=[obj.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/answer/", view(self.answer_view), name="referrals_referral_answer"),
                *super().get_urls()]

    def answer_view(self, request, pk):
        ref = get_object_or_404(self.get_queryset(request), pk=pk)
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                services.answer(ref.pk, by=request.user, outcome=d["outcome"], note=d["note"],
                                discipline_number=d["discipline_number"], on=d.get("on"))
                self.message_user(request, "已反馈研究处理情况", messages.SUCCESS)
                return redirect("admin:referrals_referral_change", ref.pk)
        rec = ref.record
        return form_page(self, request, form, f"行业惩戒研究反馈：{ref.subject.name}", "反馈", intro=format_html(
            "<p>{}于{}作出行政处罚（{}）：{}</p><p>依据：{}</p><p>移送{}，反馈期限：{}</p>",
            rec.authority, rec.decision_date, rec.decision_no or rec.number, rec.content, rec.legal_basis or "—",
            ref.sector_name, self.due(ref)))
