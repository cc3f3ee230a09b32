"""Back-office queues and case handling for repair applications, objections and commitments.

Each case has one “办理” page offering the steps its stage allows; every step goes through the
services, so the rules (permissions, jurisdiction, two officers, deadlines) are the same as in the API.
"""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import ReadOnlyAdmin
from legalcredit.core.admin_forms import form_page, refusals_on
from legalcredit.deadlines import selectors as deadline_selectors
from legalcredit.domain.deadlines import STATES

from . import selectors
from .forms import CommitmentForm, ObjectionFileForm, RepairApplyForm, target
from .models import Commitment, Material, Objection, ObjectionStage, Outcome, RepairApplication, RepairStage, SyncEntry
from .services import commitments, objections, repair, sync

REPAIR_ACTIONS = {
    "supplement": ("通知补正（暂停计时）", (RepairStage.APPLIED, RepairStage.ACCEPTED)),
    "supplement_received": ("收到补正材料（恢复计时）", (RepairStage.SUPPLEMENT,)),
    "upload": ("上传材料", (RepairStage.APPLIED, RepairStage.SUPPLEMENT, RepairStage.ACCEPTED)),
    "accept": ("受理", (RepairStage.APPLIED,)),
    "reject": ("不予受理", (RepairStage.APPLIED, RepairStage.SUPPLEMENT)),
    "review_grant": ("审核：建议准予修复", (RepairStage.ACCEPTED,)),
    "review_refuse": ("审核：建议不予修复", (RepairStage.ACCEPTED,)),
    "grant": ("决定准予修复", (RepairStage.REVIEWED,)),
    "refuse": ("决定不予修复", (RepairStage.REVIEWED,)),
}
OBJECTION_ACTIONS = {
    "accept": ("受理并核实", (ObjectionStage.FILED,)),
    "reject": ("不予受理", (ObjectionStage.FILED, ObjectionStage.SUPPLEMENT)),
    "supplement": ("通知补正（暂停计时）", (ObjectionStage.FILED, ObjectionStage.VERIFYING)),
    "supplement_received": ("收到补正材料（恢复计时）", (ObjectionStage.SUPPLEMENT,)),
    "upload": ("上传材料", (ObjectionStage.FILED, ObjectionStage.SUPPLEMENT, ObjectionStage.VERIFYING)),
    "verify": ("函请其他单位核实", (ObjectionStage.VERIFYING,)),
    "verified": ("记录核实意见", (ObjectionStage.VERIFYING,)),
    "review": ("审核（拟处理结果）", (ObjectionStage.VERIFYING,)),
    "decide": ("作出处理决定", (ObjectionStage.REVIEWED,)),
}


class CaseForm(forms.Form):
    action = forms.ChoiceField(label="办理事项")
    on = forms.DateField(label="日期（默认今天）", required=False)
    text = forms.CharField(label="意见 / 理由 / 补正内容 / 核实单位或意见", required=False,
                           widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    outcome = forms.ChoiceField(label="处理结果（异议）", required=False, choices=[("", "—"), *Outcome.choices])
    corrections = forms.CharField(label="拟更正内容（JSON，如 {\"content\": \"…\"}）", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2, "cols": 80}))
    kind = forms.ChoiceField(label="材料类别", required=False,
                             choices=[("proof", "履行义务证明"), ("letter", "信用修复承诺书"), ("other", "其他材料")])
    file = forms.FileField(label="文件", required=False)

    def __init__(self, *args, stage: str, actions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(k, v[0]) for k, v in actions.items() if stage in v[1]]

    def clean_corrections(self):
        raw = (self.cleaned_data.get("corrections") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"不是有效的 JSON：{exc.msg}") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("须为字段名到新值的映射")
        return value


def _upload(d):
    f = d.get("file")
    if not f:
        raise ValidationError({"file": "文件：请选择要上传的文件"})
    return {"kind": d.get("kind") or "proof", "name": f.name, "content": f.read()}


