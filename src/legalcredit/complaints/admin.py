"""The complaint queue and each complaint's 办理 page. Every step goes through the services, so the
rules (permissions, jurisdiction, two officers, deadlines, the time bar) are the same everywhere."""
from __future__ import annotations

from django.contrib import admin
from django.urls import path
from django.utils.html import format_html

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.remedies import admin as case_admin
from legalcredit.remedies.services import materials

from . import alerts, selectors, services
from .forms import ACTIONS, AlertHandleForm, ComplaintActForm, ComplaintFileForm
from .models import Complaint, ComplaintAlert, Stage

case_admin.MATERIAL_CASES["complaint"] = (selectors.visible, "complaints.view_complaint")
case_admin.MATERIAL_REASONS["complaint"] = "投诉"


class ToDecideFilter(admin.SimpleListFilter):
    title, parameter_name = "待我决定", "to_decide"

    def lookups(self, request, model_admin):
        return [("1", "待我作出处理决定")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=selectors.awaiting_decision(policy.scope_for(request.user),
                                                                       request.user).values("pk"))
        return queryset


def _handle(c: Complaint, by, d: dict) -> None:
    a, on, text = d["action"], d.get("on"), d.get("text") or ""
    if a == "supplement":
        services.ask_supplement(c.pk, by=by, what=text, on=on)
    elif a == "supplement_received":
        services.supplement_received(c.pk, by=by, on=on)
    elif a == "accept":
        services.accept(c.pk, by=by, authority=d.get("authority") or "", authority_uscc=d.get("authority_uscc") or "",
                        on=on)
    elif a == "not_accept":
        services.not_accept(c.pk, by=by, reason_code=d.get("reason_code") or "", reason=text, on=on)
    elif a == "investigate":
        services.record_investigation(c.pk, by=by, findings=text, statement=d.get("statement") or "", on=on)
    elif a == "extend":
        services.extend(c.pk, by=by, reason=text, on=on)
    elif a == "review":
        services.review(c.pk, by=by, finding=d.get("finding") or "", handling=d.get("handling") or "",
                        opinion=text, on=on)
    elif a == "decide":
        services.decide(c.pk, by=by, reason=text, finding=d.get("finding") or "", handling=d.get("handling") or "",
                        on=on)
    elif a == "notify":
        services.notify_parties(c.pk, by=by, on=on)
    elif a == "link":
        services.link_record(c.pk, by=by, record_number=d.get("record") or "")
    if d.get("file"):
        f = d["file"]
        materials.attach(services.CASE, c, by=by, kind="other", name=f.name, content=f.read(),
                         on=services.today(on))


