import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ledger.signing import generate_key_pem


class Command(BaseCommand):
    help = "Write a new Ed25519 key for signing tree heads to a file (readable by its owner only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", help="the file to create; it must not exist yet")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            descriptor = os.open(options["path"], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as error:
            raise CommandError(
                _("Die Datei %(path)s lässt sich nicht anlegen: %(error)s")
                % {"path": options["path"], "error": error.strerror}
            ) from error
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(generate_key_pem())
        self.stdout.write(
            _("Schlüssel geschrieben. Setzen Sie LEDGER_SIGNING_KEY_FILE=%(path)s.")
            % {"path": options["path"]}
        )
