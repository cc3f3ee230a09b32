"""The second-factor page: enrol an authenticator on first use, then enter its code each login."""
from __future__ import annotations

import django_otp
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit

from . import two_factor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/admin/"
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok else "/admin/"


@never_cache
@login_required(login_url="/admin/login/")
@require_http_methods(["GET", "POST"])
def second_factor(request):
    user = request.user
    if not two_factor.required(user) or user.is_verified():
        return redirect(_next(request))
    device = two_factor.confirmed_device(user)
    enrolling = device is None
    if enrolling:
        device = two_factor.enrolment_device(user)
    error = ""
    if request.method == "POST":
        wait = two_factor.wait_seconds(device)
        if wait:
            error = f"动态口令连续输入错误，请于 {wait} 秒后再试（每错一次，等待时间加倍）"
        elif two_factor.verify(device, request.POST.get("token", "")):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            audit(action=AuditEntry.Action.LOGIN, actor=user, object_type="otp_totp.totpdevice",
                  object_id=device.pk, summary=f"{user.get_username()} 通过动态口令验证"
                  + ("（首次绑定）" if enrolling else ""), request=request)
            return redirect(_next(request))
        else:
            error = "动态口令（token）：应为认证器当前显示的 6 位数字，输入有误或已过期"
            audit(action=AuditEntry.Action.LOGIN_FAILED, actor=user, object_type="otp_totp.totpdevice",
                  object_id=device.pk, summary=f"{user.get_username()} 动态口令错误", request=request)
    # The admin's look, without its menu: nothing of the back office before the second factor.
    context = {**admin.site.each_context(request), "available_apps": [], "is_nav_sidebar_enabled": False,
               "enrolling": enrolling, "error": error, "next": _next(request),
               "title": "绑定动态口令" if enrolling else "动态口令验证"}
    if enrolling:
        context.update(qr=two_factor.qr_svg(device), secret=two_factor.secret_text(device))
    return render(request, "accounts/second_factor.html", context, status=400 if error else 200)