def _repair(app, by, d):
    a, on, text = d["action"], d.get("on"), d.get("text") or ""
    if a == "supplement":
        repair.ask_supplement(app.pk, by=by, what=text, on=on)
    elif a == "supplement_received":
        repair.supplement_received(app.pk, by=by, on=on)
    elif a == "upload":
        repair.attach(app.pk, by=by, **_upload(d))
    elif a == "accept":
        repair.accept(app.pk, by=by, on=on)
    elif a == "reject":
        repair.reject(app.pk, by=by, reason=text, on=on)
    elif a in ("review_grant", "review_refuse"):
        repair.review(app.pk, by=by, grant=a == "review_grant", opinion=text, on=on)
    elif a in ("grant", "refuse"):
        repair.decide(app.pk, by=by, grant=a == "grant", reason=text, on=on)


def _objection(obj, by, d):
    a, on, text = d["action"], d.get("on"), d.get("text") or ""
    if a == "accept":
        objections.accept(obj.pk, by=by, on=on)
    elif a == "reject":
        objections.reject(obj.pk, by=by, reason=text, on=on)
    elif a == "supplement":
        objections.ask_supplement(obj.pk, by=by, what=text, on=on)
    elif a == "supplement_received":
        objections.supplement_received(obj.pk, by=by, on=on)
    elif a == "upload":
        objections.attach(obj.pk, by=by, **_upload(d))
    elif a == "verify":
        objections.request_verification(obj.pk, by=by, unit=text, on=on)
    elif a == "verified":
        objections.record_verification(obj.pk, by=by, reply=text, on=on)
    elif a == "review":
        objections.review(obj.pk, by=by, outcome=d.get("outcome") or "", opinion=text,
                          corrections=d.get("corrections") or {}, on=on)
    elif a == "decide":
        objections.decide(obj.pk, by=by, outcome=d.get("outcome") or obj.proposed_outcome, reason=text, on=on)


def _history(case_type: str, case_id: int):
    steps = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
                             ((s.on, s.action, s.officer or "系统", s.document)
                              for s in selectors.steps(case_type, case_id)))
    today, lead = timezone.localdate(), deadline_selectors.remind_before()
    clocks = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                              ((c.name, c.span, c.started_on, c.due_on or "暂停计时",
                                STATES[deadline_selectors.state_of(c, today, lead)])
                               for c in deadline_selectors.clocks_of(case_type, case_id)))
    files = format_html_join("", '<li>{} · <a href="{}">{}</a>（{} 字节，SHA-256 {}…）</li>',
                             ((m.get_kind_display(), reverse("admin:remedies_material_download", args=[m.pk]),
                               m.name, m.size, m.sha256[:16]) for m in selectors.materials(case_type, case_id)))
    return format_html("<h3>期限</h3><table><tr><th>事项</th><th>时限</th><th>起算</th><th>截止</th><th>状态</th></tr>"
                       "{}</table><h3>材料</h3><ul>{}</ul><h3>办理记录</h3><table>{}</table>", clocks, files, steps)


# Case types whose materials an officer may download: (the cases the officer sees, the permission).
# Other apps that keep materials here (complaints) add theirs.
MATERIAL_CASES = {"repair": (selectors.visible_repairs, "remedies.view_repairapplication"),
                  "objection": (selectors.visible_objections, "remedies.view_objection")}
MATERIAL_REASONS = {"repair": "信用修复", "objection": "异议"}


def download(request, pk):
    """An application's material, for officers who can see its case; the read is audited."""
    from django.http import FileResponse, Http404

    from legalcredit.audit.models import AuditEntry
    from legalcredit.audit.services import record as audit

    m = get_object_or_404(Material, pk=pk)
    scope = policy.scope_for(request.user)
    visible, perm = MATERIAL_CASES.get(m.case_type, (None, ""))
    if visible is None or not request.user.has_perm(perm) or not visible(scope).filter(pk=m.case_id).exists():
        raise Http404("材料不存在或不在您的查看范围内")
    audit(action=AuditEntry.Action.READ, actor=request.user, object_type="remedies.material", object_id=m.pk,
          summary=f"查阅申请材料 {m.name}", reason=f"办理{MATERIAL_REASONS.get(m.case_type, '案件')}")
    return FileResponse(m.file.open("rb"), as_attachment=True, filename=m.name)


