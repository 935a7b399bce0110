"""Write the public register in another register's standard to stdout or a file."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from accounts.models import Organisation
from interop.exports import FORMATS
from interop.exports.base import ExportContext

# Exit status for unusable input, as argparse and most Unix tools use it.
USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Export the published use cases in a transparency standard (NL, Eurocities, EU, DCAT)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="format")
        parser.add_argument("--organisation", help="slug of one organisation")
        parser.add_argument("--output", help="file to write; stdout without it")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(
                    gettext("Unbekannte Organisation: %(slug)s")
                    % {"slug": options["organisation"]},
                    returncode=USAGE_ERROR,
                )
        export_format = FORMATS[options["format"]]
        context = ExportContext(site_url=settings.SITE_URL, organisation=organisation)
        chunks = export_format.write(context)
        if options["output"]:
            try:
                with Path(options["output"]).open("w", encoding="utf-8") as target:
                    for chunk in chunks:
                        target.write(chunk)
            except OSError as error:
                raise CommandError(
                    gettext("Die Datei kann nicht geschrieben werden: %(error)s")
                    % {"error": error},
                    returncode=USAGE_ERROR,
                ) from error
            return
        for chunk in chunks:
            self.stdout.write(chunk, ending="")
