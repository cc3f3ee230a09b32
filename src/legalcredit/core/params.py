"""Query parameters the API views share, read with one wording for their errors."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.exceptions import ValidationError


def query_date(request, name: str = "on", label: str = "查询日期", *, default_today: bool = True) -> dt.date | None:
    """``?on=YYYY-MM-DD``; today (or None) when absent; a 400 naming the parameter when malformed."""
    raw = (request.query_params.get(name) or "").strip()
    if not raw:
        return timezone.localdate() if default_today else None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"{name}（{label}）：日期格式应为 YYYY-MM-DD，收到 {raw}"}) from None
