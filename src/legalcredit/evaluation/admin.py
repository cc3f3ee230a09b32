from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import form_page, refusals_on
from legalcredit.domain.scoring import SUPERVISION_CLASSES
from legalcredit.refdata.models import Region, SubjectType

from . import flows, selectors, services, tasks
from .models import Evaluation, EvaluationRun, ForensicGrading, Scheme, SubjectGrade


class SchemeForm(forms.ModelForm):
    document = forms.CharField(label="方案文件（YAML）", widget=forms.Textarea(
        attrs={"rows": 40, "cols": 120, "style": "font-family: monospace"}),
        help_text="保存前逐项校验；有误时列出行号和原因，草稿不会保存。已发布的方案不能修改，请以其为基础起草新版本。")

    class Meta:
        model = Scheme
        fields = ["document"]

    def clean_document(self):
        text = self.cleaned_data["document"]
        try:
            parsed = services.check(text)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        taken = Scheme.objects.filter(code=parsed.code, version=parsed.version).exclude(state=Scheme.State.DRAFT)
        if taken.exists():
            raise forms.ValidationError(f"{parsed.code} 版本 {parsed.version} 已发布或停用，修改须使用新的版本号")
        return text


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=300, widget=forms.TextInput(attrs={"size": 80}))


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    form = SchemeForm
    list_display = ("name", "code", "version", "state", "origin", "region_label", "published_at", "tools")
    list_filter = ("state", "origin")
    readonly_fields = ("summary",)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.state == Scheme.State.DRAFT)

    def get_fields(self, request, obj=None):
        return ["summary", "document"] if obj else ["document"]

    def get_changeform_initial_data(self, request):
        source = request.GET.get("from")
        if source and source.isdigit():
            row = Scheme.objects.filter(pk=source).first()
            if row:
                return {"document": row.document}
        return {}

    def save_model(self, request, obj, form, change):
        try:
            saved = services.save_draft(form.cleaned_data["document"], by=request.user)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from None
        obj.pk = saved.pk

    @admin.display(description="适用区划")
    def region_label(self, obj):
        return obj.region or "全部"

    @admin.display(description="说明")
    def summary(self, obj):
        try:
            s = selectors.parsed(obj)
        except Exception as exc:  # a stored draft checked against rules changed since
            return format_html("<p class='errornote'>{}</p>", exc)
        bands = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                 ((b.code, b.name, b.min, b.max,
                                   b.supervision.label if b.supervision else "",
                                   f"{b.supervision.sampling_rate:.0%}" if b.supervision else "",
                                   b.supervision.yearly_cap if b.supervision else "") for b in s.bands))
        return format_html("<p>依据：{}</p><p>假设：{}</p><p>基础分 {}，分值范围 {}–{}；指标 {} 项，否决项 {} 项</p>"
                           "<table><tr><th>等级</th><th>名称</th><th>分数区间</th><th>监管类别</th><th>抽查比例</th>"
                           "<th>年度抽查上限</th></tr>{}</table>",
                           s.source, s.assumptions, s.base, s.min, s.max, len(s.indicators), len(s.vetoes), bands)

    @admin.display(description="操作")
    def tools(self, obj):
        links = [(reverse("admin:evaluation_scheme_add") + f"?from={obj.pk}", "以此起草新版本")]
        if obj.state == Scheme.State.DRAFT:
            links += [(reverse("admin:evaluation_scheme_whatif", args=[obj.pk]), "模拟评价"),
                      (reverse("admin:evaluation_scheme_publish", args=[obj.pk]), "发布")]
        elif obj.state == Scheme.State.PUBLISHED:
            links.append((reverse("admin:evaluation_scheme_retire", args=[obj.pk]), "停用"))
        return format_html_join(" | ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/publish/", view(self.publish_view), name="evaluation_scheme_publish"),
                path("<int:pk>/retire/", view(self.retire_view), name="evaluation_scheme_retire"),
                path("<int:pk>/whatif/", view(self.whatif_view), name="evaluation_scheme_whatif"),
                path("distribution/", view(self.distribution_view), name="evaluation_distribution"),
                path("recompute/", view(self.recompute_view), name="evaluation_recompute"),
                *super().get_urls()]

    def _reason_action(self, request, pk, action, title, done):
        row = get_object_or_404(Scheme, pk=pk)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                action(row, by=request.user, reason=form.cleaned_data["reason"])
                self.message_user(request, done.format(row=row), messages.SUCCESS)
                return redirect("admin:evaluation_scheme_changelist")
        return form_page(self, request, form, f"{title}：{row}", title)

    def publish_view(self, request, pk):
        return self._reason_action(request, pk, services.publish, "发布评价方案",
                                   "已发布 {row.code} {row.version}；适用主体的信用等级正在后台重新计算")

    def retire_view(self, request, pk):
        return self._reason_action(request, pk, services.retire, "停用评价方案", "已停用 {row.code} {row.version}")

    def whatif_view(self, request, pk):
        row = get_object_or_404(Scheme, pk=pk)
        if not request.user.has_perm("evaluation.run_evaluation"):
            raise PermissionDenied
        if request.method == "POST":
            tasks.what_if_task(row.pk, request.user.pk)
            self.message_user(request, "模拟评价已在后台运行，完成后见“评价运行记录”", messages.SUCCESS)
            return redirect("admin:evaluation_evaluationrun_changelist")
        return form_page(self, request, forms.Form(), f"模拟评价：{row}", "开始模拟",
                         intro="将方案草稿应用于其适用的全部主体，与现行等级比较（各等级人数、等级变化的主体）。不发布方案，不改变任何现行等级。")

    def recompute_view(self, request):
        if not request.user.has_perm("evaluation.run_evaluation"):
            raise PermissionDenied
        if request.method == "POST":
            tasks.recompute_task(request.user.pk)
            self.message_user(request, "全量重新评价已在后台运行，完成后见“评价运行记录”", messages.SUCCESS)
            return redirect("admin:evaluation_evaluationrun_changelist")
        return form_page(self, request, forms.Form(), "全量重新评价", "开始",
                         intro="按现行方案重新计算全部主体的信用等级；只有结果变化的主体会产生新的评价记录。每日凌晨也会自动运行。")

    def distribution_view(self, request):
        if not request.user.has_perm("evaluation.view_subjectgrade"):
            raise PermissionDenied
        level = int(request.GET.get("level", 4)) if request.GET.get("level") in ("2", "4", "6") else 4
        rows = selectors.distribution(policy.scope_for(request.user), by_region_level=level)
        types = dict(SubjectType.objects.values_list("code", "name"))
        regions = dict(Region.objects.filter(code__in={r["region"].ljust(6, "0") for r in rows})
                       .values_list("code", "name"))
        for r in rows:
            r["type_name"] = types.get(r["subject_type"], r["subject_type"])
            r["region_name"] = regions.get(r["region"].ljust(6, "0"), r["region"])
            if r["grade"] == SubjectGrade.State.NOT_EVALUATED:
                r["grade"] = "未评价"
        return render(request, "admin/evaluation/distribution.html", {
            **self.admin_site.each_context(request), "rows": rows, "opts": self.model._meta,
            "title": "信用等级分布", "level_name": {2: "全省", 4: "市", 6: "县（区）"}[level]})


