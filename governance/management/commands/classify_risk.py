"""Classify one AI use case under the EU AI Act from questionnaire facts given as JSON on stdin."""

import datetime
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext

from governance.risk import FactsError, classify, parse_facts, to_json

# Exit status for unusable input, as argparse and most Unix tools use it.
USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Read risk questionnaire facts as JSON from stdin and print the EU AI Act classification."
    )

    # A pure computation: the project's system checks have nothing to say about it.
    requires_system_checks: list[str] = []
    # Lets call_command() pass a stream instead of the process's stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on",
            metavar="YYYY-MM-DD",
            help="reference day for each obligation's state (in force, coming, not applicable); "
            "default: today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = timezone.localdate()
        if options.get("on"):
            try:
                on = datetime.date.fromisoformat(options["on"])
            except ValueError as error:
                raise CommandError(
                    gettext("--on: „%(value)s“ ist kein Datum wie 2026-12-01.")
                    % {"value": options["on"]},
                    returncode=USAGE_ERROR,
                ) from error
        stream = options.get("stdin") or sys.stdin
        try:
            raw = json.loads(stream.read())
        except json.JSONDecodeError as error:
            raise CommandError(
                gettext("Ungültiges JSON: %(error)s") % {"error": error}, returncode=USAGE_ERROR
            ) from error
        try:
            facts = parse_facts(raw)
        except FactsError as error:
            lines = [f"{key}: {message}" for key, message in error.errors.items()]
            raise CommandError(
                "\n".join([gettext("Ungültige Angaben:"), *lines]), returncode=USAGE_ERROR
            ) from error
        self.stdout.write(json.dumps(to_json(classify(facts), on=on), ensure_ascii=False, indent=2))
