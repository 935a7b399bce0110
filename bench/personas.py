"""The signed-in personas of issue 16, each operation beside its floor in the same run.

    python -m bench.personas --tier M --label before      (make bench-personas TIER=M LABEL=…)

Personas: the installation's operator (a superuser), an auditor of a shared IT provider who holds
the auditor role in every organisation, a board member of the largest organisation and a
department head of a small one (bench.loader.ensure_cross_organisation_personas adds the first
two to the generated data). Operations per persona over the API: a list of 50, a search with a
different term per request, a use case's detail and history, and a full read (every record the
persona may see). Each has a floor: the same rows for the same user by hand-written SQL
(bench.instrumentation.persona_floor). The full read walks the list's pages of 100 (capped by
`--walk-pages`) and, where the address exists, reads the streamed bulk export too (at tier L
`--bulk-rows N` reads only about the newest N rows, export and floor alike, by `updated_after`).
Writes bench/results/<tier>-personas-<label>.json and .md.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.run import (
    DEFAULT_DATABASE_URL,
    PYTHON,
    ROOT,
    Operation,
    Server,
    _ensure_database,
    _env,
    _measure,
    _resolves,
    _rss_mb,
    _search_subjects,
    _session_cookie,
    request,
)

# Targets of issue 16 at tier L.
TARGETS: dict[str, dict[str, float]] = {
    "list": {"p95_ms": 150, "ratio_to_floor": 4},
    "search": {"p95_ms": 150, "ratio_to_floor": 4},
    "detail": {"p95_ms": 60, "ratio_to_floor": 4},
    "history": {"p95_ms": 60},
    "full_read": {"ms_per_row": 0.2},
}
# The export the issue asks for; measured when its address resolves.
BULK_PATH = "/api/v1/use-cases/export/"


def _pick_personas() -> dict[str, Any]:
    from django.db.models import Count

    from accounts.models import Membership, Organisation, User
    from bench import loader
    from registry.models import UseCase

    ids = loader.ensure_cross_organisation_personas()
    counted = Organisation.objects.annotate(n=Count("use_cases"))
    largest = counted.order_by("-n", "pk").first()
    assert largest is not None, "no benchmark data loaded"
    # A small organisation, but one with a few records: the tenth percentile of the sizes.
    sizes = sorted(counted.values_list("n", flat=True))
    small_size = max(sizes[len(sizes) // 10], 3)
    small = counted.filter(n__gte=small_size).order_by("n", "pk").first()
    assert small is not None
    board = (
        User.objects.filter(memberships__organisation=largest, memberships__role="board")
        .order_by("pk")
        .first()
    )
    head = (
        User.objects.filter(
            memberships__organisation=small,
            memberships__role=Membership.Role.DEPARTMENT_HEAD,
            memberships__departments__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    assert board is not None and head is not None

    def longest_history(use_cases: Any) -> int:
        row = (
            UseCase.history.model.objects.filter(id__in=use_cases.values("pk"))
            .values("id")
            .annotate(n=Count("history_id"))
            .order_by("-n", "id")
            .first()
        )
        return int(row["id"]) if row else int(use_cases.order_by("pk").first().pk)

    departments = head.memberships.values_list("departments", flat=True)
    in_largest = longest_history(UseCase.objects.filter(organisation=largest))
    in_small = longest_history(UseCase.objects.filter(department_id__in=departments))
    return {
        "operator": {
            "user": User.objects.get(pk=ids["operator"]),
            "label": "Betrieb (Superuser)",
            "detail": in_largest,
            "all": True,
        },
        "shared_auditor": {
            "user": User.objects.get(pk=ids["shared_auditor"]),
            "label": "Rechnungsprüfung eines IT-Dienstleisters (alle Organisationen)",
            "detail": in_largest,
        },
        "board_largest": {
            "user": board,
            "label": f"KI-Gremium der größten Organisation ({largest.name})",
            "detail": in_largest,
        },
        "head_small": {
            "user": head,
            "label": f"Fachbereichsleitung einer kleinen Organisation ({small.name})",
            "detail": in_small,
        },
    }


def _floor(name: str, persona: dict[str, Any], **params: Any) -> str:
    scope = {"all": 1} if persona.get("all") else {"user": persona["user"].pk}
    return f"/__bench__/persona-floor/{name}/?{urlencode({**scope, **params})}"


def _operations(key: str, persona: dict[str, Any]) -> list[tuple[Operation, Operation | None]]:
    user, uc = persona["user"], persona["detail"]
    terms = _search_subjects()
    return [
        (
            Operation(f"{key}:list", "Liste (50)", "/api/v1/use-cases/?page_size=50", "list", user),
            Operation("floor", "", _floor("persona_list", persona, limit=50), "floor"),
        ),
        (
            Operation(
                f"{key}:search",
                "Suche (50), jede Anfrage ein anderer Begriff",
                "/api/v1/use-cases/",
                "search",
                user,
                paths=[
                    "/api/v1/use-cases/?" + urlencode({"search": term, "page_size": 50})
                    for term in terms
                ],
            ),
            Operation(
                "floor",
                "",
                "",
                "floor",
                paths=[_floor("persona_search", persona, limit=50, q=term) for term in terms],
            ),
        ),
        (
            Operation(f"{key}:detail", "Detail", f"/api/v1/use-cases/{uc}/", "detail", user),
            Operation("floor", "", _floor("persona_detail", persona, id=uc), "floor"),
        ),
        (
            Operation(
                f"{key}:history", "Historie", f"/api/v1/use-cases/{uc}/history/", "history", user
            ),
            Operation("floor", "", f"/__bench__/floor/use_case_detail/?id={uc}", "floor"),
        ),
    ]


def _newest_since(user: Any, rows: int) -> str | None:
    """The updated_at from which about the newest `rows` use cases the user sees were changed
    (None: read them all), so that a bulk read at tier L can be measured on part of the data."""
    if rows <= 0:
        return None
    from registry.permissions import use_cases_visible_to

    newest = use_cases_visible_to(user).order_by("-updated_at", "-id")
    found = list(newest.values_list("updated_at", flat=True)[rows - 1 : rows])
    return found[0].isoformat() if found else None


def _sampled(server: Server, run: Any) -> tuple[Any, float, float]:
    """Run `run()` while sampling the workers' memory: its result, RSS before and peak (MB)."""
    baseline = {pid: _rss_mb(pid) for pid in server.worker_pids()}
    peak = dict(baseline)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in server.worker_pids():
                peak[pid] = max(peak.get(pid, 0.0), _rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = run()
    finally:
        done.set()
        sampler.join()
    grown = {pid: peak[pid] - baseline.get(pid, peak[pid]) for pid in peak}
    worker = max(grown, key=lambda pid: grown[pid]) if grown else None
    if worker is None:
        return result, 0.0, 0.0
    return result, round(baseline.get(worker, 0.0), 1), round(peak[worker], 1)


def _walk(port: int, cookie: str, max_pages: int) -> dict[str, Any]:
    """Follow the list's `next` links with pages of 100, up to max_pages pages."""
    path: str | None = "/api/v1/use-cases/?page_size=100"
    rows = pages = 0
    started = time.perf_counter()
    while path and pages < max_pages:
        status, _h, content, _t = request(port, "GET", path, headers={"Cookie": cookie})
        if status != 200 or not isinstance(content, bytes):
            return {"status": "error", "http_status": status}
        page = json.loads(content)
        rows += len(page["results"])
        pages += 1
        following = page.get("next")
        path = None
        if following:
            parts = urlsplit(following)
            path = f"{parts.path}?{parts.query}"
    seconds = time.perf_counter() - started
    return {
        "status": "ok",
        "pages": pages,
        "rows": rows,
        "complete": path is None,
        "seconds": round(seconds, 2),
        "ms_per_row": round(seconds * 1000 / max(rows, 1), 3),
    }


def _stream(port: int, path: str, cookie: str | None) -> dict[str, Any]:
    """Read a streamed NDJSON response to its end: rows (lines), bytes, seconds."""
    try:
        return _read_stream(port, path, cookie)
    except (OSError, http.client.HTTPException) as exc:
        # A worker killed mid-stream (gunicorn's timeout) ends the response early.
        return {"status": "error", "error": repr(exc)[:300]}


def _read_stream(port: int, path: str, cookie: str | None) -> dict[str, Any]:
    headers = {"Accept-Language": "de", **({"Cookie": cookie} if cookie else {})}
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    size = lines = 0
    while chunk := response.read(65536):
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    conn.close()
    return {
        "status": "ok" if response.status == 200 else "error",
        "http_status": response.status,
        "rows": lines,
        "bytes": size,
        "seconds": round(seconds, 2),
        "ms_per_row": round(seconds * 1000 / max(lines, 1), 4),
        "streamed": response.getheader("Content-Length") is None,
    }


def _judge(result: dict[str, Any], floor: dict[str, Any] | None, kind: str) -> None:
    if result.get("status") != "ok":
        return
    if floor and floor.get("median_ms"):
        result["floor_median_ms"] = floor["median_ms"]
        result["floor_p95_ms"] = floor["p95_ms"]
        result["ratio_to_floor"] = round(result["median_ms"] / floor["median_ms"], 2)
    target = TARGETS.get(kind, {})
    if "p95_ms" in target:
        verdict = result["p95_ms"] <= target["p95_ms"]
        if "ratio_to_floor" in target and "ratio_to_floor" in result:
            verdict = verdict and result["ratio_to_floor"] <= target["ratio_to_floor"]
        result["target"] = target
        result["meets_target"] = verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KI-Register benchmark: signed-in personas")
    parser.add_argument("--tier", choices=["S", "M", "L"], default="M")
    parser.add_argument("--label", default="latest", help="file suffix: before, after, …")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--requests", type=int, default=30, help="timed requests per operation")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--walk-pages", type=int, default=100, help="pages of 100 per walk")
    parser.add_argument("--only", default="", help="comma-separated persona keys")
    parser.add_argument(
        "--bulk-rows",
        type=int,
        default=0,
        help="read only about the newest N rows in the bulk read and its floor, by updated_after "
        "(0: all rows)",
    )
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / f".{args.tier}-personas-queries.tmp"
    _ensure_database(args.database_url)
    env = _env(args.database_url, str(log_path))
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import subprocess

    import django

    django.setup()

    from bench import loader

    subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    dataset = loader.loaded_tier()
    if not dataset or dataset.get("tier") != args.tier:
        print(f"The database holds no tier {args.tier}: run `make bench TIER={args.tier}` first.")
        return 2
    started_at = datetime.datetime.now(tz=datetime.UTC)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    personas = _pick_personas()
    if args.only:
        personas = {k: v for k, v in personas.items() if k in args.only.split(",")}
    cookies = {key: _session_cookie(p["user"]) for key, p in personas.items()}

    server = Server(env, args.workers)
    port = server.port
    results: dict[str, Any] = {}
    try:
        for key, persona in personas.items():
            cookie = cookies[key]
            entry: dict[str, Any] = {
                "label": persona["label"],
                "user_id": persona["user"].pk,
                "use_case_id": persona["detail"],
                "operations": {},
            }
            for op, floor_op in _operations(key, persona):
                # Interleaved: the floor right after the operation, in the same conditions.
                result = _measure(port, op, cookie, args.requests, args.warmup)
                floor = (
                    _measure(port, floor_op, None, args.requests, args.warmup) if floor_op else None
                )
                _judge(result, floor, op.kind)
                entry["operations"][op.kind] = {"label": op.label, "path": op.path, **result}
                print(
                    f"  {op.name:26} median {result.get('median_ms')} ms, "
                    f"p95 {result.get('p95_ms')} ms, {result.get('queries')} queries; "
                    f"floor {result.get('floor_median_ms')} ms",
                    flush=True,
                )
            walk, before, peak = _sampled(
                server, lambda cookie=cookie: _walk(port, cookie, args.walk_pages)
            )
            full: dict[str, Any] = {
                "walk": {**walk, "worker_rss_before_mb": before, "peak_rss_mb": peak}
            }
            scope: dict[str, Any] = (
                {"all": 1} if persona.get("all") else {"user": persona["user"].pk}
            )
            since = _newest_since(persona["user"], args.bulk_rows)
            narrowed = {"updated_after": since} if since else {}
            if since:
                full["updated_after"] = since
            floor_path = f"/__bench__/persona-floor/full-read/?{urlencode({**scope, **narrowed})}"
            floor_stream = _stream(port, floor_path, None)
            full["floor"] = floor_stream
            if _resolves(BULK_PATH):
                bulk_path = BULK_PATH + (f"?{urlencode(narrowed)}" if narrowed else "")
                bulk, before, peak = _sampled(
                    server, lambda cookie=cookie, path=bulk_path: _stream(port, path, cookie)
                )
                if bulk["status"] == "ok" and floor_stream["status"] == "ok":
                    floor_seconds = max(floor_stream["seconds"], 1e-3)
                    bulk["ratio_to_floor"] = round(bulk["seconds"] / floor_seconds, 2)
                full["bulk"] = {**bulk, "worker_rss_before_mb": before, "peak_rss_mb": peak}
            entry["full_read"] = full
            print(f"  {key}:full_read {json.dumps(full)}", flush=True)
            results[key] = entry
            _write(out, args, dataset, started_at, load_at_start, results)
    finally:
        server.stop()
        log_path.unlink(missing_ok=True)

    _write(out, args, dataset, started_at, load_at_start, results)
    return 0


