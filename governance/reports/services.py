"""Every write to transparency reports: request, publish, withdraw. Only the board acts."""

import datetime
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import is_board_member
from governance import tasks
from governance.models import TransparencyReport
from governance.reports.periods import Period
from ledger.models import LogTree
from ledger.signing import sign_tree_heads

# Reports cover the register's lifetime; earlier years hold nothing and mostly are typos.
EARLIEST_YEAR = 2000


def can_manage_reports(user: User, organisation: Organisation) -> bool:
    """The board of the organisation (and the installation's operator) manages its reports."""
    return is_board_member(user, organisation.pk)


def _check_board(actor: User, organisation: Organisation) -> None:
    if not can_manage_reports(actor, organisation):
        raise PermissionDenied(_("Transparenzberichte verwaltet das KI-Gremium der Organisation."))


def _period(
    year: int | None, period_start: datetime.date | None, period_end: datetime.date | None
) -> Period:
    today = timezone.localdate()
    if year is not None:
        if period_start is not None or period_end is not None:
            raise ValidationError(
                {"year": _("Bitte geben Sie entweder ein Jahr oder einen Zeitraum an.")}
            )
        if not EARLIEST_YEAR <= year <= today.year:
            raise ValidationError(
                {
                    "year": _("Das Jahr muss zwischen %(first)d und %(last)d liegen.")
                    % {"first": EARLIEST_YEAR, "last": today.year}
                }
            )
        return Period.year(year)
    if period_start is None:
        raise ValidationError(
            {"period_start": _("Bitte geben Sie ein Jahr oder einen Zeitraum an.")}
        )
    if period_end is None:
        raise ValidationError({"period_end": _("Bitte geben Sie das Ende des Zeitraums an.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("Das Ende liegt vor dem Beginn des Zeitraums.")})
    if period_start.year < EARLIEST_YEAR:
        raise ValidationError(
            {
                "period_start": _("Der Zeitraum beginnt frühestens %(year)d.")
                % {"year": EARLIEST_YEAR}
            }
        )
    if period_start > today:
        raise ValidationError({"period_start": _("Der Zeitraum beginnt in der Zukunft.")})
    return Period(period_start, period_end)


@transaction.atomic
def request_report(
    organisation: Organisation,
    *,
    actor: User,
    year: int | None = None,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
) -> TransparencyReport:
    """The board queues a report of a year or a period; one run per period at a time."""
    _check_board(actor, organisation)
    period = _period(year, period_start, period_end)
    # Serialises requests of one organisation so two clicks do not start two runs.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    running = TransparencyReport.objects.filter(
        organisation=organisation,
        period_start=period.start,
        period_end=period.end,
        status__in=(TransparencyReport.Status.QUEUED, TransparencyReport.Status.RUNNING),
    )
    if running.exists():
        raise ValidationError(
            {"period_start": _("Für diesen Zeitraum wird bereits ein Bericht erstellt.")}
        )
    report = TransparencyReport(
        organisation=organisation,
        period_start=period.start,
        period_end=period.end,
        requested_by=actor,
    )
    report.full_clean()
    report.save()
    transaction.on_commit(partial(tasks.render_transparency_report.delay, report.pk))
    return report


def _locked(report: TransparencyReport) -> TransparencyReport:
    return (
        TransparencyReport.objects.select_for_update()
        .select_related("organisation")
        .get(pk=report.pk)
    )


@transaction.atomic
def publish_report(report: TransparencyReport, *, actor: User) -> TransparencyReport:
    """Make a finished report public; it replaces the one published for the same period."""
    _check_board(actor, report.organisation)
    report = _locked(report)
    if report.status != TransparencyReport.Status.DONE:
        raise ValidationError(
            {"status": _("Nur ein fertig erstellter Bericht kann veröffentlicht werden.")}
        )
    if report.is_published:
        raise ValidationError({"is_published": _("Der Bericht ist bereits veröffentlicht.")})
    now = timezone.now()
    replaced = TransparencyReport.objects.select_for_update().filter(
        organisation=report.organisation,
        period_start=report.period_start,
        period_end=report.period_end,
        is_published=True,
    )
    for older in replaced:
        _unpublish(older, actor=actor, now=now)
    report.is_published = True
    report.published_at = now
    report.published_by = actor
    report.withdrawn_at = None
    report.withdrawn_by = None
    report.full_clean()
    report.save()
    # The change log's state the report was published with, signed (ledger.signing).
    sign_tree_heads(
        occasion=f"transparency-report:{report.pk}",
        trees=LogTree.objects.filter(organisation_id=report.organisation_id),
        force=True,
    )
    return report


def _unpublish(report: TransparencyReport, *, actor: User, now: datetime.datetime) -> None:
    report.is_published = False
    report.withdrawn_at = now
    report.withdrawn_by = actor
    report.full_clean()
    report.save()


@transaction.atomic
def withdraw_report(report: TransparencyReport, *, actor: User) -> TransparencyReport:
    """Take a published report off the public pages; it stays in the admin."""
    _check_board(actor, report.organisation)
    report = _locked(report)
    if not report.is_published:
        raise ValidationError({"is_published": _("Der Bericht ist nicht veröffentlicht.")})
    _unpublish(report, actor=actor, now=timezone.now())
    return report