def _evidence_url(evidence_id: int) -> str:
    # List entries enter the engine with negative ids (lists.selectors.evidence).
    if evidence_id < 0:
        return reverse("admin:lists_listentry_change", args=[-evidence_id])
    return reverse("admin:records_creditrecord_change", args=[evidence_id])


def explanation_table(evaluation: Evaluation):
    lines = selectors.explain(evaluation)
    vetoes = evaluation.explanation["vetoes"]
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td></tr>",
                            ((ln["category"], ln["indicator_name"],
                              _evidence_url(ln["record_id"]),
                              ln["ref"], ln["points"], ln["note"]) for ln in lines))
    veto_rows = format_html_join("", "<li>{}（等级不高于 {}）：<a href='{}'>{}</a></li>",
                                 ((v[1], v[2], _evidence_url(v[3]), v[4])
                                  for v in vetoes))
    return format_html("<p>基础分 {}，得分 {}，按分数为 {}，最终等级 <b>{}</b>（基准日 {}）</p>"
                       "<table><tr><th>类别</th><th>指标</th><th>依据记录</th><th>分值</th><th>说明</th></tr>{}</table>"
                       "{}", evaluation.explanation["base"], evaluation.score, evaluation.score_grade,
                       evaluation.grade, evaluation.as_of, body,
                       format_html("<p>触发否决项：</p><ul>{}</ul>", veto_rows) if vetoes else "")


@admin.display(description="信用等级", ordering="grade")
def _grade_shown(self, obj):
    """A stored grade (a subject's current one, or an evaluation's) by its scheme's name for it."""
    return selectors.grade_name(obj.scheme, obj.grade) or "-"