def _write(
    out: Path,
    args: argparse.Namespace,
    dataset: dict[str, Any],
    started_at: datetime.datetime,
    load_at_start: list[float],
    results: dict[str, Any],
) -> None:
    """Write the results so far (after every persona: a run cut short keeps what it measured)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
    report = {
        "tier": args.tier,
        "label": args.label,
        "started_at": started_at.isoformat(),
        "finished_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            "gunicorn_workers": args.workers,
            "requests_per_operation": args.requests,
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "dataset": {k: dataset[k] for k in ("tier", "rows") if k in dataset},
        "personas": results,
    }
    name = f"{args.tier}-personas-{args.label}"
    (out / f"{name}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (out / f"{name}.md").write_text(markdown(report), encoding="utf-8")
    print(f"Wrote {out / (name + '.json')} and .md")


def markdown(report: dict[str, Any]) -> str:
    """The persona results as a Markdown table per persona."""
    machine = report["machine"]
    rows = report["dataset"].get("rows", {})
    lines = [
        f"# Signed-in personas, tier {report['tier']} ({report['label']})",
        "",
        f"Run {report['started_at'][:19]} UTC on {machine['cpus']} cores shared with other "
        f"engineers' work (load average {machine['load_average_at_start']} at start, "
        f"{machine['load_average_at_end']} at end: figures are noisy), "
        f"{machine['postgresql'].split(' on ')[0]}, gunicorn with {machine['gunicorn_workers']} "
        f"sync workers, {machine['requests_per_operation']} timed requests per operation, "
        "each operation followed by its floor (the same rows for the same user by hand-written "
        "SQL). "
        f"Data: {rows.get('registry_usecase', 0):,} use cases, "
        f"{rows.get('accounts_organisation', 0):,} organisations.",
        "",
    ]
    for key, entry in report["personas"].items():
        lines += [
            f"## {entry['label']} (`{key}`, user {entry['user_id']})",
            "",
            "| operation | median ms | p95 ms | queries | floor median ms | × floor | target "
            "| met |",
            "|---|---:|---:|---:|---:|---:|---|---|",
        ]
        for op in entry["operations"].values():
            if op.get("status") != "ok":
                lines.append(
                    f"| {op['label']} | {op.get('status')} {op.get('http_status')} | | | | | | |"
                )
                continue
            target = op.get("target") or {}
            text = ", ".join(
                f"p95 ≤ {v} ms" if k == "p95_ms" else f"≤ {v}× floor" for k, v in target.items()
            )
            met = {True: "yes", False: "**no**"}.get(op.get("meets_target"), "–")
            lines.append(
                f"| {op['label']} | {op['median_ms']} | {op['p95_ms']} | {op.get('queries')} | "
                f"{op.get('floor_median_ms', '–')} | {op.get('ratio_to_floor', '–')} | {text} "
                f"| {met} |"
            )
        full = entry.get("full_read", {})
        walk = full.get("walk", {})
        floor = full.get("floor", {})
        lines.append("")
        if walk.get("status") == "ok":
            lines.append(
                f"Full read by walking the list (pages of 100): {walk['rows']:,} rows in "
                f"{walk['pages']} pages, {walk['seconds']} s, **{walk['ms_per_row']} ms per row**"
                + ("" if walk["complete"] else " (stopped at the page cap)")
                + f"; worker RSS {walk['worker_rss_before_mb']} → {walk['peak_rss_mb']} MB."
            )
        bulk = full.get("bulk")
        narrowed = f"?updated_after={full['updated_after']}" if full.get("updated_after") else ""
        if bulk and bulk.get("status") == "ok":
            lines.append(
                f"Bulk read `{BULK_PATH}{narrowed}` (NDJSON): {bulk['rows']:,} rows, "
                f"{bulk['bytes']:,} bytes "
                f"in {bulk['seconds']} s, **{bulk['ms_per_row']} ms per row** "
                f"({bulk['ratio_to_floor']}× floor), streamed: {bulk['streamed']}, worker RSS "
                f"{bulk['worker_rss_before_mb']} → {bulk['peak_rss_mb']} MB "
                f"(target ≤ {TARGETS['full_read']['ms_per_row']} ms per row, memory flat)."
            )
        if floor:
            lines.append(
                f"Floor (hand-written SQL in chunks of 1,000, NDJSON, the same rows): "
                f"{floor.get('rows', 0):,} "
                f"rows in {floor.get('seconds')} s, {floor.get('ms_per_row')} ms per row."
            )
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