class CaseAdmin(ReadOnlyAdmin):
    case_type = ""
    actions_map: dict = {}
    closed: tuple = ()
    readonly_fields = ("history",)

    def handle(self, case, by, data):
        raise NotImplementedError

    @admin.display(description="期限、材料与办理记录")
    def history(self, obj):
        return _history(self.case_type, obj.pk)

    @admin.display(description="办理")
    def act(self, obj):
        if obj.stage in self.closed:
            return ""
        info = self.model._meta
        return format_html('<a href="{}">办理</a>', reverse(f"admin:{info.app_label}_{info.model_name}_act",
                                                           args=[obj.pk]))

    def get_urls(self):
        info = self.model._meta
        urls = [path("<int:pk>/act/", self.admin_site.admin_view(self.act_view),
                     name=f"{info.app_label}_{info.model_name}_act")]
        if self.apply_form is not None:     # cases the platform opens itself (a filing) have no form
            urls.append(path("apply/", self.admin_site.admin_view(self.apply_view),
                             name=f"{info.app_label}_{info.model_name}_apply"))
        if self.case_type == "repair":
            urls.append(path("material/<int:pk>/", self.admin_site.admin_view(download),
                             name="remedies_material_download"))
        return [*urls, *super().get_urls()]

    case_form = CaseForm

    def act_view(self, request, pk):
        case = get_object_or_404(self.get_queryset(request), pk=pk)
        form = self.act_form(request, case)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                self.handle(case, request.user, form.cleaned_data)
                self.message_user(request, "已办理", messages.SUCCESS)
                info = self.model._meta
                return redirect(f"admin:{info.app_label}_{info.model_name}_change", case.pk)
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"{case}（{case.get_stage_display()}）", "intro": self.intro(case),
            "history": _history(self.case_type, case.pk)})

    def act_form(self, request, case):
        return self.case_form(request.POST or None, request.FILES or None, stage=case.stage, actions=self.actions_map)

    def intro(self, case):
        return ""

    # The applicant's side: an institution or practitioner for itself, or an officer for a subject.
    apply_form = None
    apply_title = apply_label = apply_intro = ""

    def changelist_view(self, request, extra_context=None):
        info = self.model._meta
        if self.apply_form is None:
            return super().changelist_view(request, extra_context)
        may = request.user.has_perm(f"{info.app_label}.add_{info.model_name}")
        return super().changelist_view(request, {**(extra_context or {}), "apply_label": self.apply_label if may else "",
                                                 "apply_url": reverse(f"admin:{info.app_label}_{info.model_name}_apply")})

    def start(self, subject, by, d) -> object:
        raise NotImplementedError

    def attach(self, case, by, kind, name, content):
        raise NotImplementedError

    def submitted(self, case) -> str:
        return f"已提交：{case.number}（{case.item}）"

    def apply_view(self, request):
        from django.db import transaction

        info = self.model._meta
        if not request.user.has_perm(f"{info.app_label}.add_{info.model_name}"):
            raise PermissionDenied
        own = getattr(getattr(request.user, "officer", None), "subject", None)
        form = self.apply_form(request.POST or None, request.FILES or None, scope=policy.scope_for(request.user),
                               own=own)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                with transaction.atomic():      # the application and its material, or neither
                    case = self.start(d["subject"], request.user, d)
                    if d.get("file"):
                        self.attach(case, request.user, d.get("kind") or "proof", d["file"].name, d["file"].read())
                self.message_user(request, self.submitted(case), messages.SUCCESS)
                return redirect(f"admin:{info.app_label}_{info.model_name}_change", case.pk)
        return form_page(self, request, form, self.apply_title, self.apply_label, intro=self.apply_intro,
                         opts=info)


