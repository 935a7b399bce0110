"""Classify one AI use case under the EU AI Act from questionnaire facts given as JSON on stdin."""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
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

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write(json.dumps(to_json(classify(facts)), ensure_ascii=False, indent=2))
