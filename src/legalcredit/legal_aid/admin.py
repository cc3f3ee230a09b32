"""Case quality reviews in the back office: enter a score sheet (per case type), re-review a failed
file, confirm a result; the list shows the count per band for whatever is filtered."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import form_page, refusals_on
from legalcredit.remedies import admin as case_admin

from . import selectors, services
from .forms import RereviewForm, ScoreForm
from .models import CaseQualityReview, Stage


class CaseTypeFilter(CodeFilter):
    title, parameter_name = "案件类别", "case_type"

    def lookups(self, request, model_admin):
        return [(c.code, c.name) for c in services.rules().checklists.values()]


class FinalBandFilter(admin.SimpleListFilter):
    title, parameter_name = "最终等次", "final_band"

    def lookups(self, request, model_admin):
        return [(b, b) for b in services.rules().band_names]

    def queryset(self, request, queryset):
        from django.db.models import Q

        v = self.value()
        return queryset.filter(Q(rereview_band=v) | Q(rereview_band="", band=v)) if v else queryset


class ToConfirmFilter(admin.SimpleListFilter):
    title, parameter_name = "待我确认", "to_confirm"

    def lookups(self, request, model_admin):
        return [("1", "待我确认的评查结果")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(pk__in=selectors.awaiting_confirmation(policy.scope_for(request.user),
                                                                          request.user).values("pk"))
        return queryset


@admin.register(CaseQualityReview)
class CaseQualityReviewAdmin(ReadOnlyAdmin):
    list_display = ("number", "subject", "case_no", "case_type_name", "method_name", "total", "band",
                    "rereview_band", "stage", "act")
    list_filter = ("stage", ToConfirmFilter, FinalBandFilter, CaseTypeFilter, "method", "reviewed_on")
    search_fields = ("number", "case_no", "subject__name", "reviewer_name")
    list_select_related = ("subject",)
    fields = ("number", "subject", "institution", "case_no", "case_type_name", "case_closed_on", "method_name",
              "authority", "authority_uscc", "reviewer_name", "reviewer_unit", "reviewed_on", "total", "band",
              "opinion", "rereviewer_name", "rereviewer_unit", "rereviewed_on", "rereview_total", "rereview_band",
              "rereview_opinion", "stage", "entered_by", "confirmed_by", "confirmed_on", "record", "sheet", "history")
    readonly_fields = ("case_type_name", "method_name", "sheet", "history")

    def get_queryset(self, request):
        return selectors.visible(policy.scope_for(request.user))

    @admin.display(description="案件类别")
    def case_type_name(self, obj):
        c = services.rules().checklists.get(obj.case_type)
        return c.name if c else obj.case_type

    @admin.display(description="评查方式")
    def method_name(self, obj):
        return services.rules().methods.get(obj.method, obj.method)

    @admin.display(description="办理")
    def act(self, obj):
        if obj.stage == Stage.CONFIRMED:
            return ""
        label = "复查" if obj.stage == Stage.REREVIEW else "确认结果"
        return format_html('<a href="{}">{}</a>', reverse("admin:legal_aid_casequalityreview_act", args=[obj.pk]),
                           label)

    @admin.display(description="评查表")
    def sheet(self, obj):
        r = services.rules()
        checklist = r.checklists.get(obj.case_type)
        if checklist is None:
            return "—"
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (i.name, i.points, obj.marks.get(i.code, "—"), obj.rereview_marks.get(i.code, "") if obj.rereview_marks
             else "") for i in checklist.items))
        vetoes = "、".join(r.vetoes[v].name for v in obj.vetoes if v in r.vetoes) or "无"
        return format_html("<table><tr><th>项目</th><th>分值</th><th>评查</th><th>复查</th></tr>{}</table>"
                           "<p>否决情形：{}</p>", rows, vetoes)

    @admin.display(description="办理记录")
    def history(self, obj):
        return case_admin._history(services.CASE, obj.pk)

    def get_urls(self):
        return [path("score/", self.admin_site.admin_view(self.score_view), name="legal_aid_casequalityreview_score"),
                path("<int:pk>/act/", self.admin_site.admin_view(self.act_view),
                     name="legal_aid_casequalityreview_act"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        links = []
        if request.user.has_perm(services.ADD):
            url = reverse("admin:legal_aid_casequalityreview_score")
            links = [(f"录入评查结果（{c.name}）", f"{url}?case_type={c.code}")
                     for c in services.rules().checklists.values()]
        response = super().changelist_view(request, {**(extra_context or {}), "score_links": links})
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            counts = selectors.band_counts(cl.queryset)
            response.context_data["bands"] = [(b, counts[b]) for b in services.rules().band_names if counts[b]]
        return response

    def score_view(self, request):
        if not request.user.has_perm(services.ADD):
            raise PermissionDenied
        case_type = request.GET.get("case_type", "")
        checklist = services.rules().checklists.get(case_type)
        if checklist is None:
            raise Http404("未知的案件类别")
        form = ScoreForm(request.POST or None, scope=policy.scope_for(request.user), case_type=case_type)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                review = services.score(
                    d["subject"], by=request.user, case_no=d["case_no"], case_type=case_type,
                    case_closed_on=d["case_closed_on"], method=d["method"], authority=d["authority"],
                    authority_uscc=d["authority_uscc"], reviewer_name=d["reviewer_name"],
                    reviewer_unit=d["reviewer_unit"], marks=form.marks(), vetoes=d["vetoes"],
                    opinion=d["opinion"], institution=d["institution"], reviewed_on=d["reviewed_on"])
                self.message_user(request, f"已录入：{review.number}，{review.total}分，{review.band}"
                                  + ("（不合格案卷，待复查）" if review.stage == Stage.REREVIEW else "（待确认）"),
                                  messages.SUCCESS)
                return redirect("admin:legal_aid_casequalityreview_change", review.pk)
        return form_page(self, request, form, f"录入法律援助案件质量评查结果：{checklist.name}", "录入", intro=format_html("<p>评查表：{}（{}）</p>", checklist.name, checklist.source))

    def act_view(self, request, pk):
        review = get_object_or_404(self.get_queryset(request), pk=pk)
        if review.stage == Stage.REREVIEW:
            form = RereviewForm(request.POST or None, case_type=review.case_type)
            title, label = f"复查 {review}", "录入复查结果"
        else:
            form = None
            title, label = f"确认评查结果 {review}", "确认并记入信用记录"
        if request.method == "POST" and (form is None or form.is_valid()):
            from django import forms as dj_forms

            target = form or dj_forms.Form(request.POST)
            target.is_valid()
            with refusals_on(target):
                if form is not None:
                    d = form.cleaned_data
                    services.rereview(review.pk, by=request.user, reviewer_name=d["reviewer_name"],
                                      reviewer_unit=d["reviewer_unit"], marks=form.marks(), vetoes=d["vetoes"],
                                      opinion=d["opinion"], on=d["on"])
                else:
                    services.confirm(review.pk, by=request.user)
                self.message_user(request, "已办理", messages.SUCCESS)
                return redirect("admin:legal_aid_casequalityreview_change", review.pk)
            form = form or target
        intro = format_html("<p>{}：{}分，{}；评查人 {}</p>{}", review.case_no, review.total, review.band,
                            review.reviewer_name, self.sheet(review))
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "title": title,
            "intro": intro, "submit_label": label, "history": case_admin._history(services.CASE, review.pk)})
