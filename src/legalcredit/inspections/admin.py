from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import ReadOnlyAdmin
from legalcredit.core.admin_forms import refusals_on

from . import forms, selectors, services
from .models import Conflict, Inspection, Inspector, Plan


def _form_page(admin_, request, form, title, intro="", submit="提交"):
    return render(request, "admin/evaluation/form.html", {
        **admin_.admin_site.each_context(request), "form": form, "opts": admin_.model._meta, "title": title,
        "intro": intro, "submit_label": submit})


def _in_scope(qs, request):
    return policy.filter_regions(qs, policy.scope_for(request.user))


class AddThroughServiceAdmin(ReadOnlyAdmin):
    """Read-only lists whose add button opens a page that goes through the service."""

    add_perm = ""

    def has_add_permission(self, request):
        return request.user.has_perm(self.add_perm)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return self.add_page(request)


@admin.register(Inspector)
class InspectorAdmin(AddThroughServiceAdmin):
    list_display = ("name", "enforcement_no", "unit", "region", "post", "active")
    list_filter = ("active",)
    search_fields = ("name", "enforcement_no", "unit")
    add_perm = "inspections.add_inspector"
    actions = ["take_out", "put_back"]

    def get_queryset(self, request):
        return _in_scope(super().get_queryset(request).select_related("region"), request)

    def has_change_permission(self, request, obj=None):
        # For the list's actions (which go through the service); an inspector's own page stays
        # read-only, with no save button to bypass it.
        return obj is None and request.user.has_perm("inspections.change_inspector")

    def _set(self, request, queryset, active: bool):
        done = 0
        for inspector in queryset:
            try:
                services.set_active(inspector, by=request.user, active=active,
                                    reason="后台批量操作：" + ("恢复入库" if active else "移出名录库"))
                done += 1
            except PermissionDenied as exc:
                self.message_user(request, f"{inspector}：{exc}", messages.ERROR)
        self.message_user(request, f"已{'恢复' if active else '移出'} {done} 名检查人员", messages.SUCCESS)

    @admin.action(description="移出检查人员名录库（此后不再被抽取）", permissions=["change"])
    def take_out(self, request, queryset):
        self._set(request, queryset, False)

    @admin.action(description="恢复到检查人员名录库", permissions=["change"])
    def put_back(self, request, queryset):
        self._set(request, queryset, True)

    def add_page(self, request):
        form = forms.InspectorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                inspector = services.register_inspector(by=request.user, **form.cleaned_data)
                self.message_user(request, f"已入库：{inspector}", messages.SUCCESS)
                return redirect("admin:inspections_inspector_changelist")
        return _form_page(self, request, form, "检查人员入库",
                          "执法检查人员名录库：双随机抽取从所属辖区的在库人员中抽取。")


@admin.register(Conflict)
class ConflictAdmin(AddThroughServiceAdmin):
    list_display = ("inspector", "subject", "reason", "recorded_by", "recorded_at")
    search_fields = ("inspector__name", "subject__name")
    add_perm = "inspections.add_conflict"

    def get_queryset(self, request):
        return policy.filter_subjects(super().get_queryset(request).select_related("inspector", "subject"),
                                      policy.scope_for(request.user), "subject")

    def add_page(self, request):
        scope = policy.scope_for(request.user)
        inspectors = _in_scope(Inspector.objects.filter(active=True), request)
        form = forms.ConflictForm(request.POST or None, scope=scope, inspectors=inspectors)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                services.record_conflict(by=request.user, **form.cleaned_data)
                self.message_user(request, "已登记回避关系：抽取时该人员不会被派往该对象", messages.SUCCESS)
                return redirect("admin:inspections_conflict_changelist")
        return _form_page(self, request, form, "登记回避关系")


