import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import PeriodForm, form_page, refusals_on
from legalcredit.domain.scoring import SUPERVISION_CLASSES
from legalcredit.evaluation.selectors import grade_name_in
from legalcredit.lists.services import catalogue, matter_name

from . import pushes, services
from .forms import CheckForm, EndPushForm, FeedbackForm, PushEndpointForm
from .models import Check, Feedback, PushEndpoint, Watch, WatchEvent


class FeedbackInline(admin.TabularInline):
    model = Feedback
    fk_name = "check_record"
    extra = 0
    can_delete = False
    readonly_fields = ("measure", "applied", "reason", "by", "at")

    def has_add_permission(self, request, obj=None):
        return False


class MatterFilter(CodeFilter):
    title = "事项类型"
    parameter_name = "matter_type"

    def lookups(self, request, model_admin):
        return [(code, m.name) for code, m in catalogue().matter_types.items()]



@admin.register(Check)
class CheckAdmin(ReadOnlyAdmin):
    list_display = ("answered_at", "unit", "matter_name", "subject", "found", "measures_count", "purpose", "on")
    list_filter = (MatterFilter, "unit")
    search_fields = ("subject__name", "unit", "purpose", "id")
    list_select_related = ("subject",)
    inlines = [FeedbackInline]
    fieldsets = [
        ("核查", {"fields": ["id", "digest", "unit", "user", "token", "matter_name", "purpose", "query_shown",
                           "on", "answered_at"]}),
        ("答复", {"fields": ["answer_shown"]}),
        ("答复原文（回执摘要所依据的内容）", {"classes": ["collapse"], "fields": ["answer"]}),
    ]
    readonly_fields = ("query_shown", "matter_name", "answer_shown")

    def get_urls(self):
        return [path("feedback-rates/", self.admin_site.admin_view(self.rates_view), name="checks_feedback_rates"),
                path("run/", self.admin_site.admin_view(self.run_view), name="checks_check_run"),
                path("receipts/", self.admin_site.admin_view(self.receipts_view), name="checks_check_receipts"),
                path("<uuid:pk>/feedback/", self.admin_site.admin_view(self.feedback_view),
                     name="checks_check_feedback"),
                *super().get_urls()]

    # An officer handling a matter checks from here: the add link leads to the check form, and the
    # list shows the officer's own checks; supervisors (view_check) see every unit's.
    def has_add_permission(self, request):
        return request.user.has_perm("checks.add_check")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("checks.view_check") or request.user.has_perm("checks.add_check")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.has_perm("checks.view_check") else qs.filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "may_see_rates": request.user.has_perm("checks.view_check")})

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:checks_check_run")

    def run_view(self, request):
        if not request.user.has_perm("checks.add_check"):
            raise PermissionDenied
        form = CheckForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            with refusals_on(form):
                made = services.run(by=request.user, queries=d["subjects"], matter=d["matter"], purpose=d["purpose"],
                                    on=d["on"])
                return redirect(reverse("admin:checks_check_receipts") + "?ids=" + ",".join(str(c.pk) for c in made))
        return form_page(self, request, form, "信用核查", "核查", intro="按事项类型答复主体的信用状况和应采取的激励、惩戒措施；每次核查出具回执（编号和摘要），"                      "可凭回执验证答复内容。办理结束后请反馈各项措施的采取情况。")

    def _own_checks(self, request, ids):
        # An officer sees the answers to their own checks here (viewing all checks is for supervisors).
        return Check.objects.filter(user=request.user, pk__in=ids).select_related("subject").order_by("answered_at")

    def receipts_view(self, request):
        if not request.user.has_perm("checks.add_check"):
            raise PermissionDenied
        ids = [i for i in request.GET.get("ids", "").split(",") if i.strip()]
        try:
            checks = list(self._own_checks(request, ids))
        except ValidationError:       # not a receipt number at all
            checks = []
        if not checks:
            raise Http404
        rows = []
        for c in checks:
            done = {f.measure: f for f in c.feedback.all()}
            names = services.measure_names(c)
            open_ = [(code, name) for code, name in names.items() if code not in done]
            rows.append({"check": c, "query": self.query_shown(c), "answer": self.answer_shown(c),
                         "matter": matter_name(c.matter_type),
                         "done": [(names.get(code, code), f) for code, f in done.items()],
                         "form": FeedbackForm(measures=open_) if open_ else None})
        return render(request, "admin/checks/receipts.html", {
            **self.admin_site.each_context(request), "rows": rows, "ids": ",".join(ids),
            "title": "信用核查回执", "opts": self.model._meta})

    def feedback_view(self, request, pk):
        if request.method != "POST" or not request.user.has_perm("checks.add_check"):
            raise PermissionDenied
        check = self._own_checks(request, [pk]).first()
        if check is None:
            raise Http404
        form = FeedbackForm(request.POST, measures=list(services.measure_names(check).items()))
        back = reverse("admin:checks_check_receipts") + "?ids=" + request.POST.get("ids", str(pk))
        if not form.is_valid():
            self.message_user(request, "；".join(f"{form.fields[k].label}：{'；'.join(v)}" for k, v in form.errors.items()),
                              messages.ERROR)
            return redirect(back)
        d = form.cleaned_data
        try:
            services.feedback(check.pk, by=request.user, measure=d["measure"], applied=d["applied"], reason=d["reason"])
        except (PermissionDenied, ValidationError) as exc:
            self.message_user(request, "；".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
        else:
            self.message_user(request, "已反馈", messages.SUCCESS)
        return redirect(back)

    @admin.display(description="事项类型")
    def matter_name(self, obj):
        return matter_name(obj.matter_type)

    @admin.display(description="有记录", boolean=True)
    def found(self, obj):
        return bool(obj.answer.get("found"))

    @admin.display(description="触发措施数")
    def measures_count(self, obj):
        return len(obj.answer.get("measures", []))

    @admin.display(description="查询条件")
    def query_shown(self, obj):
        return "；".join(f"{services.IDENTIFIERS.get(k, k)}：{v}" for k, v in services.asked(obj, masked=True).items())

    @admin.display(description="答复内容")
    def answer_shown(self, obj):
        a = obj.answer
        if not a.get("found"):
            return a.get("message", "未找到")
        s, g = a["subject"], a.get("grade") or {}
        parts = [format_html("<p>主体：{}（{}）</p>", s["name"], s.get("status_name", s.get("status")))]
        shown = grade_name_in(g.get("scheme", ""), g.get("scheme_version", ""), g["grade"]) if g.get("grade") else "未评价"
        parts.append(format_html("<p>信用等级：{}{}</p>", shown,
                                 f"（{SUPERVISION_CLASSES.get(g['supervision'], g['supervision'])}）"
                                 if g.get("supervision") else ""))
        parts.append(format_html("<p>名单：{}</p>", "；".join(
            f"{e['name']} {e['decision_no']}（{e['from']}至{e['until']}）" for e in a.get("lists", [])) or "无"))
        if a.get("measures"):
            parts.append(format_html(
                "<table><tr><th>触发措施</th><th>类别</th><th>法律依据</th><th>清单事项</th><th>触发原因</th></tr>{}</table>",
                format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                 ((m["name"], "激励" if m["kind"] == "incentive" else "惩戒", m["legal_basis"],
                                   m["list_item"], m["triggered_by"]) for m in a["measures"]))))
        else:
            parts.append(format_html("<p>{}</p>", "触发措施：无"))
        if a.get("flags"):
            parts.append(format_html("<p>标注：{}</p>", "；".join(str(f) for f in a["flags"])))
        bar = a.get("notification_commitment")
        if bar:
            parts.append(format_html("<p>告知承诺：{}</p>", "可以适用" if bar["eligible"] else "；".join(bar["reasons"])))
        return format_html_join("", "{}", ((p,) for p in parts))

    def rates_view(self, request):
        """触发—反馈率: per unit, the measures checks triggered in a period and how many got feedback."""
        if not request.user.has_perm("checks.view_check"):
            raise PermissionDenied
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today - dt.timedelta(days=30), "end": today},
                          start_label="答复日期自")
        rows = services.feedback_rates(form.cleaned_data["start"], form.cleaned_data["end"]) if form.is_valid() else []
        return render(request, "admin/checks/feedback_rates.html", {
            **self.admin_site.each_context(request), "form": form, "rows": rows,
            "title": "触发—反馈率", "opts": self.model._meta})


