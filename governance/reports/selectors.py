"""Reads of transparency reports: the public ones per organisation, and one by its period."""

import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Organisation
from governance.models import TransparencyReport
from governance.reports.periods import Period
from registry.models import PublishedUseCase


def published_reports(organisation: Organisation) -> QuerySet[TransparencyReport]:
    """The organisation's published reports, newest period first."""
    return TransparencyReport.objects.filter(organisation=organisation, is_published=True).order_by(
        "-period_end", "-period_start", "-pk"
    )


def access_report_organisation(slug: str) -> Organisation:
    """An organisation that shows anything in public (entries or reports); 404 otherwise."""
    public = Exists(PublishedUseCase.objects.filter(organisation=OuterRef("pk"))) | Exists(
        TransparencyReport.objects.filter(organisation=OuterRef("pk"), is_published=True)
    )
    organisation = Organisation.objects.filter(public, slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def access_published_report(slug: str, period: Period) -> TransparencyReport:
    """The published report of an organisation for exactly this period; 404 for any other."""
    report = (
        TransparencyReport.objects.select_related("organisation")
        .filter(
            organisation__slug=slug,
            period_start=period.start,
            period_end=period.end,
            is_published=True,
        )
        .first()
    )
    if report is None:
        raise Http404
    return report


def reports_freshness(
    organisation: Organisation,
) -> tuple[int, datetime.datetime | None, datetime.datetime | None]:
    """What changes the public list of reports: how many, and the last publication or withdrawal."""
    row = TransparencyReport.objects.filter(organisation=organisation).aggregate(
        published=Count("pk", filter=Q(is_published=True)),
        last_published=Max("published_at"),
        last_withdrawn=Max("withdrawn_at"),
    )
    return row["published"], row["last_published"], row["last_withdrawn"]
