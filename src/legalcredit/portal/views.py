"""The public portal's pages (信用信息公示): search, a subject's public credit file, the lists
as published, and the check of a receipt. No login; each visitor's pages per minute are capped
(``PUBLIC_RATE_PER_MINUTE``) so the register cannot be harvested page by page."""
from __future__ import annotations

import functools
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from legalcredit.core import counters
from legalcredit.lists.services import catalogue, matter_name

from . import selectors

PAGE_SIZE = 50


def _visitor(request) -> str:
    # X-Forwarded-For is the client's own to write unless a trusted proxy sets it.
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def _too_many(request) -> bool:
    limit = settings.PUBLIC_RATE_PER_MINUTE
    if not limit:
        return False
    minute = int(time.time() // 60)
    return counters.increment(f"public_{_visitor(request)}_{minute}", ttl=120) > limit


def public_page(view=None, *, methods=("GET",)):
    """Only ``methods``, and within the visitor's pages per minute (429 with the reason in Chinese)."""
    if view is None:
        return lambda v: public_page(v, methods=methods)

    @require_http_methods(list(methods))
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if _too_many(request):
            response = render(request, "portal/too_many.html",
                              {"limit": settings.PUBLIC_RATE_PER_MINUTE}, status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)
    return wrapped


@public_page
def home(request):
    q = (request.GET.get("q") or "").strip()
    error, found = "", None
    if "q" in request.GET:
        try:
            found = selectors.search(q)
        except ValidationError as exc:
            error = "；".join(exc.messages)
    return render(request, "portal/home.html",
                  {"q": q, "found": found, "error": error, "limit": selectors.SEARCH_LIMIT,
                   "lists": catalogue().lists.values()}, status=400 if error else 200)


@public_page
def subject(request, pk: int):
    shown = selectors.subject_file(pk, timezone.localdate())
    if shown is None:
        raise Http404("没有该主体")
    from legalcredit.reports.selectors import form_choices

    return render(request, "portal/subject.html", {"file": shown, "staff_shown": selectors.STAFF_SHOWN,
                                                   "report_form": form_choices()})


@public_page
def lists(request):
    cat = catalogue()
    code = (request.GET.get("list") or "").strip()
    name = (request.GET.get("name") or "").strip()[:100]
    error = ""
    if code and code not in cat.lists:
        error = f"名单：只能是 {'、'.join(f'{c}（{t.name}）' for c, t in cat.lists.items())}，收到“{code}”"
        code = ""
    today = timezone.localdate()
    rows = selectors.published_entries(list_code=code or None, on=today, name=name) if not error else []
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_list_names(page.object_list)
    return render(request, "portal/lists.html",
                  {"page": page, "code": code, "name": name, "error": error, "today": today,
                   "types": [(c, t.name) for c, t in cat.lists.items()],
                   "query": urlencode({k: v for k, v in {"list": code, "name": name}.items() if v})},
                  status=400 if error else 200)


@public_page
def verify(request):
    from legalcredit.checks import services as checks

    number = (request.GET.get("receipt") or "").strip()
    digest = (request.GET.get("digest") or "").strip().lower()
    context = {"number": number, "digest": digest}
    if "receipt" in request.GET or "digest" in request.GET:
        try:
            uuid.UUID(number)
        except ValueError:
            context["error"] = f"回执编号：格式不正确（应为回执上的编号，形如 {uuid.UUID(int=0)}），收到“{number[:60]}”"
        else:
            if not digest:
                context["error"] = "摘要：必须填写回执上的摘要（64位）"
            else:
                valid, check, why = checks.verify(number, digest)
                context.update(valid=valid, why=why)
                if valid:
                    context.update(receipt=checks.receipt(check, public=True), matter=matter_name(check.matter_type))
    return render(request, "portal/verify.html", context, status=400 if context.get("error") else 200)


@public_page
def inspections(request):
    """一公开: the plans drawn (the item, its legal basis, the scope, how many were drawn) and the
    results a checker approved. Who was drawn is published with the result, not before it."""
    from legalcredit.inspections import selectors as inspections_

    plans = inspections_.drawn_plans()
    page = Paginator(inspections_.published_results(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/inspections.html", {"plans": plans, "page": page, "query": ""})


@public_page
def legal_aid(request):
    """法律援助案件质量评查结果: confirmed reviews per year and city, per band; no one named."""
    from legalcredit.legal_aid import selectors as reviews
    from legalcredit.legal_aid.services import rules

    bands = rules().band_names
    rows = [{**row, "counts": [row["bands"][b] for b in bands]} for row in reviews.published_statistics()]
    return render(request, "portal/legal_aid.html", {"rows": rows, "bands": bands,
                                                      "methods": rules().methods.values()})


@public_page
def bulletins(request):
    """通报公示: the bulletins published, newest first."""
    from legalcredit.bulletins import selectors as bulletins_

    page = Paginator(bulletins_.published(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/bulletins.html", {"page": page, "query": ""})


@public_page
def bulletin(request, pk: int):
    from legalcredit.bulletins import selectors as bulletins_

    shown = bulletins_.published().filter(pk=pk).first()
    if shown is None:
        raise Http404("没有该通报")
    return render(request, "portal/bulletin.html", {"b": shown, "s": shown.summary})
