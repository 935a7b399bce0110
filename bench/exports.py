"""The standards' exports at a tier: each format streamed over the whole register.

    python -m bench.exports --database-url postgres://postgres@127.0.0.1:5432/<clone> \
        --label L-exports

Against a database that already holds the tier (it only reads; migrate it with the branch
first). Each format is downloaded once from gunicorn (one sync worker, bench.settings, served
as `bench.run` serves it; `/daten/standards/<format>/`, with the CSV download
`/daten/register.csv` as the reference in the same run), then written by `manage.py
export_register --format … --output FILE` in its own process with the same settings, as an
operator runs it. The harness samples the worker's and the process's resident memory every
20 ms from /proc. For each format: wall time, records written and records per second, bytes,
the process's RSS once the first bytes are written and its peak, the peak at each tenth of the
run (flat means streamed), and the same export of the smallest organisation with entries (what
the process needs without rows). The targets are the CSV export's (`bench.run.TARGETS["export"]`:
≤ 60 s, < 300 MB peak). Writes bench/results/<label>.json and .md.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import DEFAULT_DATABASE_URL, PYTHON, ROOT, TARGETS, Server, _env, _rss_mb, request

SAMPLE_SECONDS = 0.02


def _count(path: Path, code: str) -> int:
    """Records in an export file: JSON arrays hold one element per line, DCAT one dataset per
    dcat:Dataset node."""
    count = 0
    with path.open(encoding="utf-8") as document:
        for line in document:
            if code.startswith("dcat-ap-de"):
                count += line.count("dcat:Dataset") + line.count(
                    "http://www.w3.org/ns/dcat#Dataset"
                )
            elif line.startswith("{"):
                count += 1
    return count


def measure(env: dict[str, str], code: str, organisation: str | None = None) -> dict[str, Any]:
    """One export in its own process: time, size, records and the process's memory."""
    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / f"export.{code}"
        command = [PYTHON, "manage.py", "export_register", "--format", code]
        command += ["--output", str(output)]
        if organisation:
            command += ["--organisation", organisation]
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - fixed arguments
        peak = 0.0
        started_rss: float | None = None
        samples: list[tuple[float, float]] = []
        while process.poll() is None:
            rss = _rss_mb(process.pid)
            peak = max(peak, rss)
            if started_rss is None and output.exists() and output.stat().st_size > 0:
                started_rss = rss
            samples.append((round(time.monotonic() - started, 2), round(rss, 1)))
            time.sleep(SAMPLE_SECONDS)
        seconds = time.monotonic() - started
        size = output.stat().st_size if output.exists() else 0
        records = _count(output, code) if size else 0
    # The memory curve at tenths of the run: flat after the start means streamed.
    tenths = [
        max((rss for at, rss in samples if at <= seconds * step / 10), default=0.0)
        for step in range(1, 11)
    ]
    return {
        "format": code,
        "organisation": organisation,
        "exit_status": process.returncode,
        "seconds": round(seconds, 2),
        "bytes": size,
        "records": records,
        "records_per_second": round(records / seconds, 1) if seconds else None,
        "rss_after_start_mb": round(started_rss, 1) if started_rss is not None else None,
        "peak_rss_mb": round(peak, 1),
        "peak_rss_by_tenth_mb": tenths,
    }


def measure_http(server: Server, path: str) -> dict[str, Any]:
    """One download from gunicorn (one sync worker): time, size, whether it streamed, and the
    worker's RSS before and at its peak, sampled every 20 ms."""
    import threading

    [worker] = server.worker_pids()
    before = _rss_mb(worker)
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_mb(worker))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        status, headers, size, elapsed = request(server.port, "GET", path, sink=True)
    finally:
        done.set()
        sampler.join()
    return {
        "path": path,
        "http_status": status,
        "seconds": round(elapsed / 1000, 2),
        "bytes": size,
        "streamed": "content-length" not in headers,
        "worker_rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak, 1),
    }