@admin.register(RepairApplication)
class RepairApplicationAdmin(CaseAdmin):
    case_type, actions_map = "repair", REPAIR_ACTIONS
    closed = (RepairStage.GRANTED, RepairStage.REFUSED, RepairStage.REJECTED)
    list_display = ("number", "subject", "item", "applied_on", "stage", "accepted_on", "decided_on", "act")
    list_filter = ("stage",)
    search_fields = ("number", "subject__name", "subject__uscc", "item")
    list_select_related = ("subject",)

    def get_queryset(self, request):
        return selectors.visible_repairs(policy.scope_for(request.user)).select_related("subject")

    def handle(self, case, by, data):
        _repair(case, by, data)

    apply_form, apply_title, apply_label = RepairApplyForm, "申请信用修复", "申请信用修复"
    apply_intro = "先核验是否符合修复条件：不符合的，说明依据和最早可申请日期。信用修复不收取任何费用。"

    def start(self, subject, by, d):
        return repair.apply(subject, by=by, statement=d["statement"], commitment_content=d["commitment_content"],
                            **target(d["item"]))

    def attach(self, case, by, kind, name, content):
        repair.attach(case.pk, by=by, kind=kind, name=name, content=content)

    def intro(self, case):
        return format_html("<p>修复对象：{}</p><p>履行义务情况：{}</p><p>审核意见：{}</p>", case.item, case.statement,
                           case.review_opinion or "—")


@admin.register(Objection)
class ObjectionAdmin(CaseAdmin):
    case_type, actions_map = "objection", OBJECTION_ACTIONS
    closed = (ObjectionStage.DECIDED, ObjectionStage.REJECTED)
    list_display = ("number", "subject", "item", "applicant_name", "filed_on", "stage", "outcome", "decided_on",
                    "act")
    list_filter = ("stage", "outcome", "grade")
    search_fields = ("number", "subject__name", "subject__uscc", "item", "applicant_name")
    list_select_related = ("subject",)

    def get_queryset(self, request):
        return selectors.visible_objections(policy.scope_for(request.user)).select_related("subject")

    def handle(self, case, by, data):
        _objection(case, by, data)

    apply_form, apply_title, apply_label = ObjectionFileForm, "提出异议", "提出异议"
    apply_intro = "认为信用信息有误、遗漏或不应公示的，说明事实和理由；处理期间该信息标注为异议中。"

    def start(self, subject, by, d):
        return objections.file(subject, by=by, grounds=d["grounds"], applicant_name=d["applicant_name"],
                               interest=d["interest"], contact=d["contact"], **target(d["item"]))

    def attach(self, case, by, kind, name, content):
        objections.attach(case.pk, by=by, kind=kind, name=name, content=content)

    def intro(self, case):
        return format_html("<p>异议对象：{}</p><p>异议人：{}（{}）</p><p>事实和理由：{}</p><p>拟处理：{} {}</p>",
                           case.item, case.applicant_name, case.interest, case.grounds,
                           case.get_proposed_outcome_display() or "—", case.review_opinion)


