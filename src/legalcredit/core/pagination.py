"""Paging of list endpoints (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS)."""
from __future__ import annotations

import re

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 1000


class Pagination(LimitOffsetPagination):
    """DRF's limit and offset, but a value that is not a whole number in range is refused naming
    it (DRF falls back to the first page in silence, so a sharing platform's sync loop with a bad
    offset would read page one for ever), and a page holds at most MAX_LIMIT rows."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        self._check(request, self.limit_query_param, "每页条数", 1, MAX_LIMIT)
        return super().get_limit(request)

    def get_offset(self, request):
        self._check(request, self.offset_query_param, "起始位置", 0, 10**12)
        return super().get_offset(request)

    @staticmethod
    def _check(request, name: str, label: str, low: int, high: int) -> None:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return
        if not re.fullmatch(r"[0-9]{1,13}", raw) or not low <= int(raw) <= high:
            raise ValidationError({name: [f"{name}（{label}）：应为 {low}–{high} 的整数，收到“{raw[:20]}”"]})
