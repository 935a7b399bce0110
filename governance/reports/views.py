"""The public pages of transparency reports: the list per organisation, one report, its PDF."""

import logging

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from governance.reports import selectors
from governance.reports.periods import Period, parse_period
from registry.public.caching import cache_headers, not_modified, public_etag

logger = logging.getLogger(__name__)


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
    etag = public_etag(request, organisation.name, *freshness)
    cached = not_modified(request, etag, last_modified)
    if cached is not None:
        return cached
    response = render(
        request,
        "governance/reports/report_list.html",
        {"organisation": organisation, "reports": list(selectors.published_reports(organisation))},
    )
    return cache_headers(request, response, etag, last_modified)


@require_GET
def report_detail(request: HttpRequest, slug: str, period: str) -> HttpResponseBase:
    """One published report as a page, with its PDF for download."""
    parsed = _period(period)
    if parsed is None:
        return _bad_period(request, period)
    report = selectors.access_published_report(slug, parsed)
    # The header shows the organisation's current logo, whose address changes with the file.
    etag = public_etag(request, report.pk, report.published_at, report.organisation.logo.name)
    cached = not_modified(request, etag, report.published_at)
    if cached is not None:
        return cached
    try:
        pdf_size: int | None = report.pdf.size
    except (OSError, ValueError):
        pdf_size = None
    response = render(
        request, "governance/reports/report_detail.html", {"report": report, "pdf_size": pdf_size}
    )
    return cache_headers(request, response, etag, report.published_at)


@require_GET
def report_pdf(request: HttpRequest, slug: str, period: str) -> HttpResponseBase:
    """The PDF of a published report, as a download."""
    parsed = _period(period)
    if parsed is None:
        return _bad_period(request, period)
    report = selectors.access_published_report(slug, parsed)
    etag = public_etag(request, report.pk, report.published_at, report.pdf.name)
    cached = not_modified(request, etag, report.published_at)
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
    return cache_headers(request, response, etag, report.published_at)
