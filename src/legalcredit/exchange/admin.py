"""The exchange runs in the back office, and a run started by hand (in the background)."""
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from legalcredit.core.admin_base import ReadOnlyAdmin
from legalcredit.core.admin_forms import form_page

from .models import ExchangeRun


@admin.register(ExchangeRun)
class ExchangeRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "state", "period", "counts", "by", "error")
    list_filter = ("state",)
    fields = ("started_at", "finished_at", "period", "state", "by", "files_shown", "error")
    readonly_fields = fields

    def get_urls(self):
        return [path("run/", self.admin_site.admin_view(self.run_view), name="exchange_exchangerun_run"),
                *super().get_urls()]

    @admin.display(description="变动期间")
    def period(self, obj):
        until = f"{timezone.localtime(obj.until):%Y-%m-%d %H:%M}"
        return f"{timezone.localtime(obj.since):%Y-%m-%d %H:%M} 至 {until}" if obj.since else f"全量（截至 {until}）"

    @admin.display(description="条数")
    def counts(self, obj):
        return "；".join(f"{f['kind']} {f['rows']}" for f in obj.files)

    @admin.display(description="交换文件")
    def files_shown(self, obj):
        return format_html("<table><tr><th>文件</th><th>内容</th><th>条数</th><th>SHA-256</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td><code style=\"word-break:break-all\">{}</code></td></tr>",
                                            ((f["name"], f["kind"], f["rows"], f["sha256"]) for f in obj.files)))

    def changelist_view(self, request, extra_context=None):
        if request.user.has_perm("exchange.run_exchange"):
            self.message_user(request, format_html(
                "交换目录：{}。每日 {} 时自动交换；<a href=\"run/\">立即交换</a>",
                settings.EXCHANGE_OUTBOX or "未配置（EXCHANGE_OUTBOX）", settings.EXCHANGE_HOUR), messages.INFO)
        return super().changelist_view(request, extra_context)

    def run_view(self, request):
        if not request.user.has_perm("exchange.run_exchange"):
            raise PermissionDenied
        # Bound either way (a form of no fields is valid), so that a refusal can be added to it on
        # the first visit too: an unbound form has no cleaned data to add an error to.
        form = forms.Form(request.POST if request.method == "POST" else {})
        valid = form.is_valid()
        if not settings.EXCHANGE_OUTBOX:
            form.add_error(None, "交换目录未配置：设置 EXCHANGE_OUTBOX 为前置机收取文件的目录")
        elif request.method == "POST" and valid:
            from .tasks import exchange_now

            exchange_now(request.user.pk)
            self.message_user(request, "已在后台开始交换，完成后见下表", messages.SUCCESS)
            return redirect("admin:exchange_exchangerun_changelist")
        return form_page(self, request, form, "立即交换", "开始交换", intro=format_html(
            "<p>{}</p>", "将上次交换以来生效的行政处罚、行政许可信息（含撤销、撤回）和待同步的信用修复、异议结果写入交换目录，"
                         "由前置机报送信用信息共享平台。"))
