from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Value
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import refusals_on
from legalcredit.domain import credit_lists

from . import selectors, services
from .models import ListEntry, Stage

ACTIONS = {
    "serve_notice": ("送达告知书", (Stage.PROPOSED,)),
    "statement": ("记录陈述申辩", (Stage.NOTICED, Stage.HEARING)),
    "request_hearing": ("当事人申请听证", (Stage.NOTICED,)),
    "schedule_hearing": ("通知听证日期", (Stage.HEARING,)),
    "hearing_record": ("记录听证笔录", (Stage.HEARING,)),
    "list": ("决定列入", (Stage.PROPOSED, Stage.NOTICED, Stage.HEARING)),
    "drop": ("决定不予列入", (Stage.PROPOSED, Stage.NOTICED, Stage.HEARING)),
    "publish": ("公示", (Stage.DECIDED,)),
    "remove": ("移出名单", (Stage.DECIDED, Stage.PUBLISHED)),
}


class StepForm(forms.Form):
    action = forms.ChoiceField(label="办理事项")
    on = forms.DateField(label="日期（默认今天）", required=False)
    text = forms.CharField(label="意见 / 陈述申辩 / 听证笔录 / 理由 / 移出说明", required=False,
                           widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))
    decision_no = forms.CharField(label="决定书文号", required=False)
    hearing_on = forms.DateField(label="听证日期", required=False)
    removal = forms.ChoiceField(label="移出方式", required=False,
                                choices=[("", "—"), *((k, v) for k, v in credit_lists.REMOVALS.items() if k != "expiry")])

    def __init__(self, *args, stage: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(k, v[0]) for k, v in ACTIONS.items() if stage in v[1]]


# What the party itself may do on its own notice; always today.
PARTY_ACTIONS = {"statement": "提交陈述申辩", "request_hearing": "申请听证"}


class PartyForm(forms.Form):
    """The party answers the notice served on it: 陈述申辩 while its period runs, a hearing request
    while the notice allows one (the services decide the deadlines)."""

    action = forms.ChoiceField(label="事项")
    text = forms.CharField(label="陈述申辩意见", required=False, widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
                           help_text="陈述事实、理由，可提出从轻、减轻或不予列入的意见；申请听证时可不填")

    def __init__(self, *args, entry: ListEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(k, label) for k, label in PARTY_ACTIONS.items()
                                         if k in selectors.party_actions(entry)]


