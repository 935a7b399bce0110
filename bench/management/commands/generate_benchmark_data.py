import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench import loader


class Command(BaseCommand):
    help = "Fill PostgreSQL with benchmark data of tier S, M or L (bypasses the services)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tier", choices=sorted(loader.TIERS), required=True)
        parser.add_argument("--seed", type=int, default=2025, help="Random seed (default 2025).")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the organisations, users, use cases and their history first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark data loader needs PostgreSQL (it uses COPY).")
        tier = loader.TIERS[options["tier"]]
        if options["reset"]:
            loader.reset_database(self.stdout.write)
        elif not loader.database_is_empty():
            raise CommandError(
                "The database already holds organisations, users or use cases; "
                "pass --reset to replace them with benchmark data."
            )
        started = time.monotonic()
        report = loader.load(tier, seed=options["seed"], log=self.stdout.write)
        total_rows = sum(report.rows.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Tier {tier.name}: {total_rows:,} rows in {time.monotonic() - started:.1f} s "
                f"({', '.join(f'{k} {v} s' for k, v in report.seconds.items())})."
            )
        )
