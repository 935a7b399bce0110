"""Generating a report: its content, HTML and a PDF (WeasyPrint), with progress along the way.

Celery on Redis may deliver the task twice, even while the first delivery still runs. Each run
claims the report with a fresh token and only the run that holds the token at the end stores its
result; a report that is done is never rendered again.
"""

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.models import TransparencyReport
from governance.reports.content import ReportContent, build_report_content

logger = logging.getLogger(__name__)
Status = TransparencyReport.Status


def render_report_html(content: ReportContent) -> str:
    """The report's body as an HTML fragment, in German: the document of record. Entries link
    to their public pages relative to the site (the PDF resolves them under SITE_URL)."""
    with translation.override("de"):
        return render_to_string("governance/reports/report_body.html", {"content": content})


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The document is self-contained; nothing may be fetched while rendering it.
    raise ValueError(f"external resource refused: {url}")


def static_stylesheet(name: str) -> str:
    """A stylesheet of the static files as text, to inline into a document WeasyPrint renders."""
    stylesheet = finders.find(name)
    assert isinstance(stylesheet, str)
    with open(stylesheet, encoding="utf-8") as css:
        return css.read()


def html_to_pdf(document: str) -> bytes:
    """A self-contained HTML document as a tagged PDF (PDF/UA-1); nothing is fetched. Its
    relative links become addresses under SITE_URL: a PDF has no site to be relative to."""
    from weasyprint import HTML

    base_url = settings.SITE_URL.rstrip("/") + "/"
    pdf: bytes | None = HTML(
        string=document, base_url=base_url, url_fetcher=_refuse_fetch
    ).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # write_pdf without a target returns the bytes
    return pdf


def render_report_pdf(content: ReportContent, body: str) -> bytes:
    """The report as a tagged PDF (PDF/UA-1) for printing and archiving."""
    # The report page's stylesheet, inlined: WeasyPrint fetches nothing.
    report_css = static_stylesheet("css/report.css")
    with translation.override("de"):
        document = render_to_string(
            "governance/reports/report_document.html",
            {"content": content, "body": body, "report_css": report_css},
        )
    return html_to_pdf(document)


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