class InspectionInline(admin.TabularInline):
    model = Inspection
    fields = ("subject", "stratum", "inspectors_shown", "result", "published_on")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description="检查人员")
    def inspectors_shown(self, obj):
        return "、".join(i.name for i in obj.inspectors.all())

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(AddThroughServiceAdmin):
    list_display = ("name", "item_name", "region", "year", "state", "drawn_at", "drawn_count")
    list_filter = ("state", "year")
    search_fields = ("name",)
    add_perm = "inspections.add_plan"
    inlines = [InspectionInline]
    fields = ("name", "item_name", "region", "year", "authority", "authority_uscc", "inspect_from",
              "inspect_until", "state", "draw_shown")
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.visible_plans(policy.scope_for(request.user)).select_related("region")

    @admin.display(description="抽查事项")
    def item_name(self, obj):
        item = selectors.rules().items.get(obj.item)
        if item is None:
            return obj.item
        if item.minimum_share:
            return f"{item.name}（至少抽取检查对象的{float(item.minimum_share * 100):g}%）"
        return item.name

    @admin.display(description="抽取数")
    def drawn_count(self, obj):
        return obj.inspections.count() if obj.state == Plan.State.DRAWN else "-"

    @admin.display(description="抽取记录")
    def draw_shown(self, obj):
        if obj.state != Plan.State.DRAWN:
            url = reverse("admin:inspections_plan_draw", args=[obj.pk])
            return format_html('<a class="button" href="{}">执行双随机抽取</a>（由具有抽取权限的审核人员执行）',
                               url)
        return format_html(
            "<p>{} 由 {} 抽取；随机种子 <code>{}</code>；检查对象名录 {} 个，摘要 <code>{}</code>；规则版本 {}</p>"
            '<p><a class="button" href="{}">复核抽取</a>（按存档的种子和名录重新抽取，与存档结果及审计日志核对）</p>',
            obj.drawn_at, obj.drawn_by, obj.seed, len(obj.candidates.get("rows", ())) // 3, obj.candidates_digest,
            obj.rules_version, reverse("admin:inspections_plan_verify", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:pk>/draw/", self.admin_site.admin_view(self.draw_view), name="inspections_plan_draw"),
                path("<int:pk>/verify/", self.admin_site.admin_view(self.verify_view), name="inspections_plan_verify"),
                *super().get_urls()]

    def verify_view(self, request, pk):
        plan = get_object_or_404(self.get_queryset(request), pk=pk)
        same, why = services.verify_draw(plan)
        self.message_user(request, "复核：按存档的种子和名录重新抽取，结果一致，与审计日志相符" if same
                          else f"复核未通过：{why}", messages.SUCCESS if same else messages.ERROR)
        return redirect("admin:inspections_plan_change", plan.pk)

    def add_page(self, request):
        scope = policy.scope_for(request.user)
        unit = getattr(getattr(request.user, "officer", None), "unit", "") or ""
        form = forms.PlanForm(request.POST or None, scope=scope, unit=unit)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                plan = services.create_plan(by=request.user, **form.cleaned_data)
                self.message_user(request, f"已创建抽查任务：{plan}。下一步：由审核人员执行抽取", messages.SUCCESS)
                return redirect("admin:inspections_plan_change", plan.pk)
        return _form_page(self, request, form, "创建抽查任务",
                          "抽查对象为抽查范围内执业状态正常的该类主体；抽查比例和每年抽查次数上限按各主体的信用等级确定。")

    def draw_view(self, request, pk):
        plan = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("inspections.draw_plan"):
            raise PermissionDenied
        from django import forms as dj

        form = dj.Form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():     # bound, so a refusal can be shown on it
            with refusals_on(form):
                plan = services.draw(plan.pk, by=request.user)
                self.message_user(request, f"已抽取 {plan.inspections.count()} 个检查对象", messages.SUCCESS)
                return redirect("admin:inspections_plan_change", plan.pk)
        r = selectors.rules()
        n = selectors.population(plan, r).count()
        pool = selectors.inspector_pool(plan).count()
        return _form_page(self, request, form, f"双随机抽取：{plan}", format_html(
            "<p>检查对象名录：{} 个；检查人员名录：{} 名；每个检查对象抽取 {} 名检查人员，有回避关系的不派。</p>"
            "<p>抽取一经执行即记入审计日志（含随机种子和名录摘要），不能重新抽取。</p>", n, pool, r.per_inspection),
            submit="执行抽取")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("subject", "plan", "stratum", "inspectors_shown", "result", "inspected_on", "published_on")
    list_filter = ("result", "plan__year")
    search_fields = ("subject__name", "plan__name")
    fields = ("plan", "subject", "stratum", "inspectors_shown", "inspected_on", "result", "findings",
              "published_on", "action")
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.visible_inspections(policy.scope_for(request.user)).prefetch_related("inspectors")

    @admin.display(description="检查人员")
    def inspectors_shown(self, obj):
        return "、".join(i.name for i in obj.inspectors.all())

    @admin.display(description="办理")
    def action(self, obj):
        if obj.result:
            return format_html_join("", "<p>{}</p>", [("结果已录入；经审核通过后公示" if not obj.published_on
                                                        else f"已于 {obj.published_on} 公示",)])
        return format_html('<a class="button" href="{}">录入检查结果</a>',
                           reverse("admin:inspections_inspection_result", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:pk>/result/", self.admin_site.admin_view(self.result_view),
                     name="inspections_inspection_result"), *super().get_urls()]

    def result_view(self, request, pk):
        inspection = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("inspections.change_inspection"):
            raise PermissionDenied
        form = forms.ResultForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                services.record_result(inspection.pk, by=request.user, **form.cleaned_data)
                self.message_user(request, "检查结果已录入，作为行政检查结果信用记录待审核，审核通过后公示",
                                  messages.SUCCESS)
                return redirect("admin:inspections_inspection_change", inspection.pk)
        return _form_page(self, request, form, f"录入检查结果：{inspection}",
                          f"检查人员：{'、'.join(i.name for i in inspection.inspectors.all())}"
                          "（谁检查、谁录入、谁公开）")
