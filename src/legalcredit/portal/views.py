"""The public portal's pages (信用信息公示): search, a subject's public credit file, the lists
as published, and the check of a receipt. No login; each visitor's pages per minute are capped
(``PUBLIC_RATE_PER_MINUTE``) so the register cannot be harvested page by page."""
from __future__ import annotations

import datetime as dt
import functools
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from legalcredit.core.visitors import over_public_rate
from legalcredit.lists.services import catalogue, matter_name

from . import selectors

PAGE_SIZE = 50
LATEST = 5      # decisions of each 双公示 kind on the home page


def public_page(view=None, *, methods=("GET",)):
    """Only ``methods``, and within the visitor's pages per minute (429 with the reason in Chinese)."""
    if view is None:
        return lambda v: public_page(v, methods=methods)

    @require_http_methods(list(methods))
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if over_public_rate(request):
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
    latest = [] if q else [(code, name, list(selectors.decisions(code, timezone.localdate()).rows[:LATEST]))
                           for code, name in selectors.dual_publication_kinds().items()]
    return render(request, "portal/home.html",
                  {"q": q, "found": found, "error": error, "limit": selectors.SEARCH_LIMIT,
                   "lists": catalogue().lists.values(), "latest": latest}, status=400 if error else 200)


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


class CappedPaginator(Paginator):
    """Counts no further than ``cap`` rows (a count of every public decision of a province is a
    scan of them all); ``more`` says there are more than it shows."""
    cap = 10_000
    more = False

    @functools.cached_property
    def count(self):
        head = self.object_list[: self.cap + 1]
        n = head.count() if hasattr(head, "query") else len(head)
        self.more = n > self.cap
        return min(n, self.cap)


def _day(request, field: str, label: str):
    value = (request.GET.get(field) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: f"{label}：日期格式应为 YYYY-MM-DD，收到“{value[:20]}”"}) from None


@public_page
def decisions(request):
    """双公示: licensing and penalty decisions in their publication period, newest first."""
    kinds = selectors.dual_publication_kinds()
    params = {k: (request.GET.get(k) or "").strip()[:100] for k in ("kind", "party", "decision_no", "authority")}
    params["kind"] = params["kind"] or "penalty"
    today = timezone.localdate()
    error, rows, capped = "", [], False
    try:
        if params["kind"] not in kinds:
            raise ValidationError({"kind": f"类别：只能是 {'、'.join(f'{c}（{n}）' for c, n in kinds.items())}，"
                                           f"收到“{params['kind']}”"})
        start, end = _day(request, "start", "决定日期起"), _day(request, "end", "决定日期止")
        if start and end and start > end:
            raise ValidationError({"end": f"决定日期止：不能早于决定日期起（{start}）"})
        rows, capped = selectors.decisions(params["kind"], today, party=params["party"], start=start, end=end,
                                           decision_no=params["decision_no"], authority=params["authority"])
    except ValidationError as exc:
        error = "；".join(exc.messages)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = {k: v for k, v in {**params, "start": request.GET.get("start", ""),
                               "end": request.GET.get("end", "")}.items() if v}
    return render(request, "portal/decisions.html",
                  {"page": page, "kinds": kinds.items(), "kind_name": kinds.get(params["kind"], ""),
                   "authorities": selectors.authorities(params["kind"]) if params["kind"] in kinds else [],
                   "error": error, "today": today, "parties_capped": capped,
                   "party_matches": selectors.PARTY_MATCHES, **params,
                   "start": shown.get("start", ""), "end": shown.get("end", ""), "query": urlencode(shown)},
                  status=400 if error else 200)


@public_page
def decision(request, key):
    shown = selectors.decision(key, timezone.localdate())
    if shown is None:
        raise Http404("该决定不存在或已不在公示期内")
    return render(request, "portal/decision.html", {"r": shown})


@public_page
def commitments(request):
    """信用承诺公示: the commitments made to society, with their fulfilment once decided."""
    from legalcredit.domain.remedies import COMMITMENT_TYPES, FULFILMENT

    ctype = (request.GET.get("type") or "").strip()
    fulfilment = (request.GET.get("fulfilment") or "").strip()
    error = ""
    if ctype and ctype not in COMMITMENT_TYPES:
        error = f"承诺类型：只能是 {'、'.join(COMMITMENT_TYPES.values())} 之一"
    elif fulfilment and fulfilment not in FULFILMENT:
        error = f"履行状态：只能是 {'、'.join(FULFILMENT.values())} 之一"
    rows = [] if error else selectors.commitments(commitment_type=ctype, fulfilment=fulfilment)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_fields(page.object_list)
    return render(request, "portal/commitments.html",
                  {"page": page, "type": ctype, "fulfilment": fulfilment, "error": error,
                   "types": COMMITMENT_TYPES.items(), "states": FULFILMENT.items(),
                   "query": urlencode({k: v for k, v in {"type": ctype, "fulfilment": fulfilment}.items() if v})},
                  status=400 if error else 200)


@public_page
def standards(request):
    """制度公开: the rules in force, as the public may read them."""
    return render(request, "portal/standards.html", {"s": selectors.standards()})


@public_page
def standard(request, code: str):
    shown = selectors.scheme_standard(code)
    if shown is None:
        raise Http404("没有该评价方案，或已停用")
    return render(request, "portal/scheme.html", {"s": shown})


DISPLAY_COOKIE = "lc_display"


@public_page
def display(request):
    """长者模式 (larger text) or the standard display, remembered for a year, then back to the page."""
    from django.http import HttpResponseRedirect
    from django.utils.http import url_has_allowed_host_and_scheme

    # Back to a page of this site only: a path, printable, on this host (not a view name, which
    # django.shortcuts.redirect would try to reverse).
    target = request.GET.get("next") or "/public/"
    if not (target.startswith("/") and target.isprintable()
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)):
        target = "/public/"
    response = HttpResponseRedirect(target)
    if request.GET.get("mode") == "elder":
        response.set_cookie(DISPLAY_COOKIE, "elder", max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=request.is_secure())
    else:
        response.delete_cookie(DISPLAY_COOKIE, samesite="Lax")
    return response


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
