"""manage.py import_leika FILE: replace the service catalogue (LeiKa) with an export of it."""

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from registry import leika

DEFAULT_SOURCE = "FIM-Portal, Baustein Leistungen, https://fimportal.de/kataloge"


class Command(BaseCommand):
    help = "Replace the service catalogue (LeiKa) with an export of it; a bad file changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV export (columns Schluessel, Bezeichnung)")
        parser.add_argument(
            "--source",
            help=f"where the file comes from (default: the file's header, else {DEFAULT_SOURCE})",
        )
        parser.add_argument(
            "--as-of", help="the catalogue's date, YYYY-MM-DD (default: header, else today)"
        )
        parser.add_argument(
            "--extract",
            action="store_true",
            help="the file is only part of the catalogue: keys are then not checked against it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Die Datei %(path)s ist nicht lesbar: %(reason)s")
                % {"path": path, "reason": exc.strerror}
            ) from exc
        try:
            header, entries = leika.parse_catalogue(raw)
        except leika.CatalogueError as exc:
            raise CommandError(
                _("Der Katalog wurde nicht eingelesen, nichts ist geändert:") + "\n" + str(exc)
            ) from exc
        as_of = header.as_of or timezone.localdate()
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(
                    _("--as-of: „%(value)s“ ist kein Datum (JJJJ-MM-TT).")
                    % {"value": options["as_of"]}
                ) from exc
        complete = not options["extract"] and header.complete is not False
        source = options["source"] or header.source or DEFAULT_SOURCE
        edition = leika.replace_catalogue(entries, source=source, as_of=as_of, complete=complete)
        kind = _("vollständig") if edition.complete else _("Auszug")
        self.stdout.write(
            _("%(count)d Leistungen eingelesen (%(kind)s, Stand %(date)s, %(source)s).")
            % {
                "count": len(entries),
                "kind": kind,
                "date": f"{as_of:%d.%m.%Y}",
                "source": source,
            }
        )
