from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Organisation
from ledger.partition import default_workers
from ledger.verification import verify

SHOWN = 50


class Command(BaseCommand):
    help = "Recompute the change log from the history tables and name the first row that differs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--organisation", metavar="SLUG", help="only this organisation's trees")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes on PostgreSQL (default: the number of CPUs, at most 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation_id = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    _("Keine Organisation mit dem Kurznamen „%(slug)s“.")
                    % {"slug": options["organisation"]}
                )
            organisation_id = organisation.pk
        report = verify(organisation_id=organisation_id, workers=options["workers"], limit=SHOWN)
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem.message)
            if report.total > len(report.problems):
                self.stderr.write(
                    _("… und %(count)s weitere.") % {"count": report.total - len(report.problems)}
                )
            raise CommandError(
                _(
                    "Das Protokoll stimmt nicht mit der Historie überein. "
                    "Erste Abweichung: %(first)s"
                )
                % {"first": report.problems[0].message}
            )
        self.stdout.write(_("Das Protokoll stimmt mit der Historie überein."))