class ProposeForm(forms.Form):
    """A listing proposed by hand; proposals by rule come from approved records."""

    subject = forms.CharField(label="信用主体", max_length=40, help_text="统一社会信用代码、公民身份号码或执业证号")
    list_code = forms.ChoiceField(label="名单")
    reasons = forms.CharField(label="列入事由", widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
                              help_text="写入告知书：失信行为的事实与情节")
    basis_decision_no = forms.CharField(label="所依据信用记录的决定书文号", max_length=100, required=False,
                                        help_text="该主体现行、已生效的记录")
    conduct_on = forms.DateField(label="失信行为发生日", required=False,
                                 help_text="机构列入时，按此日的执业关系延伸至责任人员")
    authority = forms.CharField(label="认定单位", max_length=200)
    authority_uscc = forms.CharField(label="认定单位统一社会信用代码", max_length=18, required=False)

    def __init__(self, *args, scope, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["list_code"].choices = [(code, lt.name) for code, lt in services.catalogue().lists.items()]
        self.fields["authority"].initial = unit

    def clean_subject(self):
        from legalcredit.registry.forms import subject_by_identifier

        return subject_by_identifier(self.cleaned_data["subject"], self.scope)

    def clean(self):
        from legalcredit.records.models import CreditRecord

        d = super().clean()
        number = (d.get("basis_decision_no") or "").strip()
        d["basis_record"] = None
        if number and d.get("subject") is not None:
            d["basis_record"] = CreditRecord.objects.filter(subject=d["subject"], decision_no=number, is_current=True,
                                                            review="approved").first()
            if d["basis_record"] is None:
                self.add_error("basis_decision_no", f"该主体没有文号为 {number} 的现行、已生效信用记录")
        return d


def _apply(entry: ListEntry, by, d: dict) -> None:
    a, on, text = d["action"], d.get("on"), d.get("text") or ""
    if a == "serve_notice":
        services.serve_notice(entry.pk, by=by, served_on=on)
    elif a == "statement":
        services.record_statement(entry.pk, by=by, text=text, on=on)
    elif a == "request_hearing":
        services.request_hearing(entry.pk, by=by, on=on)
    elif a == "schedule_hearing":
        if not d.get("hearing_on"):
            raise ValidationError({"hearing_on": "听证日期：必须填写"})
        services.schedule_hearing(entry.pk, by=by, hearing_on=d["hearing_on"], notice_on=on)
    elif a == "hearing_record":
        services.record_hearing(entry.pk, by=by, record=text, on=on)
    elif a in ("list", "drop"):
        services.decide(entry.pk, by=by, listed=a == "list", reason=text, decision_no=d.get("decision_no") or "",
                        on=on)
    elif a == "publish":
        services.publish(entry.pk, by=by, on=on)
    elif a == "remove":
        services.remove(entry.pk, by=by, method=d.get("removal") or "", note=text, on=on)


class ListTypeFilter(CodeFilter):
    title, parameter_name = "名单", "list_code"

    def lookups(self, request, model_admin):
        return [(code, lt.name) for code, lt in services.catalogue().lists.items()]



class RemovalFilter(CodeFilter):
    title, parameter_name = "移出方式", "removal"

    def lookups(self, request, model_admin):
        return list(credit_lists.REMOVALS.items())



# Codes a rule set or the services hold, shown by their names (the model has no choices for them:
# the lists are data, and a province may add one).
SHOWN_AS = {"list_code": "list_name", "role": "role_name", "responsible": "responsible_names",
            "removal": "removal_name"}


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ("subject", "list_name", "stage", "role_name", "statement_due", "hearing_on", "decision_no",
                    "listed_from", "listed_until", "removed_on", "act")
    list_filter = (ListTypeFilter, "stage", RemovalFilter)
    search_fields = ("subject__name", "subject__uscc", "decision_no")
    list_select_related = ("subject",)
    readonly_fields = ("steps_table", *SHOWN_AS.values())

    # Kept from the party's view: who proposed and decided inside the bureau, and the other
    # people an institution's listing reaches.
    INTERNAL = ("proposed_by", "decided_by", "responsible", "responsible_names", "parent", "role_name")

    def get_fields(self, request, obj=None):
        shown = [SHOWN_AS.get(f, f) for f in super().get_fields(request, obj)]
        if services.is_party(request.user):
            shown = [f for f in shown if f not in self.INTERNAL]
        return list(dict.fromkeys(shown))

    def get_list_display(self, request):
        if services.is_party(request.user):
            return ("list_name", "stage", "statement_due", "hearing_request_due", "hearing_on", "decision_no",
                    "listed_from", "listed_until", "removed_on", "act")
        return super().get_list_display(request)

    @admin.display(description="名单", ordering="list_code")
    def list_name(self, obj):
        return services.list_name(obj.list_code)

    @admin.display(description="责任人身份", ordering="role")
    def role_name(self, obj):
        return services.ROLE_LABELS.get(obj.role, obj.role) or "-"

    @admin.display(description="直接责任人员")
    def responsible_names(self, obj):
        from legalcredit.registry.models import Subject

        people = Subject.objects.filter(pk__in=obj.responsible or []).order_by("pk")
        return "、".join(p.name for p in people) or "-"

    @admin.display(description="移出方式")
    def removal_name(self, obj):
        return credit_lists.REMOVALS.get(obj.removal, obj.removal) or "-"

    def lookup_allowed(self, lookup, value, request=None):
        # A subject's registry page links to its entries.
        return lookup == "subject__id__exact" or super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        party = services.is_party(request.user)
        # Each entry carries whose view it is shown in (the admin is shared by every request).
        return (selectors.visible_entries(policy.scope_for(request.user), party=party).select_related("subject")
                .annotate(party_view=Value(party, output_field=BooleanField())))

    @admin.display(description="办理记录")
    def steps_table(self, obj):
        party = getattr(obj, "party_view", False)

        def by(step):
            if step.officer is None:
                return "系统"
            # The party deals with the authority, not with the officers inside it.
            return ("当事人" if step.action.startswith("当事人") else obj.authority) if party else step.officer
        return format_html("<table><tr><th>日期</th><th>事项</th><th>经办人</th><th>文书/说明</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td></tr>",
                                            ((s.on, s.action, by(s), s.document)
                                             for s in obj.steps.select_related("officer"))))

    @admin.display(description="办理")
    def act(self, obj):
        links = []
        if getattr(obj, "party_view", False):
            if selectors.party_actions(obj):
                links.append(format_html('<a href="{}">{}</a>', reverse("admin:lists_listentry_act", args=[obj.pk]),
                                         " / ".join(PARTY_ACTIONS[a] for a in selectors.party_actions(obj))))
        elif obj.stage not in (Stage.REMOVED, Stage.DROPPED):
            links.append(format_html('<a href="{}">办理</a>', reverse("admin:lists_listentry_act", args=[obj.pk])))
        if obj.notice_text or obj.decision_text:
            links.append(format_html('<a href="{}" target="_blank">打印文书</a>',
                                     reverse("admin:lists_listentry_print", args=[obj.pk])))
        return format_html_join(" · ", "{}", ((link,) for link in links))

    def get_urls(self):
        return [path("<int:pk>/act/", self.admin_site.admin_view(self.act_view), name="lists_listentry_act"),
                path("<int:pk>/print/", self.admin_site.admin_view(self.print_view), name="lists_listentry_print"),
                path("propose/", self.admin_site.admin_view(self.propose_view), name="lists_listentry_propose"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "may_propose": request.user.has_perm(services.PROPOSE)})

    def propose_view(self, request):
        if not request.user.has_perm(services.PROPOSE):
            raise PermissionDenied
        unit = getattr(getattr(request.user, "officer", None), "unit", "") or ""
        form = ProposeForm(request.POST or None, scope=policy.scope_for(request.user), unit=unit)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                entry = services.propose(d["subject"], d["list_code"], by=request.user, reasons=d["reasons"],
                                         authority=d["authority"], authority_uscc=d["authority_uscc"],
                                         basis_record=d["basis_record"], conduct_on=d["conduct_on"])
                self.message_user(request, f"已提出拟列入：{entry}。下一步：送达告知书", messages.SUCCESS)
                return redirect("admin:lists_listentry_change", entry.pk)
        return render(request, "admin/evaluation/form.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": "拟列入名单", "submit_label": "提出拟列入",
            "intro": "提出后依次办理：送达告知书 → 陈述申辩（及听证）→ 由另一名有决定权限的人员决定 → 公示。"})

    def print_view(self, request, pk):
        """The notice and the decision as served: a page to print, with nothing else on it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        return render(request, "admin/lists/print.html", {"entry": entry})

    def act_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        if services.is_party(request.user):
            return self.answer_view(request, entry)
        form = StepForm(request.POST or None, stage=entry.stage)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                _apply(entry, request.user, form.cleaned_data)
                self.message_user(request, "已办理", messages.SUCCESS)
                return redirect("admin:lists_listentry_change", entry.pk)
        return render(request, "admin/evaluation/form.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"{entry}", "intro": format_html(
                "<pre>{}</pre>{}", entry.notice_text or entry.reasons,
                # What the party has said so far, in front of whoever takes the next step.
                format_html("<h3>陈述申辩意见</h3><pre>{}</pre>", entry.statement) if entry.statement else "")})

    def answer_view(self, request, entry: ListEntry):
        form = PartyForm(request.POST or None, entry=entry)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                if d["action"] == "statement":
                    services.record_statement(entry.pk, by=request.user, text=d["text"])
                    self.message_user(request, "陈述申辩意见已提交，认定单位作出决定前将予以考虑", messages.SUCCESS)
                else:
                    services.request_hearing(entry.pk, by=request.user)
                    days = services.catalogue().lists[entry.list_code].hearing_notice_days
                    self.message_user(request, f"听证申请已提交，认定单位将在举行听证的{days}日前通知听证日期",
                                      messages.SUCCESS)
                return redirect("admin:lists_listentry_change", entry.pk)
        due = [f"陈述申辩截止日：{entry.statement_due}"] if entry.stage == Stage.NOTICED else []
        if entry.stage == Stage.NOTICED and entry.hearing_request_due:
            due.append(f"听证申请截止日：{entry.hearing_request_due}")
        return render(request, "admin/evaluation/form.html", {
            **self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
            "title": f"{entry}：陈述申辩与听证", "submit_label": "提交",
            "intro": format_html("<p>{}</p><pre>{}</pre>", "；".join(due) or "本环节不再接受陈述申辩", entry.notice_text)})
