"""Generating a report: its content, HTML and a PDF (WeasyPrint), with progress along the way.

Celery on Redis may deliver the task twice, even while the first delivery still runs. Each run
claims the report with a fresh token and only the run that holds the token at the end stores its
result; a report that is done is never rendered again.
"""

import functools
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.logos import read_logo
from governance.models import TransparencyReport
from governance.reports.content import ReportContent, build_report_content

logger = logging.getLogger(__name__)
Status = TransparencyReport.Status


def render_report_html(content: ReportContent) -> str:
    """The report's body as an HTML fragment, in German: the document of record. Entries link
    to their public pages relative to the site (the PDF resolves them under SITE_URL)."""
    with translation.override("de"):
        return render_to_string("governance/reports/report_body.html", {"content": content})


@dataclass(frozen=True)
class EmbeddedFile:
    """A file a document rendered to PDF may name by a fixed address: its bytes and type."""

    content: bytes
    content_type: str


# The site's typeface (static/css/fonts.css), embedded in every PDF: style, weight and the file
# of KERN UX's npm package in the static files. A document names a face by its address.
PDF_FONT_FACES = (
    ("normal", 400, "kern/fonts/fira-sans/FiraSans-Regular.woff2"),
    ("italic", 400, "kern/fonts/fira-sans/FiraSans-Italic.woff2"),
    ("normal", 500, "kern/fonts/fira-sans/FiraSans-Medium.woff2"),
    ("normal", 600, "kern/fonts/fira-sans/FiraSans-SemiBold.woff2"),
    ("normal", 700, "kern/fonts/fira-sans/FiraSans-Bold.woff2"),
)
FONT_ADDRESS = "ki-register-font:"


def _font_address(path: str) -> str:
    return FONT_ADDRESS + path.rsplit("/", 1)[-1]


@functools.cache
def _font_files() -> dict[str, EmbeddedFile]:
    files = {}
    for _style, _weight, path in PDF_FONT_FACES:
        found = finders.find(path)
        assert isinstance(found, str), f"font file missing from the static files: {path}"
        with open(found, "rb") as font:
            files[_font_address(path)] = EmbeddedFile(font.read(), "font/woff2")
    return files


def _font_faces_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "Fira Sans"; font-style: {style}; font-weight: {weight}; '
        f'src: url("{_font_address(path)}") format("woff2"); }}'
        for style, weight, path in PDF_FONT_FACES
    )


def _allow_list_fetcher(files: Mapping[str, EmbeddedFile]) -> Any:
    """WeasyPrint's fetcher for exactly these addresses; any other stops the rendering."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AllowListFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            embedded = files.get(url)
            if embedded is None:
                # The document is self-contained: nothing outside the list may be fetched.
                raise ValueError(f"external resource refused: {url}")
            return URLFetcherResponse(
                url, embedded.content, headers={"Content-Type": embedded.content_type}
            )

    return AllowListFetcher(fail_on_errors=True)


def static_stylesheet(name: str) -> str:
    """A stylesheet of the static files as text, to inline into a document WeasyPrint renders."""
    stylesheet = finders.find(name)
    assert isinstance(stylesheet, str)
    with open(stylesheet, encoding="utf-8") as css:
        return css.read()


def html_to_pdf(document: str, *, embedded: Mapping[str, EmbeddedFile] | None = None) -> bytes:
    """A self-contained HTML document as a tagged PDF (PDF/UA-1) in the site's typeface ("Fira
    Sans"); nothing is fetched but the font files and the `embedded` files, by their addresses.
    Its relative links become addresses under SITE_URL: a PDF has no site to be relative to."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _allow_list_fetcher({**_font_files(), **(embedded or {})})
    fonts = FontConfiguration()
    faces = CSS(string=_font_faces_css(), url_fetcher=fetcher, font_config=fonts)
    base_url = settings.SITE_URL.rstrip("/") + "/"
    pdf: bytes | None = HTML(string=document, base_url=base_url, url_fetcher=fetcher).write_pdf(
        stylesheets=[faces], font_config=fonts, pdf_variant="pdf/ua-1"
    )
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf


# The address the report's document gives the organisation's logo; html_to_pdf serves it.
LOGO_ADDRESS = "ki-register-file:logo"


def render_report_pdf(content: ReportContent, body: str) -> bytes:
    """The report as a tagged PDF (PDF/UA-1) for printing and archiving, with the organisation's
    logo (if it has one) embedded in its header."""
    # The report page's stylesheet, inlined: WeasyPrint fetches nothing.
    report_css = static_stylesheet("css/report.css")
    logo = read_logo(content.organisation.logo.name)
    embedded = {}
    if logo is not None:
        embedded[LOGO_ADDRESS] = EmbeddedFile(logo.content, logo.content_type)
    with translation.override("de"):
        document = render_to_string(
            "governance/reports/report_document.html",
            {
                "content": content,
                "body": body,
                "report_css": report_css,
                "logo_src": LOGO_ADDRESS if logo is not None else "",
            },
        )
    return html_to_pdf(document, embedded=embedded)


def _claim(report_id: int, token: str) -> TransparencyReport | None:
    with transaction.atomic():
        report = (
            TransparencyReport.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status == Status.DONE:
            return None
        report.status = Status.RUNNING
        report.run_token = token
        report.progress = 5
        report.error = ""
        report.started_at = timezone.now()
        report.save(update_fields=["status", "run_token", "progress", "error", "started_at"])
        return report


def _progress(report_id: int, token: str, percent: int) -> None:
    # Not history-tracked; a plain UPDATE keeps the row lock short while the board watches.
    TransparencyReport.objects.filter(pk=report_id, run_token=token, status=Status.RUNNING).update(
        progress=percent
    )


def _finish(report_id: int, token: str, **result: Any) -> bool:
    """Store the run's result if the run still owns the report; False when another run took it."""
    with transaction.atomic():
        report = (
            TransparencyReport.objects.select_for_update()
            .select_related("organisation")
            .get(pk=report_id)
        )
        if report.run_token != token or report.status != Status.RUNNING:
            return False
        pdf = result.pop("pdf", None)
        if pdf is not None:
            if report.pdf:
                report.pdf.delete(save=False)
            name = f"ki-transparenzbericht-{report.organisation.slug}-{report.period_slug}.pdf"
            report.pdf.save(name, ContentFile(pdf), save=False)
        for name, value in result.items():
            setattr(report, name, value)
        report.finished_at = timezone.now()
        report.full_clean()
        report.save()
        return True


def generate_report(report_id: int) -> str:
    """Render one report and store it; returns what happened, for the task's result."""
    token = uuid.uuid4().hex
    report = _claim(report_id, token)
    if report is None:
        return "skipped"
    try:
        with translation.override("de"):
            content = build_report_content(report.organisation, report.period)
        _progress(report_id, token, 40)
        body = render_report_html(content)
        _progress(report_id, token, 60)
        pdf = render_report_pdf(content, body)
        _progress(report_id, token, 90)
    except Exception as exc:
        logger.exception("transparency report %s failed", report_id)
        with translation.override("de"):
            error = _("Der Bericht konnte nicht erstellt werden (%(kind)s: %(detail)s).") % {
                "kind": type(exc).__name__,
                "detail": str(exc)[:500],
            }
        _finish(report_id, token, status=Status.FAILED, error=error)
        return "failed"
    stored = _finish(report_id, token, status=Status.DONE, progress=100, html=body, pdf=pdf)
    return "done" if stored else "superseded"
