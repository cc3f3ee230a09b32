"""Holds a signed-in administrator or checker at the second-factor page until they pass it."""
from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect

from . import two_factor

OTP_PATH = "/admin/otp/"
# Reachable before the second factor: the page itself, leaving, and what the page needs.
OPEN = (OTP_PATH, "/admin/logout/", "/admin/login/", "/static/", "/healthz", "/admin/jsi18n/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not user.is_verified()
                and not request.path.startswith(OPEN) and two_factor.required(user)):
            if request.path.startswith("/api/"):
                if request.headers.get("Authorization", "").startswith("Bearer "):
                    # A department token: DRF authenticates it (or answers 401); the session is not used.
                    return self.get_response(request)
                return JsonResponse({"detail": "请先在后台完成动态口令验证"}, status=403)
            return redirect(f"{OTP_PATH}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