class GradeFilter(CodeFilter):
    """Grades by the names the published schemes give them (差, A级（诚信）), codes being shared
    across schemes (A is a lawyer's grade and a forensic institution's)."""

    title, parameter_name = "等级", "grade"

    def lookups(self, request, model_admin):
        names: dict[str, list[str]] = {}
        for row in Scheme.objects.filter(state=Scheme.State.PUBLISHED).order_by("code"):
            for band in selectors.parsed(row).bands:
                shown = names.setdefault(band.code, [])
                if (band.name or band.code) not in shown:
                    shown.append(band.name or band.code)
        return [(code, "、".join(shown)) for code, shown in names.items()]



class SupervisionFilter(CodeFilter):
    title, parameter_name = "监管类别", "supervision_class"

    def lookups(self, request, model_admin):
        return list(SUPERVISION_CLASSES.items())


@admin.register(SubjectGrade)
class SubjectGradeAdmin(ReadOnlyAdmin):
    list_display = ("subject", "state", "scheme", "grade_shown", "score", "supervision_shown", "since")
    list_filter = ("state", "scheme", GradeFilter, SupervisionFilter, "subject__subject_type")
    search_fields = ("subject__name", "subject__uscc", "subject__license_no")
    list_select_related = ("subject", "scheme")
    fields = ("subject", "state", "scheme", "grade_shown", "score", "supervision", "since", "checked_at",
              "explanation", "grade_history")
    readonly_fields = fields

    grade_shown = _grade_shown

    def get_queryset(self, request):
        return policy.filter_subjects(super().get_queryset(request), policy.scope_for(request.user), "subject")

    @admin.display(description="监管类别", ordering="supervision_class")
    def supervision_shown(self, obj):
        return SUPERVISION_CLASSES.get(obj.supervision_class, obj.supervision_class) or "-"

    @admin.display(description="分级分类监管")
    def supervision(self, obj):
        sup = selectors.supervision(obj)
        if sup is None:
            return "未评价（无适用的评价方案），不据等级确定监管类别" if obj.state == SubjectGrade.State.NOT_EVALUATED else ""
        flags = [f for f, on in (("红名单候选", sup.honor_candidate), ("重点关注候选", sup.watch_candidate)) if on]
        return f"{sup.label}；双随机抽查比例 {sup.sampling_rate:.0%}，每年最多 {sup.yearly_cap} 次" + (
            f"；{'、'.join(flags)}" if flags else "")

    @admin.display(description="得分明细")
    def explanation(self, obj):
        return explanation_table(obj.evaluation) if obj.evaluation_id else "无适用的评价方案，不评定等级"

    @admin.display(description="等级历史")
    def grade_history(self, obj):
        rows = selectors.history(obj.subject_id)[:50]
        return format_html("<table><tr><th>计算时间</th><th>方案</th><th>基准日</th><th>得分</th><th>等级</th>"
                           "<th>触发</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                            ((e.computed_at, f"{e.scheme.code} {e.scheme.version}", e.as_of, e.score,
                                              selectors.grade_name(e.scheme, e.grade), e.get_trigger_display())
                                             for e in rows)))


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ("subject", "scheme", "as_of", "score", "grade_shown", "vetoed", "trigger", "computed_at")
    list_filter = ("trigger", "vetoed", "scheme")
    list_select_related = ("subject", "scheme")
    search_fields = ("subject__name",)
    fields = ("subject", "scheme", "as_of", "score", "grade_shown", "score_grade", "trigger", "computed_at", "detail")
    readonly_fields = fields

    grade_shown = _grade_shown

    def get_queryset(self, request):
        return policy.filter_subjects(super().get_queryset(request), policy.scope_for(request.user), "subject")

    @admin.display(description="得分明细")
    def detail(self, obj):
        return explanation_table(obj)


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "scheme", "as_of", "subjects", "changed", "started_by", "started_at",
                    "finished_at")
    list_filter = ("kind",)
    fields = ("kind", "scheme", "as_of", "subjects", "changed", "started_by", "started_at", "finished_at", "report")
    readonly_fields = fields

    @admin.display(description="结果")
    def report(self, obj):
        s = obj.summary
        if obj.kind == EvaluationRun.Kind.FULL:
            return format_html_join("", "<p>{}：{}</p>", sorted(s.get("grades", {}).items()))
        grades = list(dict.fromkeys(s.get("grades", []) + sorted(s.get("before", {}))))
        table = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                                 ((g, s["before"].get(g, 0), s["after"].get(g, 0)) for g in grades))
        moves = format_html_join("", "<li>{}：{}</li>", s.get("moves", {}).items())
        sample = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{} ({})</td><td>{} ({})</td></tr>",
                                  ((sid, name, old, os, new, ns) for sid, name, old, new, os, ns in s.get("sample", [])))
        return format_html("<table><tr><th>等级</th><th>现行</th><th>草稿</th></tr>{}</table><p>等级变化：</p><ul>{}</ul>"
                           "<table><tr><th>主体编号</th><th>名称</th><th>现行（得分）</th><th>草稿（得分）</th></tr>{}</table>",
                           table, moves, sample)