class WatchEventInline(admin.TabularInline):
    model = WatchEvent
    fields = ("at", "told")
    readonly_fields = ("at", "told")
    extra = 0
    can_delete = False

    @admin.display(description="变化")
    def told(self, obj):
        return "；".join(c["text"] for c in obj.changes)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdmin):
    """Which departments watch which subjects, and what they were told (信用关注)."""

    list_display = ("unit", "subject", "matter_type", "created_at", "ended_at", "checked_at")
    list_filter = ("matter_type", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("unit", "subject__name", "subject__uscc")
    list_select_related = ("subject",)
    exclude = ("answer",)
    inlines = [WatchEventInline]


class FailingFilter(admin.SimpleListFilter):
    title = "推送状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("failing", "推送失败，等待重试"), ("active", "推送中"), ("ended", "已停止")]

    def queryset(self, request, queryset):
        return {"failing": queryset.filter(ended_at__isnull=True, failures__gt=0),
                "active": queryset.filter(ended_at__isnull=True),
                "ended": queryset.filter(ended_at__isnull=False)}.get(self.value(), queryset)


@admin.register(PushEndpoint)
class PushEndpointAdmin(ReadOnlyAdmin):
    """Push endpoints (变动推送地址): registered by the bureau; the secret is shown once."""

    list_display = ("owner", "url", "state", "delivered_through", "pending_count", "last_attempt_at", "act")
    list_filter = (FailingFilter,)
    search_fields = ("owner__username", "url")
    list_select_related = ("owner",)
    fields = ("owner", "url", "created_by", "created_at", "state", "delivered_through", "pending_count",
              "failures", "last_attempt_at", "last_error", "next_attempt_at", "ended_at", "ended_reason",
              "recent_attempts", "act")
    readonly_fields = fields

    def has_add_permission(self, request):
        return request.user.has_perm("checks.add_pushendpoint")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/rotate/", view(self.rotate_view), name="checks_pushendpoint_rotate"),
                path("<int:pk>/retry/", view(self.retry_view), name="checks_pushendpoint_retry"),
                path("<int:pk>/end/", view(self.end_view), name="checks_pushendpoint_end"),
                path("<int:pk>/test/", view(self.test_view), name="checks_pushendpoint_test"),
                *super().get_urls()]

    @admin.display(description="状态")
    def state(self, obj):
        if obj.ended_at:
            return "已停止"
        if not obj.owner.is_active:
            return "账号已停用，暂停推送"
        if obj.failures:
            when = timezone.localtime(obj.next_attempt_at) if obj.next_attempt_at else None
            return f"连续失败{obj.failures}次，{when:%m-%d %H:%M}重试" if when else f"连续失败{obj.failures}次"
        return "推送中"

    @admin.display(description="待推送")
    def pending_count(self, obj):
        return pushes.pending(obj) if obj.ended_at is None else "—"

    @admin.display(description="最近20次推送")
    def recent_attempts(self, obj):
        rows = obj.attempts.order_by("-at", "-id")[:20]
        return format_html("<table><tr><th>时间</th><th>事件编号</th><th>条数</th><th>结果</th><th>耗时</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}–{}</td><td>{}</td><td>{}</td><td>{} ms</td></tr>", (
                               (f"{timezone.localtime(a.at):%Y-%m-%d %H:%M:%S}", a.first_event, a.last_event, a.events,
                                ("测试：" if not a.events else "") + ("成功" if a.ok else a.error), a.milliseconds)
                               for a in rows))) if rows else "尚无推送"

    @admin.display(description="办理")
    def act(self, obj):
        if obj.ended_at:
            return ""
        links = [("test", "测试推送"), ("rotate", "更换密钥"), ("end", "停止推送")] + (
            [("retry", "立即重试")] if obj.failures else [])
        return format_html_join(" ", '<a href="{}">{}</a>', (
            (reverse(f"admin:checks_pushendpoint_{name}", args=[obj.pk]), label) for name, label in links))


    def _secret_page(self, request, endpoint, secret: str, what: str):
        # Drawn here, not put in a message: messages travel in a cookie until shown.
        from django.utils.cache import add_never_cache_headers

        page = render(request, "admin/checks/push_secret.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": what, "what": what,
            "secret": secret, "endpoint": endpoint})
        add_never_cache_headers(page)
        return page

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PushEndpointForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                endpoint, secret = pushes.register(by=request.user, **form.cleaned_data)
                return self._secret_page(request, endpoint, secret, "已登记推送地址")
        intro = format_html("<p>{}</p>", "平台发现所关注主体的信用变动后，将变动提醒按编号顺序 POST 至该地址，"
                            "以签名密钥作 HMAC-SHA256 签名（请求头 X-Legalcredit-Signature），对方返回 2xx 即视为送达；"
                            "失败的按间隔重试，不会丢失。")
        return form_page(self, request, form, "登记变动推送地址", "登记", intro)

    def _endpoint(self, request, pk):
        if not request.user.has_perm("checks.change_pushendpoint"):
            raise PermissionDenied
        return get_object_or_404(PushEndpoint, pk=pk)

    def rotate_view(self, request, pk):
        from django import forms

        endpoint = self._endpoint(request, pk)
        form = forms.Form(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                endpoint, secret = pushes.rotate_secret(endpoint.pk, by=request.user)
                return self._secret_page(request, endpoint, secret, "已更换签名密钥，此后的推送以新密钥签名")
        return form_page(self, request, form, f"更换签名密钥：{endpoint}", "更换",
                          format_html("<p>{}</p>", "更换后原密钥立即失效，请先与对方系统约定切换时间。"))

    def retry_view(self, request, pk):
        endpoint = self._endpoint(request, pk)
        if request.method == "POST":
            pushes.retry_now(endpoint)
            self.message_user(request, "已安排立即重试", messages.SUCCESS)
            return redirect("admin:checks_pushendpoint_change", endpoint.pk)
        from django import forms

        return form_page(self, request, forms.Form(), f"立即重试：{endpoint}", "立即重试",
                          format_html("<p>最近一次失败原因：{}</p>", endpoint.last_error or "无"))

    def test_view(self, request, pk):
        from django import forms

        from . import flows

        endpoint = self._endpoint(request, pk)
        if request.method == "POST":
            ok, said = flows.send_test(endpoint)
            self.message_user(request, said, messages.SUCCESS if ok else messages.ERROR)
            return redirect("admin:checks_pushendpoint_change", endpoint.pk)
        return form_page(self, request, forms.Form(), f"测试推送：{endpoint}", "发送", format_html(
            "<p>{}</p>", "向该地址发送一次不含变动提醒的签名推送（\"test\": true），检验地址是否可达、签名核验是否正确；"
                         "不影响推送进度。"))

    def end_view(self, request, pk):
        endpoint = self._endpoint(request, pk)
        form = EndPushForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_on(form):
                pushes.end(endpoint.pk, by=request.user, reason=form.cleaned_data["reason"])
                self.message_user(request, "已停止推送（变动提醒仍可通过接口读取）", messages.SUCCESS)
                return redirect("admin:checks_pushendpoint_change", endpoint.pk)
        return form_page(self, request, form, f"停止推送：{endpoint}", "停止推送")
