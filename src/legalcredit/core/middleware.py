"""Refusing, before any view runs, input that no field of the platform can hold."""
from __future__ import annotations

from django.http import HttpResponse

from .api_errors import is_api, refusal

NUL_REFUSED = "请求参数含有空字符（NUL，\\x00），任何字段都不接受；请检查链接或表单内容"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    """A NUL in a query string or a form field is refused with 400. PostgreSQL stores no NUL in
    any text, so every search box, filter and form would otherwise fail with a server error there
    (and store it on SQLite). JSON bodies are the REST API's: DRF's fields refuse a NUL themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.content_type in _FORMS and _has_nul(request.POST)):
            if is_api(request):
                return refusal(NUL_REFUSED, 400)
            return HttpResponse(NUL_REFUSED, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())