class FulfilmentForm(forms.Form):
    action = forms.ChoiceField(label="办理事项", choices=[("propose", "拟认定履行状态"), ("confirm", "复核确认履行状态")])
    status = forms.ChoiceField(label="履行状态", required=False,
                               choices=[("full", "全部履行"), ("partial", "部分履行"), ("none", "全部未履行")])
    unfulfilled = forms.CharField(label="未履行的承诺内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    liability_pursued = forms.CharField(label="违诺责任追究内容", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(label="履行状态认定单位", required=False)
    unit_uscc = forms.CharField(label="认定单位统一社会信用代码", required=False)


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "subject", "commitment_type", "matter", "made_on", "disclosure", "fulfilment",
                    "materials_due", "act")
    list_filter = ("commitment_type", "fulfilment", "disclosure")
    search_fields = ("code", "subject__name", "subject__uscc", "cause")
    list_select_related = ("subject",)
    readonly_fields = ("letter_view",)

    def get_queryset(self, request):
        return selectors.visible_commitments(policy.scope_for(request.user)).select_related("subject")

    @admin.display(description="承诺书（可打印）")
    def letter_view(self, obj):
        return format_html("<pre>{}</pre>", obj.letter)

    @admin.display(description="办理")
    def act(self, obj):
        if obj.fulfilment != "pending":
            return ""
        return format_html('<a href="{}">认定履行状态</a>', reverse("admin:remedies_commitment_act", args=[obj.pk]))

    def get_urls(self):
        return [path("<int:pk>/act/", self.admin_site.admin_view(self.act_view), name="remedies_commitment_act"),
                path("make/", self.admin_site.admin_view(self.make_view), name="remedies_commitment_make"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        label = "登记信用承诺" if request.user.has_perm("remedies.add_commitment") else ""
        return super().changelist_view(request, {**(extra_context or {}), "apply_label": label,
                                                 "apply_url": reverse("admin:remedies_commitment_make")})

    def make_view(self, request):
        """An officer registers a commitment made in a matter; a subject's own account makes its own."""
        if not request.user.has_perm("remedies.add_commitment"):
            raise PermissionDenied
        profile = getattr(request.user, "officer", None)
        own = getattr(profile, "subject", None)
        # An officer's unit accepts what it registers; a subject's account names its own unit there.
        form = CommitmentForm(request.POST or None, scope=policy.scope_for(request.user), own=own,
                              unit="" if own is not None else getattr(profile, "unit", "") or "")
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                c = commitments.make(d["subject"], by=request.user, commitment_type=d["commitment_type"],
                                     cause=d["cause"], content=d["content"], liability=d["liability"],
                                     disclosure=d["disclosure"], accepting_unit=d["accepting_unit"],
                                     accepting_unit_uscc=d.get("accepting_unit_uscc") or "",
                                     made_on=d.get("made_on"), valid_until=d.get("valid_until"),
                                     note=d.get("note") or "", matter_record=d.get("matter_record") or "")
                self.message_user(request, f"已登记信用承诺 {c.code}；承诺书可打印后由承诺人签章", messages.SUCCESS)
                return redirect("admin:remedies_commitment_change", c.pk)
        intro = ("以本人（本机构）名义主动作出信用承诺；选择“可向社会公开”的，在公示网站公示。违反承诺的，记入信用记录。"
                 if own is not None else "登记办理事项中作出的信用承诺（容缺受理、审批替代、证明事项等），生成承诺编码和承诺书。")
        return form_page(self, request, form, "登记信用承诺", "登记", intro=intro)

    def act_view(self, request, pk):
        c = get_object_or_404(self.get_queryset(request), pk=pk)
        form = FulfilmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                if d["action"] == "propose":
                    commitments.propose_fulfilment(c.pk, by=request.user, status=d["status"],
                                                   unfulfilled=d["unfulfilled"], liability_pursued=d["liability_pursued"])
                else:
                    commitments.confirm_fulfilment(c.pk, by=request.user, unit=d["unit"], unit_uscc=d["unit_uscc"])
                self.message_user(request, "已办理", messages.SUCCESS)
                return redirect("admin:remedies_commitment_change", c.pk)
        return render(request, "admin/remedies/act.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta, "title": str(c),
            "intro": format_html("<pre>{}</pre>", c.letter), "history": _history("commitment", c.pk)})


@admin.register(SyncEntry)
class SyncEntryAdmin(ReadOnlyAdmin):
    list_display = ("action", "subject", "item", "created_on", "due_on", "sent_at")
    list_filter = ("action", ("sent_at", admin.EmptyFieldListFilter))
    actions = ["mark_sent"]

    def get_queryset(self, request):
        from legalcredit.accounts.policy import filter_subjects

        return filter_subjects(SyncEntry.objects.all(), policy.scope_for(request.user), "subject")

    @admin.action(description="标记所选为已同步至共享平台")
    def mark_sent(self, request, queryset):
        n = sync.mark_sent(queryset.values_list("pk", flat=True), by=request.user)
        self.message_user(request, f"已标记 {n} 条", messages.SUCCESS)