def _smallest_organisation() -> str | None:
    from django.db.models import Count

    from accounts.models import Organisation

    row = (
        Organisation.objects.annotate(entries=Count("published_use_cases"))
        .filter(entries__gt=0)
        .order_by("entries", "pk")
        .values("slug")
        .first()
    )
    return row["slug"] if row else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KI-Register: the standards' exports at a tier")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--label", default="exports")
    parser.add_argument("--format", action="append", dest="formats", help="only these formats")
    parser.add_argument(
        "--no-http", action="store_true", help="only the command, no download from gunicorn"
    )
    args = parser.parse_args(argv)
    env = _env(args.database_url, os.devnull)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from interop.exports import FORMATS
    from registry.models import PublishedUseCase, UseCase

    codes = args.formats or list(FORMATS)
    published = PublishedUseCase.objects.count()
    high_risk = PublishedUseCase.objects.filter(risk_class=UseCase.RiskClass.HIGH_RISK).count()
    smallest = _smallest_organisation()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        row = cursor.fetchone()
        server_version = str(row[0]).split(",")[0] if row else "PostgreSQL"
    connection.close()
    target = TARGETS["export"]
    started_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    load_before = os.getloadavg()
    runs = []
    csv: dict[str, Any] | None = None
    served: dict[str, dict[str, Any]] = {}
    if not args.no_http:
        server = Server(env, workers=1)
        try:
            print("CSV (reference) over HTTP …", flush=True)
            csv = measure_http(server, "/daten/register.csv")
            print(f"  {csv}", flush=True)
            for code in codes:
                print(f"{code} over HTTP …", flush=True)
                served[code] = measure_http(server, f"/daten/standards/{code}/")
                print(f"  {served[code]}", flush=True)
        finally:
            server.stop()
    for code in codes:
        print(f"{code} …", flush=True)
        whole = measure(env, code)
        alone = measure(env, code, smallest) if smallest else None
        whole["target"] = target
        http = served.get(code)
        whole["http"] = http
        whole["meets_target"] = (
            whole["exit_status"] == 0
            and whole["seconds"] <= target["seconds"]
            and whole["peak_rss_mb"] < target["peak_rss_mb"]
            and (
                http is None
                or (
                    http["http_status"] == 200
                    and http["streamed"]
                    and http["seconds"] <= target["seconds"]
                    and http["peak_rss_mb"] < target["peak_rss_mb"]
                )
            )
        )
        whole["meets_memory_target"] = whole["peak_rss_mb"] < target["peak_rss_mb"]
        if alone is not None:
            whole["smallest_organisation"] = alone
            whole["peak_rss_over_smallest_mb"] = round(
                whole["peak_rss_mb"] - alone["peak_rss_mb"], 1
            )
        print(f"  {whole}", flush=True)
        runs.append(whole)
        # Written after every format: a run cut short still leaves what it measured.
        write_results(
            Path(args.out),
            {
                "label": args.label,
                "started_at": started_at,
                "machine": {
                    "cores": os.cpu_count(),
                    "python": platform.python_version(),
                    "postgresql": server_version,
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()],
                },
                "data": {"published": published, "high_risk_published": high_risk},
                "smallest_organisation": smallest,
                "target": target,
                "csv_reference": csv,
                "runs": runs,
                "formats_left": codes[len(runs) :],
            },
        )
    return 0 if all(run["meets_target"] for run in runs) else 1


def write_results(out: Path, results: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    label = results["label"]
    (out / f"{label}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / f"{label}.md").write_text(_markdown(results), encoding="utf-8")


def _markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    target = results["target"]
    lines = [
        f"# Exports in the transparency standards ({results['label']})",
        "",
        f"Run {results['started_at']} on {machine['cores']} cores, {machine['postgresql']}, "
        f"Python {machine['python']}. Load average before {machine['load_average_before']}, "
        f"after {machine['load_average_after']} (other work on the machine slows every figure).",
        "",
        f"Data: {results['data']['published']:,} published use cases, "
        f"{results['data']['high_risk_published']:,} of them high-risk (the Annex VIII export "
        "covers only those); DCAT describes one dataset per organisation with entries.",
        "",
        "Each format: downloaded from gunicorn (one sync worker; HTTP columns) and written by "
        "`manage.py export_register --format … --output FILE` in its own process (production "
        "settings); RSS sampled every 20 ms. Met: both within the targets, and streamed. "
        f"Target, the CSV export's: ≤ {target['seconds']} s and < {target['peak_rss_mb']} MB.",
        "",
        "| format | records | MB | s | records/s | RSS at start MB | peak RSS MB "
        "| peak, smallest organisation MB | HTTP s | HTTP worker RSS before → peak MB "
        "| target met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in results["runs"]:
        alone = run.get("smallest_organisation") or {}
        http = run["http"] or {"seconds": "–", "worker_rss_before_mb": "–", "peak_rss_mb": "–"}
        lines.append(
            f"| `{run['format']}` | {run['records']:,} | {run['bytes'] / 1e6:.1f} "
            f"| {run['seconds']} | {run['records_per_second']} | {run['rss_after_start_mb']} "
            f"| {run['peak_rss_mb']} | {alone.get('peak_rss_mb', '–')} "
            f"| {http['seconds']} | {http['worker_rss_before_mb']} → {http['peak_rss_mb']} "
            f"| {'yes' if run['meets_target'] else '**no**'} |"
        )
    csv = results["csv_reference"]
    if csv:
        lines += [
            "",
            f"The CSV export in the same run, for comparison (`{csv['path']}`, the same "
            f"gunicorn): {csv['bytes']:,} bytes in {csv['seconds']} s, streamed: "
            f"{csv['streamed']}, worker RSS {csv['worker_rss_before_mb']} → "
            f"{csv['peak_rss_mb']} MB.",
        ]
    if results.get("formats_left"):
        lines += [
            "",
            "Not measured in this run (cut short): "
            + ", ".join(f"`{code}`" for code in results["formats_left"])
            + ".",
        ]
    lines += ["", "Peak RSS at each tenth of the run (MB), the whole register:", ""]
    for run in results["runs"]:
        lines.append(f"- `{run['format']}`: {run['peak_rss_by_tenth_mb']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
