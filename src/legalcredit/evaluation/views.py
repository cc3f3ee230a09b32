"""Public pages of the evaluation capability: the forensic integrity grades in publicity (公示)."""
from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from legalcredit.core.errors import field_error

from . import selectors
from .models import ForensicGrading

PAGE_SIZE = 50


def public_filters(params) -> dict:
    """The filters a reader may give, checked; a bad one is refused naming the field."""
    year = (params.get("year") or "").strip()
    if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
        raise field_error("year", "评估年度", f"应为四位年份（如 2025），收到“{year}”")
    stage = (params.get("stage") or "").strip()
    if stage and stage not in selectors.PUBLIC_STAGES:
        labels = "、".join(f"{s}（{ForensicGrading.Stage(s).label}）" for s in selectors.PUBLIC_STAGES)
        raise field_error("stage", "状态", f"只能是 {labels}，收到“{stage}”")
    return {"year": int(year) if year else None, "stage": stage, "name": (params.get("name") or "").strip()[:100],
            "region": (params.get("region") or "").strip()[:12]}


@require_GET
def public_forensic_grades(request):
    error, filters = "", {"year": None, "stage": "", "name": "", "region": ""}
    try:
        filters = public_filters(request.GET)
        rows = selectors.public_forensic_grades(**filters)
    except ValidationError as exc:
        error, rows = "；".join(exc.messages), []
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    stages = [(s, ForensicGrading.Stage(s).label) for s in selectors.PUBLIC_STAGES]
    return render(request, "evaluation/public_forensic_grades.html",
                  {"page": page, "filters": filters, "error": error, "query": query, "stages": stages},
                  status=400 if error else 200)