@admin.register(Complaint)
class ComplaintAdmin(case_admin.CaseAdmin):
    case_type, actions_map, case_form = services.CASE, ACTIONS, ComplaintActForm
    closed = ()    # a closed complaint may still be linked to the penalty that followed it
    list_display = ("number", "subject", "channel_name", "received_on", "stage", "finding_name", "decided_on", "act")
    list_filter = ("stage", ToDecideFilter, "sector", "channel", "finding")
    search_fields = ("number", "subject__name", "subject__uscc", "complainant_name")
    list_select_related = ("subject",)
    # Codes from the rule set are shown by name; the query code's digest is not shown at all.
    fields = ("number", "channel_name", "referred_by", "received_on", "complainant_name", "complainant_contact",
              "interest", "subject", "sector_name", "facts", "requests", "known_on", "stage", "accepted_on",
              "authority", "authority_uscc", "not_accepted_name", "investigation", "respondent_statement",
              "extended_days", "extension_reason", "reviewed_by", "proposed", "review_opinion", "finding_name",
              "handling_name", "reason", "decided_on", "decided_by", "record", "linked_record_key",
              "notice_complainant", "notice_respondent", "notified_on", "alerts_shown", "history")
    readonly_fields = ("channel_name", "sector_name", "not_accepted_name", "proposed", "finding_name",
                       "handling_name", "alerts_shown", "history")

    # The respondent's own view (an institution's or practitioner's account): the allegation, its
    # stage, its own statement and the notice to it; nothing of the complainant, the officers'
    # deliberations or the evidence.
    respondent_fields = ("number", "subject", "sector_name", "received_on", "facts", "requests", "stage",
                         "accepted_on", "authority", "respondent_statement", "notice_respondent", "notified_on")

    def _respondent(self, request) -> bool:
        user = request.user
        return not user.has_perm("complaints.view_complaint") and user.has_perm(services.RESPOND)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(services.RESPOND)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or request.user.has_perm(services.RESPOND)

    def get_fields(self, request, obj=None):
        return self.respondent_fields if self._respondent(request) else self.fields

    def get_list_display(self, request):
        if self._respondent(request):
            return ("number", "subject", "received_on", "stage", "respond_link")
        return self.list_display

    def get_list_filter(self, request):
        return ("stage",) if self._respondent(request) else self.list_filter

    def lookup_allowed(self, lookup, value, request=None):
        # A subject's credit file links to its own list.
        return lookup == "subject__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        return ("number",) if self._respondent(request) else self.search_fields

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "statistics": request.user.has_perm("complaints.view_complaint")})

    def respond_view(self, request, pk):
        from django import forms
        from django.contrib import messages
        from django.shortcuts import get_object_or_404, redirect, render

        from legalcredit.core.admin_forms import refusals_on

        c = get_object_or_404(self.get_queryset(request), pk=pk)

        class StatementForm(forms.Form):
            statement = forms.CharField(label="陈述申辩", max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
                                        help_text="对投诉事实的说明和理由，可附证据清单；提交后记入办理记录")

        form = StatementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                services.respond(c.pk, by=request.user, statement=form.cleaned_data["statement"])
                self.message_user(request, "已提交陈述申辩", messages.SUCCESS)
                return redirect("admin:complaints_complaint_change", c.pk)
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"对投诉 {c.number} 陈述申辩", "submit_label": "提交",
            "intro": format_html("<p>投诉事实和理由：{}</p><p>已记录的陈述申辩：<pre>{}</pre></p>", c.facts,
                                 c.respondent_statement or "—")})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A complaint's page shows the complainant's name and contact: each opening is on the audit
        trail, under the registered purpose 投诉举报处理."""
        from legalcredit.accounts.purposes import audit_reason, catalogue
        from legalcredit.audit import services as audit

        response = super().change_view(request, object_id, form_url, extra_context)
        complaint = self.get_queryset(request).filter(pk=object_id).first()
        if response.status_code == 200 and complaint is not None:
            audit.record_read(request, [complaint], purpose=audit_reason(catalogue().purposes["complaint"]),
                              what=f"查阅投诉 {complaint.number}（含投诉人信息）")
        return response

    @admin.display(description="行业")
    def sector_name(self, obj):
        sector = services.rules().sectors.get(obj.sector)
        return sector.name if sector else obj.sector

    @admin.display(description="不予受理情形")
    def not_accepted_name(self, obj):
        return services.rules().not_accepted.get(obj.not_accepted_reason, obj.not_accepted_reason) or "—"

    @admin.display(description="拟处理")
    def proposed(self, obj):
        r = services.rules()
        if not obj.proposed_finding:
            return "—"
        return f"{r.findings[obj.proposed_finding].name}，{r.handlings.get(obj.proposed_handling, '')}"

    @admin.display(description="投诉预警")
    def alerts_shown(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html_join

        return format_html_join("", '<div><a href="{}">{}：{}（{}，{}）</a></div>', (
            (reverse("admin:complaints_complaintalert_change", args=[a.pk]), a.rule_name, a.subject.name,
             a.raised_on, a.get_state_display()) for a in obj.alerts.select_related("subject").order_by("-raised_on"))
        ) or "—"

    @admin.display(description="处理方式")
    def handling_name(self, obj):
        return services.rules().handlings.get(obj.handling, obj.handling) or "—"

    def get_queryset(self, request):
        scope = policy.scope_for(request.user)
        return selectors.about_respondent(scope) if self._respondent(request) else selectors.visible(scope)

    @admin.display(description="渠道")
    def channel_name(self, obj):
        return services.rules().channels.get(obj.channel, obj.channel)

    @admin.display(description="认定结论")
    def finding_name(self, obj):
        found = services.rules().findings.get(obj.finding)
        return found.name if found else "—"

    @admin.display(description="办理")
    def respond_link(self, obj):
        from django.urls import reverse

        if obj.stage != Stage.ACCEPTED:
            return ""
        return format_html('<a href="{}">陈述申辩</a>', reverse("admin:complaints_complaint_respond", args=[obj.pk]))

    @admin.display(description="办理")
    def act(self, obj):
        linkable = obj.handling in ("penalty", "discipline")
        if obj.stage == Stage.NOT_ACCEPTED or (obj.stage == Stage.CLOSED and not linkable):
            return ""
        return super().act(obj)

    def get_urls(self):
        return [path("statistics/", self.admin_site.admin_view(self.statistics_view),
                     name="complaints_complaint_statistics"),
                path("<int:pk>/respond/", self.admin_site.admin_view(self.respond_view),
                     name="complaints_complaint_respond"), *super().get_urls()]

    def statistics_view(self, request):
        """投诉办理统计: per sector, what was received in a period and how it was handled in time."""
        import datetime as dt

        from django.shortcuts import render
        from django.utils import timezone

        from legalcredit.core.admin_forms import PeriodForm

        if not request.user.has_perm("complaints.view_complaint"):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today - dt.timedelta(days=90), "end": today},
                          start_label="收到日期自")
        rows = selectors.statistics(policy.scope_for(request.user), form.cleaned_data["start"],
                                    form.cleaned_data["end"], today) if form.is_valid() else []
        return render(request, "admin/complaints/statistics.html", {
            **self.admin_site.each_context(request), "form": form, "rows": rows, "title": "投诉办理统计",
            "opts": self.model._meta})

    def handle(self, case, by, data):
        from django.db import transaction

        with transaction.atomic():     # the step and its material, or neither
            _handle(case, by, data)

    apply_form, apply_title, apply_label = ComplaintFileForm, "登记投诉", "登记投诉"
    apply_intro = ("登记电话、来信、来访或转办的投诉。登记后开始计算受理审查期限；投诉人可凭投诉编号和查询码在公示网站查询办理进度。")

    def start(self, subject, by, d):
        c, code = services.file(subject, by=by, channel=d["channel"], complainant_name=d["complainant_name"],
                                complainant_contact=d.get("complainant_contact") or "", interest=d["interest"],
                                facts=d["facts"], requests=d.get("requests") or "", known_on=d.get("known_on"),
                                referred_by=d.get("referred_by") or "", received_on=d.get("received_on"))
        c.query_code = code
        return c

    def attach(self, case, by, kind, name, content):
        materials.attach(services.CASE, case, by=by, kind="other", name=name, content=content,
                         on=services.today())

    def submitted(self, case) -> str:
        return f"已登记：{case.number}。请告知投诉人查询码 {case.query_code}（只显示这一次），凭投诉编号和查询码可在公示网站查询办理进度。"

    def intro(self, c):
        r = services.rules()
        sector = r.sectors.get(c.sector)
        barred = services.rules_of.time_barred(sector, c.known_on, c.received_on) if sector else None
        warn = format_html('<p class="errornote">已超过投诉时效：应于{}前提出（{}）</p>', barred,
                           sector.limitation_source) if barred else ""
        return format_html(
            "{}<p>被投诉对象：{}（{}）</p><p>投诉人：{}（{}）；渠道：{}{}</p><p>投诉事实和理由：{}</p><p>投诉请求：{}</p>"
            "<p>调查情况：<pre>{}</pre></p><p>被投诉人陈述申辩：<pre>{}</pre></p><p>拟处理：{} {} {}</p>",
            warn, c.subject.name, sector.name if sector else c.sector, c.complainant_name, c.interest,
            r.channels.get(c.channel, c.channel), f"（{c.referred_by}）" if c.referred_by else "", c.facts,
            c.requests or "—", c.investigation or "—", c.respondent_statement or "—",
            r.findings[c.proposed_finding].name if c.proposed_finding in r.findings else "—",
            r.handlings.get(c.proposed_handling, ""), c.review_opinion)


class AlertRuleFilter(CodeFilter):
    title, parameter_name = "预警类型", "rule"

    def lookups(self, request, model_admin):
        return [(code, r.name) for code, r in services.rules().alerts.items()]


@admin.register(ComplaintAlert)
class ComplaintAlertAdmin(ReadOnlyAdmin):
    """投诉预警: complaints gathering about one subject; an officer records what was done."""

    list_display = ("raised_on", "subject", "rule_name", "window", "count", "state", "handle_link")
    list_filter = ("state", AlertRuleFilter)
    search_fields = ("subject__name", "subject__uscc", "subject__license_no")
    fields = ("subject", "rule_name", "rule_text", "rules_version", "raised_on", "window", "count",
              "complaint_links", "advice", "state", "response_name", "response_note", "handled_on", "handled_by")
    readonly_fields = ("window", "complaint_links", "response_name")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("complaints.view_complaint")

    def has_module_permission(self, request):
        return request.user.has_perm("complaints.view_complaint")

    def get_queryset(self, request):
        return selectors.alerts(policy.scope_for(request.user))

    @admin.display(description="统计期间")
    def window(self, obj):
        return f"{obj.window_start} 至 {obj.window_end}"

    @admin.display(description="所涉投诉")
    def complaint_links(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html_join

        rows = obj.complaints.select_related("subject").order_by("received_on", "pk")
        return format_html_join("", '<div><a href="{}">{}</a> {} 投诉{}（{}）</div>',
                                ((reverse("admin:complaints_complaint_change", args=[c.pk]), c.number, c.received_on,
                                  c.subject.name, c.get_stage_display()) for c in rows)) or "—"

    @admin.display(description="处置方式")
    def response_name(self, obj):
        return services.rules().responses.get(obj.response, obj.response) or "—"

    @admin.display(description="处置")
    def handle_link(self, obj):
        from django.urls import reverse

        if obj.state != ComplaintAlert.State.OPEN:
            return ""
        return format_html('<a href="{}">处置</a>', reverse("admin:complaints_complaintalert_handle", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:pk>/handle/", self.admin_site.admin_view(self.handle_view),
                     name="complaints_complaintalert_handle"), *super().get_urls()]

    def handle_view(self, request, pk):
        from django.contrib import messages
        from django.shortcuts import get_object_or_404, redirect, render

        from legalcredit.core.admin_forms import refusals_on

        alert = get_object_or_404(self.get_queryset(request), pk=pk)
        form = AlertHandleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                alerts.handle(alert.pk, by=request.user, response=form.cleaned_data["response"],
                              note=form.cleaned_data["note"])
                self.message_user(request, f"已处置：{alert}", messages.SUCCESS)
                return redirect("admin:complaints_complaintalert_change", alert.pk)
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"处置投诉预警：{alert.subject.name}", "submit_label": "处置",
            "intro": format_html("<p>{}：{}。统计期间 {} 至 {}，计数 {}。</p><p>所涉投诉：{}</p><p>处置建议：{}</p>",
                                 alert.rule_name, alert.rule_text, alert.window_start, alert.window_end, alert.count,
                                 self.complaint_links(alert), alert.advice)})
