"""The public pages of transparency reports: the list per organisation, one report, its PDF."""

import datetime
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from governance.reports import selectors
from governance.reports.periods import Period, parse_period

logger = logging.getLogger(__name__)


def _etag(request: HttpRequest, *parts: Any) -> str:
    key = repr((parts, request.path, get_language()))
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])


def _cached(
    request: HttpRequest, etag: str, last_modified: datetime.datetime | None
) -> HttpResponseBase | None:
    """The 304 answer when an anonymous visitor's copy is current."""
    if request.user.is_authenticated:
        return None
    timestamp = int(last_modified.timestamp()) if last_modified else None
    return get_conditional_response(request, etag=etag, last_modified=timestamp)


def _cache_headers(
    request: HttpRequest,
    response: HttpResponseBase,
    etag: str,
    last_modified: datetime.datetime | None,
) -> HttpResponseBase:
    """Shared caches may keep what anonymous visitors get; a signed-in person's page never."""
    patch_vary_headers(response, ["Cookie"])
    if request.user.is_authenticated:
        add_never_cache_headers(response)
        return response
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _bad_period(request: HttpRequest, value: str) -> HttpResponse:
    response = render(request, "governance/reports/bad_period.html", {"value": value}, status=400)
    add_never_cache_headers(response)
    return response


def _period(value: str) -> Period | None:
    try:
        return parse_period(value)
    except ValueError:
        return None


@require_GET
def report_list(request: HttpRequest, slug: str) -> HttpResponseBase:
    """An organisation's published transparency reports, newest period first."""
    organisation = selectors.access_report_organisation(slug)
    freshness = selectors.reports_freshness(organisation)
    last_modified = max((t for t in freshness[1:] if t is not None), default=None)
    etag = _etag(request, organisation.name, *freshness)
    cached = _cached(request, etag, last_modified)
    if cached is not None:
        return cached
    response = render(
        request,
        "governance/reports/report_list.html",
        {"organisation": organisation, "reports": list(selectors.published_reports(organisation))},
    )
    return _cache_headers(request, response, etag, last_modified)


@require_GET
def report_detail(request: HttpRequest, slug: str, period: str) -> HttpResponseBase:
    """One published report as a page, with its PDF for download."""
    parsed = _period(period)
    if parsed is None:
        return _bad_period(request, period)
    report = selectors.access_published_report(slug, parsed)
    etag = _etag(request, report.pk, report.published_at)
    cached = _cached(request, etag, report.published_at)
    if cached is not None:
        return cached
    try:
        pdf_size: int | None = report.pdf.size
    except (OSError, ValueError):
        pdf_size = None
    response = render(
        request, "governance/reports/report_detail.html", {"report": report, "pdf_size": pdf_size}
    )
    return _cache_headers(request, response, etag, report.published_at)


@require_GET
def report_pdf(request: HttpRequest, slug: str, period: str) -> HttpResponseBase:
    """The PDF of a published report, as a download."""
    parsed = _period(period)
    if parsed is None:
        return _bad_period(request, period)
    report = selectors.access_published_report(slug, parsed)
    etag = _etag(request, report.pk, report.published_at, report.pdf.name)
    cached = _cached(request, etag, report.published_at)
    if cached is not None:
        return cached
    try:
        handle = report.pdf.open("rb")
    except (OSError, ValueError):
        # A published report whose file is gone: the operator must restore MEDIA_ROOT.
        logger.error("PDF of transparency report %s is missing", report.pk)
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"ki-transparenzbericht-{report.organisation.slug}-{report.period_slug}.pdf",
        content_type="application/pdf",
    )
    return _cache_headers(request, response, etag, report.published_at)