class GradingActionForm(forms.Form):
    action = forms.ChoiceField(label="操作", choices=[("submit", "提交下一环节"), ("return", "退回上一环节")])
    grade = forms.CharField(label="等级意见", max_length=20, required=False)
    score = forms.DecimalField(label="评分", required=False, max_digits=10, decimal_places=2)
    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3}))
    onsite_notes = forms.CharField(label="现场核查情况（市级初评必填）", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class OpenYearForm(forms.Form):
    year = forms.IntegerField(label="评估年度")


@admin.register(ForensicGrading)
class ForensicGradingAdmin(ReadOnlyAdmin):
    list_display = ("institution", "year", "round", "stage", "system_grade", "final_grade", "publicity_until",
                    "published_on", "act")
    list_filter = ("stage", "round", "year")
    search_fields = ("institution__name", "institution__uscc")
    list_select_related = ("institution", "system_evaluation")
    fields = ("institution", "year", "round", "stage", "trigger_record", "system", "steps_table", "final_grade",
              "publicity_from", "publicity_until", "published_on")
    readonly_fields = fields

    def get_queryset(self, request):
        return policy.filter_subjects(super().get_queryset(request), policy.scope_for(request.user), "institution")

    @admin.display(description="系统计分等级")
    def system_grade(self, obj):
        e = obj.system_evaluation
        return f"{e.grade}（{e.score}）" if e else ""

    @admin.display(description="系统计分明细")
    def system(self, obj):
        return explanation_table(obj.system_evaluation) if obj.system_evaluation else ""

    @admin.display(description="办理记录")
    def steps_table(self, obj):
        return format_html("<table><tr><th>环节</th><th>操作</th><th>经办人</th><th>日期</th><th>评分</th><th>等级</th>"
                           "<th>意见</th><th>现场核查</th></tr>{}</table>",
                           format_html_join("", "<tr>" + "<td>{}</td>" * 8 + "</tr>",
                                            ((s.get_stage_display(), s.get_action_display(), s.officer, s.on,
                                              s.score or "", s.grade, s.opinion, s.onsite_notes)
                                             for s in obj.steps.select_related("officer"))))

    @admin.display(description="办理")
    def act(self, obj):
        if obj.stage in flows.NEXT:
            return format_html('<a href="{}">办理</a>', reverse("admin:evaluation_forensicgrading_act", args=[obj.pk]))
        return ""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/act/", view(self.act_view), name="evaluation_forensicgrading_act"),
                path("open/", view(self.open_view), name="evaluation_forensicgrading_open"),
                *super().get_urls()]

    def act_view(self, request, pk):
        g = get_object_or_404(self.get_queryset(request), pk=pk)
        form = GradingActionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                if d["action"] == "submit":
                    flows.submit(g.pk, by=request.user, opinion=d["opinion"], grade=d["grade"], score=d["score"],
                                 onsite_notes=d["onsite_notes"])
                else:
                    flows.send_back(g.pk, by=request.user, opinion=d["opinion"])
                self.message_user(request, "已办理", messages.SUCCESS)
                return redirect("admin:evaluation_forensicgrading_change", g.pk)
        return form_page(self, request, form, f"{g}：{g.get_stage_display()}", intro=self.system(g))

    def open_view(self, request):
        form = OpenYearForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                n = flows.open_all(form.cleaned_data["year"], by=request.user)
                self.message_user(request, f"已发起 {n} 家机构的年度评估", messages.SUCCESS)
                return redirect("admin:evaluation_forensicgrading_changelist")
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, "；".join(getattr(exc, "messages", [str(exc)])))
        return form_page(self, request, form, "发起年度诚信等级评估", "发起",
                         intro="为辖区内每家司法鉴定机构发起上一年度的评估，系统先按现行方案计分，供机构自评和市级初评参考。")
