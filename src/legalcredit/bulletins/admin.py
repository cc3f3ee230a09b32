"""Bulletins in the back office: a maker drafts and revises, a checker publishes or withdraws."""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import ReadOnlyAdmin
from legalcredit.core.admin_forms import form_page, refusals_on

from . import selectors, services
from .forms import BulletinForm, WithdrawForm
from .models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("title", "region", "period_from", "period_until", "state", "published_on", "act")
    list_filter = ("state",)
    search_fields = ("title", "body")
    fields = ("title", "region", "types_shown", "period_from", "period_until", "issuer", "body", "state",
              "summary_shown", "created_by", "published_by", "published_on", "withdrawn_reason")
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.visible(policy.scope_for(request.user))

    def has_add_permission(self, request):
        return request.user.has_perm(services.DRAFT)

    def add_view(self, request, form_url="", extra_context=None):
        return self._edit(request, None)

    @admin.display(description="通报的机构和人员类型")
    def types_shown(self, obj):
        from legalcredit.refdata.models import SubjectType

        names = dict(SubjectType.objects.values_list("code", "name"))
        return "、".join(names.get(t, t) for t in obj.subject_types)

    @admin.display(description="统计")
    def summary_shown(self, obj):
        s = obj.summary or selectors.summary(obj.region, obj.subject_types, obj.period_from, obj.period_until)
        head = format_html_join("", "<th>{}</th>", ((k,) for k in s["kinds"]))
        rows = format_html_join("", "<tr><td>{}</td>{}</tr>", (
            (r["subject_type"], format_html_join("", "<td>{}</td>", ((n,) for n in r["counts"]))) for r in s["rows"]))
        note = "" if obj.summary else "（草稿：按当前数据试算，发布时固定）"
        return format_html("<table><tr><th>类型</th>{}</tr>{}</table>{}", head, rows, note)

    @admin.display(description="办理")
    def act(self, obj):
        links = {Bulletin.State.DRAFT: (("edit", "修改"), ("publish", "发布")),
                 Bulletin.State.PUBLISHED: (("withdraw", "撤回"),)}.get(obj.state, ())
        return format_html_join(" ", '<a href="{}">{}</a>', (
            (reverse(f"admin:bulletins_bulletin_{name}", args=[obj.pk]), label) for name, label in links))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/edit/", view(self.edit_view), name="bulletins_bulletin_edit"),
                path("<int:pk>/publish/", view(self.publish_view), name="bulletins_bulletin_publish"),
                path("<int:pk>/withdraw/", view(self.withdraw_view), name="bulletins_bulletin_withdraw"),
                *super().get_urls()]


    def _edit(self, request, bulletin):
        if not request.user.has_perm(services.DRAFT):
            raise PermissionDenied
        initial = {} if bulletin is None else {f: getattr(bulletin, f) for f in (
            "title", "subject_types", "period_from", "period_until", "issuer", "body")} | {"region": bulletin.region_id}
        if bulletin is None:
            officer = getattr(request.user, "officer", None)
            initial = {"issuer": f"{officer.region.name}司法局" if officer and officer.region_id else "",
                       "region": officer.region_id if officer else ""}
        form = BulletinForm(request.POST or None, initial=initial, scope=policy.scope_for(request.user))
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                if bulletin is None:
                    bulletin = services.draft(by=request.user, **form.cleaned_data)
                else:
                    bulletin = services.revise(bulletin.pk, by=request.user, **form.cleaned_data)
                self.message_user(request, "已保存草稿，待审核员发布", messages.SUCCESS)
                return redirect("admin:bulletins_bulletin_change", bulletin.pk)
        return form_page(self, request, form, "起草通报" if bulletin is None else f"修改通报：{bulletin}", "保存草稿")

    def edit_view(self, request, pk):
        return self._edit(request, get_object_or_404(self.get_queryset(request), pk=pk))

    def publish_view(self, request, pk):
        from django import forms

        b = get_object_or_404(self.get_queryset(request), pk=pk)
        form = forms.Form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                services.publish(b.pk, by=request.user)
                self.message_user(request, "已发布，公示网站可见", messages.SUCCESS)
                return redirect("admin:bulletins_bulletin_change", b.pk)
        return form_page(self, request, form, f"发布通报：{b}", "发布",
                          format_html("<p>{}</p><pre>{}</pre>{}", b.title, b.body, self.summary_shown(b)))

    def withdraw_view(self, request, pk):
        b = get_object_or_404(self.get_queryset(request), pk=pk)
        form = WithdrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                services.withdraw(b.pk, by=request.user, reason=form.cleaned_data["reason"])
                self.message_user(request, "已撤回，公示网站不再显示", messages.SUCCESS)
                return redirect("admin:bulletins_bulletin_change", b.pk)
        return form_page(self, request, form, f"撤回通报：{b}", "撤回")
