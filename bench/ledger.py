"""The change log at scale: its initial build, a full verification, and a write's extra cost.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://… EAGER_TASKS_ALLOWED=true \
        python -m bench.ledger [--workers 2] [--writes 200] [--skip-build] [--output L-ledger]

On a benchmark database (the loader writes history rows past the services, so the log starts
empty: the first step is the initial build). Each step records its wall time, the CPU time of
this process and its worker processes and of their PostgreSQL server processes (read from
/proc, so the database must run on this machine), the load average, and memory sampled every
second: this process's resident memory, each worker's, and the proportional set size of all of
them (shared pages counted once). "Constant memory" means none of it grows with the rows.
The write cost compares the same change (`governance.services.change_use_case` on random use
cases) with the log's hook connected and disconnected, interleaved so that other load hits
both alike. Writes bench/results/<output>.json.
"""

import argparse
import json
import os
import random
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _cpu_seconds(pid: int) -> float | None:
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / TICKS


def _rss_mb(pid: int | str = "self") -> float:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * PAGE / 1e6
    except OSError:
        return 0.0


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1000
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{thread}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:
        pass
    return found


def _backends(database: str) -> list[int]:
    """PostgreSQL server processes serving connections to `database`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read(200)
        except OSError:
            continue
        if command.startswith(b"postgres: ") and f" {database} ".encode() in command:
            found.append(int(entry))
    return found


class Usage:
    """Samples memory and CPU of this process, its workers and their database server processes
    every second while a step runs (more often costs this process noticeable CPU itself)."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.me = os.getpid()
        self.rss: list[float] = []
        self.worker_rss: list[float] = []
        self.pss: list[float] = []
        self.load: list[float] = []
        self.server_start: dict[int, float] = {}
        self.server_last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        workers = _children(self.me)
        self.rss.append(_rss_mb())
        self.worker_rss.append(max((_rss_mb(pid) for pid in workers), default=0.0))
        self.pss.append(_pss_mb(self.me) + sum(_pss_mb(pid) for pid in workers))
        self.load.append(os.getloadavg()[0])
        for pid in _backends(self.database):
            seconds = _cpu_seconds(pid)
            if seconds is not None:
                self.server_start.setdefault(pid, 0.0)
                self.server_last[pid] = seconds

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self._sample()

    def __enter__(self) -> "Usage":
        for pid in _backends(self.database):
            self.server_start[pid] = self.server_last[pid] = _cpu_seconds(pid) or 0.0
        self._cpu = self._own_cpu()
        self._wall = time.monotonic()
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.seconds = time.monotonic() - self._wall
        self.cpu = self._own_cpu() - self._cpu

    @staticmethod
    def _own_cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def summary(self, rows: int | None = None) -> dict[str, Any]:
        server = sum(self.server_last[pid] - self.server_start[pid] for pid in self.server_last)
        result: dict[str, Any] = {
            "seconds": round(self.seconds, 1),
            "cpu_seconds_python": round(self.cpu, 1),
            "cpu_seconds_postgresql": round(server, 1),
            "load_average": {
                "start": round(self.load[0], 1),
                "mean": round(sum(self.load) / len(self.load), 1),
                "max": round(max(self.load), 1),
            },
            "rss_mb": {"start": round(self.rss[0], 1), "peak": round(max(self.rss), 1)},
            "worker_rss_mb_peak": round(max(self.worker_rss), 1),
            "pss_mb_all_processes_peak": round(max(self.pss), 1),
        }
        if rows:
            result["cpu_ms_per_row_python"] = round(self.cpu * 1000 / rows, 3)
            result["cpu_ms_per_row_postgresql"] = round(server * 1000 / rows, 3)
        return result


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--output", default="L-ledger", help="bench/results/<output>.json")
    args = parser.parse_args(argv)
    django.setup()

    from django.db import connection, reset_queries
    from simple_history.signals import post_create_historical_record

    from governance.services import change_use_case
    from ledger.building import build_log
    from ledger.leaves import tracked_models
    from ledger.models import LogLeaf, LogTree
    from ledger.partition import plan_groups
    from ledger.services import enter_history_row
    from ledger.verification import verify
    from registry.models import UseCase

    database = connection.settings_dict["NAME"]
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_at_start": os.getloadavg()},
        "workers": args.workers,
    }
    history_rows = sum(t.history_model._default_manager.count() for t in tracked_models())
    results["history_rows"] = history_rows
    results["groups"] = len(plan_groups("default"))
    print(f"history rows: {history_rows}, groups: {results['groups']}", flush=True)

    if not args.skip_build:
        progress: list[tuple[float, int, float]] = []
        started = time.monotonic()
        printed = [0]

        def report(n: int) -> None:
            progress.append((time.monotonic() - started, n, _rss_mb()))
            if n - printed[0] >= 250_000:
                printed[0] = n
                print(f"  {n} entered, {progress[-1][0]:.0f} s, load {os.getloadavg()[0]:.1f}")

        with Usage(database) as usage:
            entered = build_log(workers=args.workers, progress=report)
        results["build"] = {
            "entered": entered,
            **usage.summary(entered),
            # This process's memory at a quarter, half and three quarters of the rows.
            "rss_mb_by_progress": [
                round(progress[int(len(progress) * q)][2], 1) for q in (0.25, 0.5, 0.75)
            ]
            if progress
            else [],
            "seconds_by_progress": [
                [round(seconds), rows]
                for seconds, rows, _ in progress[:: max(1, len(progress) // 8)]
            ],
            "trees": LogTree.objects.count(),
        }
        print(results["build"], flush=True)

    with Usage(database) as usage:
        report_ = verify(workers=args.workers, limit=50)
    leaves = LogLeaf.objects.count()
    results["verify"] = {
        "problems": report_.total,
        "leaves": leaves,
        **usage.summary(leaves),
    }
    print(results["verify"], flush=True)

    # A write with and without the log's hook, interleaved.
    ids = list(UseCase.objects.order_by("?").values_list("pk", flat=True)[: args.writes * 2])
    timings: dict[str, list[float]] = {"with_log": [], "without_log": []}
    queries: dict[str, list[int]] = {"with_log": [], "without_log": []}
    rng = random.Random(20)  # noqa: S311  (varied field values, not secrets)
    for n, pk in enumerate(ids):
        mode = "with_log" if n % 2 == 0 else "without_log"
        use_case = UseCase.objects.select_related("organisation").get(pk=pk)
        membership = use_case.organisation.memberships.filter(role="board").first()
        if membership is None:
            continue
        board = membership.user
        if mode == "without_log":
            post_create_historical_record.disconnect(dispatch_uid="ledger.enter_row")
        # connection.queries keeps the last 9,000 only: count from an empty log each time.
        reset_queries()
        connection.force_debug_cursor = True
        started = time.perf_counter()
        change_use_case(
            use_case, actor=board, reason="Benchmark", interfaces=f"Schnittstelle {rng.random()}"
        )
        timings[mode].append((time.perf_counter() - started) * 1000)
        queries[mode].append(len(connection.queries))
        connection.force_debug_cursor = False
        if mode == "without_log":
            post_create_historical_record.connect(
                enter_history_row, dispatch_uid="ledger.enter_row"
            )
    results["write"] = {
        mode: {
            "count": len(values),
            "median_ms": round(_percentile(values, 0.5), 2),
            "p95_ms": round(_percentile(values, 0.95), 2),
            "median_queries": sorted(queries[mode])[len(queries[mode]) // 2],
        }
        for mode, values in timings.items()
    }
    results["write"]["extra_p95_ms"] = round(
        results["write"]["with_log"]["p95_ms"] - results["write"]["without_log"]["p95_ms"], 2
    )
    results["write"]["extra_median_ms"] = round(
        results["write"]["with_log"]["median_ms"] - results["write"]["without_log"]["median_ms"], 2
    )
    results["write"]["load_at_end"] = os.getloadavg()
    print(results["write"], flush=True)
    # The rows written without the hook are not in the log: enter them, then check it again.
    results["catch_up_entered"] = build_log(workers=args.workers)
    results["verify_after_writes_problems"] = verify(workers=args.workers, limit=50).total
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000, 1)

    out = ROOT / "bench" / "results"
    (out / f"{args.output}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
