"""行政处罚报送 in the back office: a city bureau's penalties to file with the province, its filing
and later updates of rectification; the provincial bureau signs for them or returns them, and sees
each city's timeliness."""
from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter
from legalcredit.core.admin_forms import PeriodForm
from legalcredit.deadlines.models import Clock
from legalcredit.domain.deadlines import span
from legalcredit.records import selectors as records
from legalcredit.remedies import admin as case_admin

from . import selectors, services
from .forms import FilingActForm, actions_for
from .models import PenaltyFiling, Stage

case_admin.MATERIAL_CASES["filing"] = (selectors.visible, "filings.view_penaltyfiling")
case_admin.MATERIAL_REASONS["filing"] = "行政处罚报送"


class CityFilter(CodeFilter):
    title, parameter_name, field = "报送地区", "region", "region_id"

    def lookups(self, request, model_admin):
        return list(selectors.visible(policy.scope_for(request.user)).order_by("region_id")
                    .values_list("region_id", "region__name").distinct())


class LateFilter(admin.SimpleListFilter):
    title, parameter_name = "是否按时", "timeliness"

    def lookups(self, request, model_admin):
        return [("on_time", "按时报送"), ("late", "逾期报送"), ("overdue", "逾期未报送")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(filed_on__isnull=True, due_on__lt=timezone.localdate())
        if self.value() in ("on_time", "late"):
            return queryset.filter(filed_on__isnull=False, late=self.value() == "late")
        return queryset


class RectificationFilter(CodeFilter):
    title, parameter_name = "整改情况", "rectification"
    UNSETTLED = "unsettled"

    def lookups(self, request, model_admin):
        r = services.rules()
        open_names = "、".join(v for k, v in r.rectification.items() if k not in r.settled)
        return [*r.rectification.items(), (self.UNSETTLED, f"未了结（{open_names}）")]

    def queryset(self, request, queryset):
        if self.value() == self.UNSETTLED:
            return queryset.filter(filed_on__isnull=False).exclude(rectification__in=sorted(services.rules().settled))
        return super().queryset(request, queryset)


@admin.register(PenaltyFiling)
class PenaltyFilingAdmin(case_admin.CaseAdmin):
    case_type, actions_map, case_form = services.CASE, {}, FilingActForm
    closed = ()     # rectification may be updated after the province has signed
    list_display = ("effective_on", "subject", "penalty", "region", "due_on", "stage", "filed_on", "timeliness",
                    "rectification_name", "act")
    list_filter = ("stage", LateFilter, CityFilter, RectificationFilter)
    search_fields = ("subject__name", "subject__uscc", "subject__license_no", "record__decision_no")
    list_select_related = ("subject", "record", "region")
    fields = ("subject", "penalty", "region", "effective_on", "due", "stage", "filed_on", "filed_by", "timeliness",
              "facts", "legal_basis", "rectification_name", "rectification_note", "rectification_updated_on",
              "received_on", "received_by", "return_reason", "history")
    readonly_fields = ("penalty", "due", "timeliness", "rectification_name", "history")

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in ("effective_on__gte", "effective_on__lt") or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        # The penalty as it stands now, read with the rows: a decision changed or revoked after it
        # was opened for filing says so beside it.
        return selectors.visible(policy.scope_for(request.user)).annotate(current_status=records.current_status())

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "title": "行政处罚报送"})

    @admin.display(description="行政处罚")
    def penalty(self, obj):
        rec = obj.record
        return format_html('<a href="{}">{}</a> {}{}', reverse("admin:records_creditrecord_change", args=[rec.pk]),
                           rec.decision_no or rec.number, rec.authority,
                           records.status_since(getattr(obj, "current_status", None)))

    @admin.display(description="报送期限")
    def due(self, obj):
        limit = services.rules().deadline
        return f"{obj.due_on}前（生效之日起{span(limit.working_days, limit.calendar)}）"

    @admin.display(description="是否按时")
    def timeliness(self, obj):
        if obj.filed_on is not None:
            return "逾期报送" if obj.late else "按时报送"
        return "逾期未报送" if obj.due_on < timezone.localdate() else "—"

    @admin.display(description="整改情况")
    def rectification_name(self, obj):
        return services.rules().rectification.get(obj.rectification, obj.rectification) or "—"

    def act_form(self, request, case):
        rec = case.record
        initial = {"facts": case.facts or rec.content, "legal_basis": case.legal_basis or rec.legal_basis,
                   "rectification": case.rectification, "rectification_note": case.rectification_note}
        actions = actions_for(request.user)
        if not policy.scope_for(request.user).covers_region(case.region_id):   # a county: its city files
            actions = {k: v for k, v in actions.items() if k not in ("file", "rectify")}
        return self.case_form(request.POST or None, request.FILES or None, stage=case.stage, actions=actions,
                              initial=initial)

    def intro(self, case):
        rec = case.record
        back = ""
        if case.stage == Stage.RETURNED:
            due = Clock.objects.filter(case_type=services.CASE, case_id=case.pk, step=services.rules().refile.key,
                                       stopped_on__isnull=True).values_list("due_on", flat=True).first()
            back = format_html('<p class="errornote">省级退回补报：{}（请于{}前补报）</p>', case.return_reason, due or "—")
        return format_html("{}<p>{}于{}作出行政处罚（{}），{}生效：{}</p><p>报送{}，期限：{}</p>", back, rec.authority,
                           rec.decision_date, rec.decision_no or rec.number, case.effective_on, rec.content,
                           services.rules().receiver, self.due(case))

    def handle(self, case, by, d):
        a, on = d["action"], d.get("on")
        if a == "file":
            upload = d.get("file")
            services.file(case.pk, by=by, facts=d.get("facts") or "", legal_basis=d.get("legal_basis") or "",
                          rectification=d.get("rectification") or "",
                          rectification_note=d.get("rectification_note") or "",
                          document=(upload.name, upload.read()) if upload else None, on=on)
        elif a == "rectify":
            services.rectify(case.pk, by=by, rectification=d.get("rectification") or "",
                             note=d.get("rectification_note") or "", on=on)
        elif a == "receive":
            services.receive(case.pk, by=by, note=d.get("text") or "", on=on)
        elif a == "send_back":
            services.send_back(case.pk, by=by, reason=d.get("text") or "", on=on)

    def get_urls(self):
        return [path("statistics/", self.admin_site.admin_view(self.statistics_view),
                     name="filings_penaltyfiling_statistics"), *super().get_urls()]

    def statistics_view(self, request):
        """报送情况统计: per city, the penalties that took effect in a period and how they were filed."""
        if not request.user.has_perm("filings.view_penaltyfiling"):
            raise PermissionDenied
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today.replace(month=1, day=1), "end": today},
                          start_label="处罚生效日自")
        r = services.rules()
        rows = selectors.by_city(policy.scope_for(request.user), form.cleaned_data["start"], form.cleaned_data["end"],
                                 today, r.settled) if form.is_valid() else []
        return render(request, "admin/filings/statistics.html", {
            **self.admin_site.each_context(request), "form": form, "rows": rows, "title": "行政处罚报送情况统计",
            "receiver": r.receiver, "limit": span(r.deadline.working_days, r.deadline.calendar),
            "list_url": reverse("admin:filings_penaltyfiling_changelist"), "opts": self.model._meta})
