from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from operations.deployment import ERROR, WARNING, problems


class Command(BaseCommand):
    help = "Report the installation's configuration problems in German, each with what to set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fail-on-warning", action="store_true", help="Exit non-zero on warnings too."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = problems()
        for problem in found:
            style = self.style.ERROR if problem.level == ERROR else self.style.WARNING
            self.stdout.write(style(f"{problem.level} {problem.code}: {problem.message}"))
            self.stdout.write(f"    → {problem.hint}")
        errors = sum(problem.level == ERROR for problem in found)
        warnings = sum(problem.level == WARNING for problem in found)
        if not found:
            self.stdout.write(
                self.style.SUCCESS(_("Keine Probleme in der Konfiguration gefunden."))
            )
        else:
            self.stdout.write(
                _("%(errors)d Fehler, %(warnings)d Warnungen.")
                % {"errors": errors, "warnings": warnings}
            )
        # Django's own deployment checks (and the project's, config/checks.py) come after.
        call_command("check", deploy=True, stdout=self.stdout, stderr=self.stderr)
        if errors or (warnings and options["fail_on_warning"]):
            raise CommandError(_("Die Konfiguration ist nicht bereit für den Betrieb."))
