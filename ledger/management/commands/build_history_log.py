from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ledger.building import build_log
from ledger.partition import default_workers


class Command(BaseCommand):
    help = "Enter every history row that is not in the change log yet (the log's initial build)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes on PostgreSQL (default: the number of CPUs, at most 4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = build_log(
            workers=options["workers"],
            progress=lambda n: self.stdout.write(_("%(count)s eingetragen …") % {"count": n}),
        )
        self.stdout.write(_("%(count)s Historienzeilen eingetragen.") % {"count": count})
