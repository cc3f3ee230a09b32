from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import refusals_on

from . import reviews
from .forms import CloseReviewForm, DecideFindingForm
from .models import AccessFinding, AccessReview, AuditEntry, ChainCheck


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


def _entries(ids) -> str:
    """Links to the audit entries a finding names, for the reviewer to open."""
    return format_html_join("、", '<a href="{}">{}</a>',
                            ((reverse("admin:audit_auditentry_change", args=[pk]), pk) for pk in ids)) or "—"


@admin.register(AccessReview)
class AccessReviewAdmin(ReadOnlyAdmin):
    """查询使用审查: a month's reads of non-public data, what stands out, and the conclusion."""

    list_display = ("month_shown", "reads", "findings_count", "pending_count", "due_on", "state", "closed_by",
                    "act_link")
    list_filter = ("state",)
    fields = ("month_shown", "period_end", "rules_version", "opened_at", "reads", "summary_table", "findings_table",
              "due_on", "state", "conclusion", "closed_by", "closed_at")
    readonly_fields = ("month_shown", "summary_table", "findings_table")

    @admin.display(description="审查月份", ordering="month")
    def month_shown(self, obj):
        return f"{obj.month:%Y年%m月}"

    @admin.display(description="需核实")
    def findings_count(self, obj):
        return obj.findings.count()

    @admin.display(description="待核实")
    def pending_count(self, obj):
        return obj.findings.filter(decision=AccessFinding.Decision.PENDING).count()

    @admin.display(description="办理")
    def act_link(self, obj):
        if obj.state != AccessReview.State.OPEN:
            return ""
        return format_html('<a href="{}">核实</a> · <a href="{}">完成审查</a>',
                           reverse("admin:audit_accessfinding_changelist") + f"?review__id__exact={obj.pk}",
                           reverse("admin:audit_accessreview_close", args=[obj.pk]))

    @admin.display(description="各账号查阅情况（按用途）")
    def summary_table(self, obj):
        rows = ((a["actor"], a["reads"], "；".join(f"{p} {n}次" for p, n in a["purposes"])) for a in obj.summary)
        return format_html("<table><tr><th>账号</th><th>查阅次数</th><th>用途</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)) \
            if obj.summary else "本月无查阅"

    @admin.display(description="需核实的情形")
    def findings_table(self, obj):
        rows = [(f.day, f.actor, f.rule_name, f.detail, reverse("admin:audit_accessfinding_change", args=[f.pk]),
                 f.get_decision_display()) for f in obj.findings.all()]
        if not rows:
            return "无"
        return format_html("<table><tr><th>日期</th><th>账号</th><th>情形</th><th>说明</th><th>审查意见</th></tr>{}</table>",
                           format_html_join("", '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
                                                '<td><a href="{}">{}</a></td></tr>', rows))

    def get_urls(self):
        return [path("<int:pk>/close/", self.admin_site.admin_view(self.close_view), name="audit_accessreview_close"),
                *super().get_urls()]

    def close_view(self, request, pk):
        if not request.user.has_perm(reviews.PERMISSION):
            raise PermissionDenied
        review = get_object_or_404(AccessReview, pk=pk)
        form = CloseReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                reviews.close(review.pk, by=request.user, conclusion=form.cleaned_data["conclusion"])
                self.message_user(request, f"已完成{review}", messages.SUCCESS)
                return redirect("admin:audit_accessreview_change", review.pk)
        pending = review.findings.filter(decision=AccessFinding.Decision.PENDING).count()
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"完成{review}", "submit_label": "完成审查",
            "intro": format_html("<p>{}共查阅非公开信息 {} 次，需核实 {} 项，尚待核实 {} 项。</p>",
                                 review, review.reads, review.findings.count(), pending)})

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_accessreview")


class ReviewMonthFilter(admin.SimpleListFilter):
    title, parameter_name = "审查月份", "review__id__exact"

    def lookups(self, request, model_admin):
        return [(r.pk, f"{r.month:%Y年%m月}") for r in AccessReview.objects.order_by("-month")[:24]]

    def queryset(self, request, queryset):
        return queryset.filter(review_id=self.value()) if self.value() else queryset


@admin.register(AccessFinding)
class AccessFindingAdmin(ReadOnlyAdmin):
    list_display = ("day", "actor", "rule_name", "detail", "decision", "decided_by", "act_link")
    list_filter = (ReviewMonthFilter, "decision", "rule_name")
    search_fields = ("actor",)
    fields = ("review", "day", "actor", "rule_name", "count", "detail", "entry_links", "decision", "note",
              "decided_by", "decided_at")
    readonly_fields = ("entry_links",)

    @admin.display(description="所涉审计日志（部分）")
    def entry_links(self, obj):
        return _entries(obj.entry_ids)

    @admin.display(description="办理")
    def act_link(self, obj):
        if obj.decision != AccessFinding.Decision.PENDING or obj.review.state != AccessReview.State.OPEN:
            return ""
        return format_html('<a href="{}">核实</a>', reverse("admin:audit_accessfinding_decide", args=[obj.pk]))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("review", "decided_by")

    def get_urls(self):
        return [path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view),
                     name="audit_accessfinding_decide"), *super().get_urls()]

    def decide_view(self, request, pk):
        if not request.user.has_perm(reviews.PERMISSION):
            raise PermissionDenied
        finding = get_object_or_404(AccessFinding.objects.select_related("review"), pk=pk)
        form = DecideFindingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                reviews.decide(finding.pk, by=request.user, decision=form.cleaned_data["decision"],
                               note=form.cleaned_data["note"])
                self.message_user(request, f"已核实：{finding}", messages.SUCCESS)
                return redirect(reverse("admin:audit_accessfinding_changelist")
                                + f"?review__id__exact={finding.review_id}")
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"核实查询使用：{finding.actor}（{finding.day}）", "submit_label": "提交核实意见",
            "intro": format_html("<p>{}：{}。</p><p>所涉审计日志（部分）：{}</p>", finding.rule_name, finding.detail,
                                 _entries(finding.entry_ids))})

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_accessfinding")


@admin.register(ChainCheck)
class ChainCheckAdmin(ReadOnlyAdmin):
    """Each verification of the trail, nightly or by hand: what was intact, what was not."""

    list_display = ("at", "result", "entries", "problem", "by")
    date_hierarchy = "at"

    @admin.display(description="结果", boolean=True)
    def result(self, obj):
        return obj.ok

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("audit.view_auditentry")

    def has_module_permission(self, request):
        return request.user.has_perm("audit.view_auditentry")
