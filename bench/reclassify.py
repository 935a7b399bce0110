"""Re-classification at scale (issue 14 §4): a new rule set re-checks every stored classification.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://…/<a clone> \\
        EAGER_TASKS_ALLOWED=true python -m bench.reclassify [--batch-size 500] [--output NAME]

Run it on a clone of a benchmark database: it rewrites the clone. The loader stores every
classification as the current rule set computes it, so first the stored state is put back to
what rule set 2026.1 left (`REWIND`, SQL in one transaction — like the loader, the benchmark may
write past the services): version 2026.1, no dates (neither the classification's timeline nor
the items' "gilt ab"), and no Art. 26(11) and Art. 86 duties, which 2026.2 added for high-risk
use cases. Then `governance.reclassification.reclassify_all` runs as the Celery task runs it,
timed, counting its queries and sampling its memory; afterwards the result is checked: every
classification under the current rule set, exactly one new history row per rewritten
classification (each in the change log), and the board's list of changes.
Writes bench/results/<output>.json.
"""

import argparse
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent

ADDED_BY_2026_2 = ("art_26_11_inform_affected_persons", "art_86_explanation")
REWIND = [
    (
        "UPDATE governance_riskclassification SET rule_set_version = '2026.1', timeline = '[]',"
        " obligations = obligations - %s - %s",
        list(ADDED_BY_2026_2),
    ),
    (
        "UPDATE governance_obligationitem SET applies_from = NULL, applies_from_source = ''"
        " WHERE applies_from IS NOT NULL OR applies_from_source <> ''",
        [],
    ),
    ("DELETE FROM governance_obligationitem WHERE obligation IN (%s, %s)", list(ADDED_BY_2026_2)),
]
REASON = "Benchmark: Regelwerk 2026.2 (Digitaler Omnibus)"


class PeakMemory:
    """Samples this process's resident memory every 0.2 s while a step runs."""

    def __init__(self, rss_mb: Callable[[], float]) -> None:
        self.samples: list[float] = []
        self._rss_mb = rss_mb
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.samples.append(self._rss_mb())

    def __enter__(self) -> "PeakMemory":
        self.samples.append(self._rss_mb())
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(self._rss_mb())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--output", default="L-reclassify", help="bench/results/<output>.json")
    parser.add_argument(
        "--no-rewind", action="store_true", help="the clone is already in the 2026.1 state"
    )
    args = parser.parse_args(argv)
    django.setup()

    from django.db import connection, transaction
    from django.db.models import Count

    from bench.ledger import _rss_mb
    from governance import reclassification
    from governance.models import ReclassificationChange, RiskClassification
    from governance.risk import RULE_SET_VERSION
    from ledger.leaves import by_history_model
    from ledger.models import LogLeaf

    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()},
        "rule_set": RULE_SET_VERSION,
        "batch_size": args.batch_size,
    }
    if not args.no_rewind:
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            for statement, params in REWIND:
                cursor.execute(statement, params)
            cursor.execute("ANALYZE governance_obligationitem")
        results["rewind_seconds"] = round(time.monotonic() - started, 1)
    classifications = RiskClassification.objects.count()
    results["classifications"] = classifications
    history_model = RiskClassification.history.model
    history_before = history_model.objects.count()
    print(f"{classifications} classifications, {history_before} history rows", flush=True)

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    progress: list[tuple[float, int, float]] = []
    started = time.monotonic()
    cpu_started = time.process_time()

    def report(outcome: reclassification.Outcome) -> None:
        progress.append((time.monotonic() - started, outcome.checked, _rss_mb()))
        if len(progress) % 40 == 0:
            elapsed, checked, rss = progress[-1]
            print(f"  {checked} checked, {elapsed:.0f} s, {rss:.0f} MB", flush=True)

    with PeakMemory(_rss_mb) as memory, connection.execute_wrapper(count):
        outcome = reclassification.reclassify_all(
            reason=REASON, batch_size=args.batch_size, progress=report
        )
    seconds = time.monotonic() - started
    results["run"] = {
        "checked": outcome.checked,
        "rewritten": outcome.rewritten,
        "listed_for_board": outcome.changed,
        "unreadable": len(outcome.failed),
        "seconds": round(seconds, 1),
        "cpu_seconds_of_this_process": round(time.process_time() - cpu_started, 1),
        "ms_per_record": round(1000 * seconds / max(outcome.checked, 1), 3),
        "queries": queries,
        "queries_per_record": round(queries / max(outcome.checked, 1), 2),
        "peak_rss_mb": round(max(memory.samples), 1),
        "rss_mb_at_start": round(memory.samples[0], 1),
        # RSS at a quarter, half and three quarters of the records: flat means constant memory.
        "rss_mb_by_progress": [
            round(progress[int(len(progress) * q)][2], 1) for q in (0.25, 0.5, 0.75)
        ]
        if progress
        else [],
        "load_at_end": os.getloadavg(),
    }
    print(results["run"], flush=True)

    # The checks: nothing left under the old rule set, one history row per rewritten record.
    reasoned = history_model.objects.filter(history_change_reason=REASON)
    label = by_history_model()[history_model].history_label
    results["check"] = {
        "left_under_another_rule_set": RiskClassification.objects.exclude(
            rule_set_version=RULE_SET_VERSION
        ).count(),
        "history_rows_written": history_model.objects.count() - history_before,
        "history_rows_with_the_reason": reasoned.count(),
        "records_with_more_than_one": reasoned.values("id")
        .annotate(n=Count("history_id"))
        .filter(n__gt=1)
        .count(),
        "of_those_in_the_change_log": LogLeaf.objects.filter(
            history_model=label, history_id__in=reasoned.values("history_id")
        ).count(),
        "board_list_entries": ReclassificationChange.objects.filter(
            to_version=RULE_SET_VERSION
        ).count(),
    }
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000, 1)
    print(results["check"], flush=True)
    out = ROOT / "bench" / "results"
    (out / f"{args.output}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
