"""How the REST API refuses: always JSON, always in Chinese, each message naming its field.

A department's system reads the body of a 4xx to tell its user what to fix, so three things
Django and DRF leave in the wrong form are put right here, in one place:
- a 404 from ``get_object_or_404`` says "No Subject matches the given query." in English;
- a body that is not JSON says "JSON parse error - Expecting ..." in English;
- a field's message from DRF ("该字段是必填项。") does not say which field, and a list item's
  errors are nested with no path; each message now starts with the field it is about, the way
  the platform's own messages do ("purpose（查询用途）：必须填写").
A path under /api/ that matches no endpoint, and a server error under /api/, answer JSON too
(``not_found`` and ``server_error``, the project's handler404 and handler500), not an HTML page.
"""
from __future__ import annotations

import re

from django.apps import apps
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

_DJANGO_NOT_FOUND = re.compile(r"^No (\w+) matches the given query\.$")
_JSON_POSITION = re.compile(r"line (\d+) column (\d+)")
# A message already names its field when it opens with a name and a full-width colon
# ("level：应为 2、4 或 6", "统一社会信用代码：校验码错误"); DRF's own end a sentence first
# ("日期格式错误。请从这些格式中选择：YYYY-MM-DD。") or have no colon at all.
_NAMED = re.compile(r"^[^。：“”\"]{1,40}：")
_NOT_FIELDS = ("detail", "non_field_errors")
SERVER_ERROR = "服务器内部错误，本次请求未完成（已写入的数据整体回滚），错误已记入系统日志；请稍后重试或联系平台管理员"


def _thing(model_name: str) -> str:
    for model in apps.get_models():
        if model._meta.object_name == model_name:
            return str(model._meta.verbose_name)
    return "所请求的记录"


def _in_chinese(exc):
    if isinstance(exc, Http404):
        found = _DJANGO_NOT_FOUND.match(str(exc))
        if found or not str(exc):
            what = _thing(found.group(1)) if found else "所请求的记录"
            return exceptions.NotFound(f"{what}不存在，或不在您的查看范围内")
    if isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        where = _JSON_POSITION.search(str(exc.detail))
        at = f"（第 {where.group(1)} 行第 {where.group(2)} 列）" if where else ""
        return exceptions.ParseError(f"请求体：不是有效的 JSON{at}")
    return exc


def name_fields(detail, path: str = ""):
    """DRF's error detail with each message opening with the field it is about; list items by
    index ("subjects[1].uscc：该字段是必填项。"). Messages that already name a field are kept."""
    if isinstance(detail, dict):
        # A list of objects comes back keyed by the index of each item in error (DRF's ListSerializer).
        return {key: name_fields(value, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else key)
                for key, value in detail.items()}
    if isinstance(detail, list):
        if any(isinstance(item, (dict, list)) for item in detail):
            return [name_fields(item, f"{path}[{i}]") for i, item in enumerate(detail)]
        return [_named(item, path) for item in detail]
    return [_named(detail, path)]


def _named(message, path: str):
    field = path.rsplit(".", 1)[-1]
    text = str(message)
    if not path or field in _NOT_FIELDS or not text or text.startswith(f"{path}：") or _NAMED.match(text):
        return message
    return exceptions.ErrorDetail(f"{path}：{text}", code=getattr(message, "code", None))


def exception_handler(exc, context):
    """REST_FRAMEWORK's EXCEPTION_HANDLER."""
    exc = _in_chinese(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        data = response.data
        response.data = name_fields(data) if isinstance(data, dict) else {"detail": name_fields(data)}
    return response


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def refusal(detail: str, status: int) -> JsonResponse:
    """An API refusal outside DRF (a handler, a middleware), in the body DRF's refusals have."""
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def not_found(request, exception=None):
    """handler404: JSON under /api/ (an integrator's typo in a path), the site's page elsewhere."""
    if is_api(request):
        return refusal(f"接口地址不存在：{request.path}（接口说明见 /api/docs/）", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/, the site's page elsewhere."""
    if is_api(request):
        return refusal(SERVER_ERROR, 500)
    return defaults.server_error(request)


class ApiErrorSerializer(serializers.Serializer):
    """For a view to declare a refusal beyond those core.openapi.document_errors adds to every
    operation (a 404 with no path parameter); the schema is ERROR_SCHEMA."""

    detail = serializers.CharField()
