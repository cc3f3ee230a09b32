"""满意度评价 in the back office: the ratings within the officer's jurisdiction, 登记评价 at the
window, 差评回访 for each bad review, the statistics, and 汇总评价期 into credit records."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import PeriodForm, form_page, refusals_on
from legalcredit.domain.satisfaction import percent

from . import selectors, services
from .forms import FollowUpForm, RatingForm, TallyForm
from .models import FollowUp, SatisfactionRating

WINDOW = "窗口登记"


class ServiceFilter(CodeFilter):
    title, parameter_name = "服务事项", "service"

    def lookups(self, request, model_admin):
        return list(services.rules().services.items())


class LevelFilter(CodeFilter):
    title, parameter_name = "评价等级", "level"

    def lookups(self, request, model_admin):
        return [(str(v.value), v.name) for v in sorted(services.rules().levels.values(), key=lambda v: -v.value)]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdmin):
    list_display = ("served_on", "subject", "service_name", "level_name", "channel", "follow_up", "outcome_name",
                    "act")
    list_filter = ("follow_up", LevelFilter, ServiceFilter)
    search_fields = ("subject__name", "subject__uscc", "subject__license_no", "service_ref")
    list_select_related = ("subject",)
    fields = ("subject", "service_name", "service_ref", "channel", "served_on", "rated_at", "level_name", "comment",
              "rater_name", "rater_contact", "submitted_by", "follow_up", "outcome_name", "follow_up_note",
              "followed_up_on", "followed_up_by")
    readonly_fields = ("service_name", "level_name", "outcome_name")

    def lookup_allowed(self, lookup, value, request=None):
        # A subject's credit file links to its own list.
        return lookup == "subject__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        return selectors.visible(policy.scope_for(request.user))

    @admin.display(description="服务事项")
    def service_name(self, obj):
        return services.rules().services.get(obj.service, obj.service)

    @admin.display(description="评价等级")
    def level_name(self, obj):
        level = services.rules().levels.get(obj.level)
        return level.name if level else obj.level

    @admin.display(description="核实结果")
    def outcome_name(self, obj):
        return services.rules().outcomes.get(obj.outcome, obj.outcome) or "—"

    @admin.display(description="办理")
    def act(self, obj):
        if obj.follow_up != FollowUp.OPEN:
            return ""
        return format_html('<a href="{}">回访办结</a>',
                           reverse("admin:satisfaction_satisfactionrating_follow_up", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The rater's contact is on the page for the follow-up: each opening is on the audit trail."""
        from legalcredit.audit import services as audit

        response = super().change_view(request, object_id, form_url, extra_context)
        rating = self.get_queryset(request).filter(pk=object_id).first()
        if response.status_code == 200 and rating is not None and rating.rater_contact:
            audit.record_read(request, [rating], purpose="差评回访", what=f"查阅满意度评价 {rating.service_ref}（含评价人联系方式）")
        return response

    def changelist_view(self, request, extra_context=None):
        user = request.user
        return super().changelist_view(request, {
            **(extra_context or {}), "may_rate": user.has_perm(services.ADD), "may_tally": user.has_perm(services.TALLY)})

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("rate/", view(self.rate_view), name="satisfaction_satisfactionrating_rate"),
                path("tally/", view(self.tally_view), name="satisfaction_satisfactionrating_tally"),
                path("statistics/", view(self.statistics_view), name="satisfaction_satisfactionrating_statistics"),
                path("<int:pk>/follow-up/", view(self.follow_up_view), name="satisfaction_satisfactionrating_follow_up"),
                *super().get_urls()]

    def rate_view(self, request):
        if not request.user.has_perm(services.ADD):
            raise PermissionDenied
        form = RatingForm(request.POST or None, scope=policy.scope_for(request.user))
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                rating, _ = services.rate(d["subject"], by=request.user, channel=WINDOW, service=d["service"],
                                          service_ref=d["service_ref"], served_on=d["served_on"], level=d["level"],
                                          comment=d["comment"], rater_name=d["rater_name"],
                                          rater_contact=d["rater_contact"])
                self.message_user(request, f"已登记：{rating.subject.name} {self.level_name(rating)}"
                                           + ("，差评已进入回访" if rating.follow_up else ""), messages.SUCCESS)
                return redirect("admin:satisfaction_satisfactionrating_changelist")
        return form_page(self, request, form, "登记满意度评价", "登记",
                         intro="服务对象在窗口或现场作出的评价。经12348平台、业务系统转入的评价不需在此登记。")

    def follow_up_view(self, request, pk):
        rating = get_object_or_404(self.get_queryset(request), pk=pk)
        form = FollowUpForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                services.follow_up(rating.pk, by=request.user, outcome=d["outcome"], note=d["note"], on=d.get("on"))
                self.message_user(request, "差评回访已办结", messages.SUCCESS)
                return redirect("admin:satisfaction_satisfactionrating_change", rating.pk)
        from legalcredit.deadlines import selectors as deadlines

        due = deadlines.described(services.CASE, rating.pk, timezone.localdate())
        return form_page(self, request, form, f"差评回访：{rating.subject.name}", "办结", intro=format_html(
            "<p>{}，{}，{}：{}</p><p>评价人：{} {}</p><p>期限：{}</p>", rating.served_on, self.service_name(rating),
            self.level_name(rating), rating.comment, rating.rater_name or "（未留姓名）", rating.rater_contact or "",
            "；".join(f"{d['name']} {d['due_on']}前（{d['span']}）" for d in due) or "—"))

    def tally_view(self, request):
        if not request.user.has_perm(services.TALLY):
            raise PermissionDenied
        last_round_day = services.rules().round_of(timezone.localdate())[0] - dt.timedelta(days=1)
        form = TallyForm(request.POST or None, initial={"day": last_round_day})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                result = services.tally(by=request.user, day_in_round=d["day"], authority=d["authority"],
                                        authority_uscc=d["authority_uscc"])
                said = (f"{result.round_name}：形成或更新满意度评价记录{len(result.written)}条（待审核），"
                        f"未变化{result.unchanged}个主体，评价不足{services.rules().min_ratings}次的{result.too_few}个主体不形成记录")
                if result.open_follow_ups:
                    said += f"；另有{result.open_follow_ups}条差评尚在回访，办结后可再次汇总"
                self.message_user(request, said, messages.SUCCESS)
                if result.batch is not None:    # the batch as the checker will see it, with its counts
                    return redirect(reverse("admin:records_recordimportbatch_changelist") + "?q="
                                    + quote(result.batch.source))
                return redirect("admin:satisfaction_satisfactionrating_changelist")
        r = services.rules()
        bands = "，".join(f"满意率{percent(b.min_rate)}以上为{b.subtype}" for b in r.bands[:-1])
        bands += f"，其余为{r.bands[-1].subtype}"
        return form_page(self, request, form, "汇总满意度评价", "汇总", intro=format_html(
            "<p>按评价期（{}个月）汇总本辖区每个主体的评价，形成一条“满意度评价”信用记录，整批交审核员审核。"
            "评价不足{}次的主体当期不形成记录；经核实不属实的差评不计入。{}。</p>", r.round_months, r.min_ratings, bands))

    def statistics_view(self, request):
        if not request.user.has_perm("satisfaction.view_satisfactionrating"):
            raise PermissionDenied
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today - dt.timedelta(days=90), "end": today},
                          start_label="服务日期自")
        rows = selectors.statistics(policy.scope_for(request.user), form.cleaned_data["start"],
                                    form.cleaned_data["end"], today) if form.is_valid() else []
        for row in rows:
            row["rate_shown"] = percent(row["rate"])
        return render(request, "admin/satisfaction/statistics.html", {
            **self.admin_site.each_context(request), "form": form, "rows": rows, "title": "满意度评价统计",
            "opts": self.model._meta})
