"""Re-check every stored risk classification against the current rule set."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from accounts.models import User
from governance import reclassification, tasks
from governance.risk import RULE_SET_VERSION


class Command(BaseCommand):
    help = "Re-check every stored risk classification against the current rule set."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=reclassification.DEFAULT_BATCH_SIZE, metavar="N"
        )
        parser.add_argument(
            "--actor", metavar="USERNAME", help="who is recorded in the history (default: none)"
        )
        parser.add_argument("--reason", default="", help="reason recorded in the history")
        parser.add_argument(
            "--queue", action="store_true", help="hand the work to the Celery worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError(gettext("--batch-size muss mindestens 1 sein."))
        if options["queue"]:
            tasks.reclassify_use_cases.delay()
            self.stdout.write(gettext("Die Neubewertung wurde an den Worker übergeben."))
            return
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(
                    gettext("Unbekannte Person „%(name)s“.") % {"name": options["actor"]}
                )

        def report(outcome: reclassification.Outcome) -> None:
            self.stderr.write(f"{outcome.checked} …")

        outcome = reclassification.reclassify_all(
            actor=actor,
            reason=options["reason"],
            batch_size=options["batch_size"],
            progress=report if options["verbosity"] > 1 else None,
        )
        self.stdout.write(
            gettext(
                "Regelwerk %(version)s: %(checked)d Einstufungen geprüft, %(rewritten)d neu "
                "gespeichert, %(changed)d mit geänderter Klasse oder Pflichten."
            )
            % {
                "version": RULE_SET_VERSION,
                "checked": outcome.checked,
                "rewritten": outcome.rewritten,
                "changed": outcome.changed,
            }
        )
        if outcome.failed:
            self.stderr.write(
                gettext("Nicht lesbare Antworten bei Anwendungsfall: %(ids)s")
                % {"ids": ", ".join(str(pk) for pk in outcome.failed)}
            )
