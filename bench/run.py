"""The benchmark: KI-Register under gunicorn on PostgreSQL at tier S, M or L.

    python -m bench.run --tier M            (or: make bench TIER=M)

Loads the tier with `generate_benchmark_data` unless the database already holds it, serves
config.wsgi under gunicorn with bench.settings (the production settings plus the instrumentation),
measures every operation that exists in the tree (an operation whose address does not resolve is
reported as "not available"), its SQL query count (counted server-side by bench.instrumentation),
a floor measured in the same run (the raw SQL that fetches the same rows plus json.dumps, and a
bare view returning a constant), the streamed CSV export with the server's peak memory, and a
mixed public load from a second process.
Writes bench/results/<tier>.json and bench/results/<tier>.md.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.loadgen import percentile

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ki_register_bench"

# Targets of issue 8, at tier L on two cores.
TARGETS = {
    "list": {"p95_ms": 150, "ratio_to_floor": 4},
    "detail": {"p95_ms": 60},
    "not_modified": {"p95_ms": 20},
    "export": {"seconds": 60, "peak_rss_mb": 300},
    "load": {"requests_per_second": 200, "p95_ms": 300, "errors": 0},
}
# Tables whose sequential scan in a list query fails the EXPLAIN check.
BIG_TABLES = (
    "registry_usecase",
    "registry_historicalusecase",
    "registry_publishedusecase",
    "registry_historicalpublishedusecase",
    "registry_usecasegroupobjectpermission",
)
RISK_FACTS = {
    "is_ai_system": True,
    "annex_iii_points": ["5a"],
    "role": "deployer",
}


@dataclass
class Operation:
    name: str
    label: str
    path: str
    kind: str  # list, detail, not_modified, action
    user: Any = None
    method: str = "GET"
    body: Any = None
    floor: tuple[str, dict[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200
    # Addresses to cycle through instead of `path`: every request a different one.
    paths: list[str] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


def _env(database_url: str, log_path: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": os.environ.get(
            "BENCH_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
        ),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "KI_REGISTER_BENCH_LOG": log_path,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    # The measured requests send no tasks; production refuses to start without a broker otherwise.
    env["EAGER_TASKS_ALLOWED"] = "true"
    return env


def _ensure_database(database_url: str) -> None:
    """Create the benchmark's database when it does not exist yet."""
    import psycopg
    from psycopg import sql

    base, _slash, name = database_url.rpartition("/")
    name = name.split("?")[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn serving config.wsgi on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.port = _free_port()
        self.workers = workers
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _h, _b, _t = request(self.port, "GET", "/__bench__/constant/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: Any = None,
    sink: bool = False,
) -> tuple[int, dict[str, str], bytes | int, float]:
    """One request on a fresh connection: status, headers, body (or its size), milliseconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    all_headers = {"Accept-Language": "de", **(headers or {})}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=all_headers)
    response = conn.getresponse()
    if sink:
        size = 0
        while chunk := response.read(65536):
            size += len(chunk)
        content: bytes | int = size
    else:
        content = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, content, elapsed


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def _session_cookie(user: Any) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # A password-login session: the identity provider's sessions would be sent to re-confirm.
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    try:
        from accounts.oidc import AUTHENTICATED_AT

        store[AUTHENTICATED_AT] = time.time()
    except ImportError:
        pass
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _measure(
    port: int, op: Operation, cookie: str | None, count: int, warmup: int
) -> dict[str, Any]:
    headers = {**op.headers}
    if cookie:
        headers["Cookie"] = cookie
    latencies: list[float] = []
    queries: set[int] = set()
    status = 0
    size = 0
    for index in range(warmup + count):
        path = op.paths[index % len(op.paths)] if op.paths else op.path
        status, response_headers, content, elapsed = request(
            port, op.method, path, headers=headers, body=op.body
        )
        if status != op.expect:
            snippet = content[:300].decode(errors="replace") if isinstance(content, bytes) else ""
            return {"status": "error", "http_status": status, "body": snippet}
        if index >= warmup:
            latencies.append(elapsed)
            if "x-bench-queries" in response_headers:
                queries.add(int(response_headers["x-bench-queries"]))
        size = len(content) if isinstance(content, bytes) else content
    return {
        "status": "ok",
        "http_status": status,
        "requests": count,
        "median_ms": round(percentile(latencies, 0.5), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "queries": max(queries) if queries else None,
        "queries_vary": len(queries) > 1,
        "response_bytes": size,
    }


def _trace(port: int, op: Operation, cookie: str | None, log_path: Path) -> list[str]:
    """The SQL statements one request of the operation ran, from the server's trace log."""
    request_id = uuid.uuid4().hex
    headers = {**op.headers, "X-Bench-Trace": "1", "X-Bench-Id": request_id}
    if cookie:
        headers["Cookie"] = cookie
    request(port, op.method, op.path, headers=headers, body=op.body, sink=True)
    for _attempt in range(50):
        for line in log_path.read_text(encoding="utf-8").splitlines() if log_path.exists() else []:
            entry = json.loads(line)
            if entry.get("id") == request_id:
                return list(entry.get("sql", []))
        time.sleep(0.1)
    return []


def _explain(statements: list[str]) -> list[dict[str, Any]]:
    from django.db import connection

    plans = []
    for statement in statements:
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        if not any(table in statement for table in BIG_TABLES):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        seq = sorted({t for t in BIG_TABLES if re.search(rf"Seq Scan on {t}\b", plan)})
        plans.append({"sql": statement, "plan": plan, "seq_scans": seq})
    return plans


def _open_change_logs(personas: dict[str, Any]) -> int:
    """Give the measured organisations the internal change log a real installation has.

    The loader writes history past the log (`manage.py build_history_log` enters it: 17 min at
    tier L, `L-ledger.md`). The board's pages keep what they derive from an organisation's
    records under the root of its log (portfolio.caching); without a log they compute it on
    every request. One tracked save of each measured organisation (its name, unchanged) opens
    its log, as any change of a real installation would. Returns how many were opened.
    """
    from accounts import services as account_services
    from ledger.selectors import organisation_version

    opened = 0
    for organisation in {personas["largest"], personas["smallest"]}:
        if organisation_version(organisation.pk) is None:
            account_services.update_organisation(
                organisation,
                actor=None,
                reason="Benchmark: Änderungsprotokoll der gemessenen Organisation",
                name=organisation.name,
            )
            opened += 1
    return opened


def _personas() -> dict[str, Any]:
    from django.db.models import Count

    from accounts.models import Membership, Organisation, User
    from registry.models import PublishedUseCase, UseCase

    largest = Organisation.objects.annotate(n=Count("use_cases")).order_by("-n", "pk").first()
    smallest = Organisation.objects.annotate(n=Count("use_cases")).order_by("n", "pk").first()
    assert largest is not None and smallest is not None, "no benchmark data loaded"
    heads = Membership.objects.filter(role="department_head")
    head = (
        User.objects.filter(memberships__in=heads.filter(organisation=largest))
        .annotate(d=Count("memberships__departments"))
        .order_by("-d", "pk")
        .first()
    )
    small_head = (
        User.objects.filter(memberships__in=heads.filter(organisation=smallest))
        .order_by("pk")
        .first()
    )
    board = (
        User.objects.filter(memberships__organisation=largest, memberships__role="board")
        .order_by("pk")
        .first()
    )
    small_board = (
        User.objects.filter(memberships__organisation=smallest, memberships__role="board")
        .order_by("pk")
        .first()
    )
    departments = list(head.memberships.values_list("departments", flat=True)) if head else []
    own = UseCase.objects.filter(department_id__in=departments)
    longest = (
        UseCase.history.model.objects.filter(id__in=own.values("pk"))
        .values("id")
        .annotate(n=Count("history_id"))
        .order_by("-n", "id")
        .first()
    )
    detail = UseCase.objects.filter(pk=longest["id"]).first() if longest else None
    detail = detail or UseCase.objects.order_by("pk").first()
    longest = (
        PublishedUseCase.history.model.objects.filter(organisation_id=largest.pk)
        .values("use_case_id")
        .annotate(n=Count("history_id"))
        .order_by("-n", "use_case_id")
        .first()
    )
    published = (
        PublishedUseCase.objects.filter(use_case_id=longest["use_case_id"]).first()
        if longest
        else PublishedUseCase.objects.order_by("pk").first()
    )
    return {
        "largest": largest,
        "smallest": smallest,
        "head": head,
        "small_head": small_head,
        "board": board,
        "small_board": small_board,
        "detail": detail,
        "published": published,
        "sample_published": list(
            PublishedUseCase.objects.order_by("?").values_list("use_case_id", flat=True)[:200]
        ),
    }


def _operations(p: dict[str, Any]) -> list[Operation]:
    head, board, detail, published = p["head"], p["board"], p["detail"], p["published"]
    term, risk = "Wohngeld", "minimal"
    pub_id = published.use_case_id if published else 0
    uc_id = detail.pk if detail else 0
    return [
        Operation(
            "public_search",
            "Öffentliche Startseite mit Suchbegriff und Filter",
            "/?" + urlencode({"q": term, "risiko": risk}),
            "list",
            floor=("public_search", {"term": term, "risk": risk, "limit": 20}),
        ),
        Operation(
            "public_search_varied",
            "Öffentliche Startseite, jede Anfrage eine andere Suche (nie aus dem Seiten-Cache)",
            "/",
            "list",
            paths=_varied_searches(),
        ),
        Operation(
            "public_detail",
            "Öffentliche Detailseite mit Änderungsprotokoll",
            f"/anwendungsfaelle/{pub_id}/",
            "detail",
            floor=("public_detail", {"id": pub_id}),
        ),
        Operation(
            "public_not_modified",
            "Bedingter GET (304) der Detailseite",
            f"/anwendungsfaelle/{pub_id}/",
            "not_modified",
            expect=304,
        ),
        Operation(
            "api_list_department_head",
            "API-Liste (50) für eine Fachbereichsleitung",
            "/api/v1/use-cases/?page_size=50",
            "list",
            user=head,
            floor=("use_case_api_list", {"user": head.pk, "limit": 50}),
        ),
        Operation(
            "api_list_board",
            "API-Liste (50) für ein Gremiumsmitglied",
            "/api/v1/use-cases/?page_size=50",
            "list",
            user=board,
            floor=("use_case_api_list", {"user": board.pk, "limit": 50}),
        ),
        Operation(
            "api_list_public",
            "Öffentliche API-Liste (50), anonym",
            "/api/v1/public/use-cases/?page_size=50",
            "list",
            floor=("public_list", {"limit": 50}),
        ),
        Operation(
            "api_search_public_varied",
            "Öffentliche API-Suche (50), jede Anfrage ein anderer Begriff",
            "/api/v1/public/use-cases/",
            "list",
            # A page size of 48 to 50 makes every address new: nothing is answered from a cache.
            paths=[
                "/api/v1/public/use-cases/?" + urlencode({"search": subject, "page_size": size})
                for size in (50, 49, 48)
                for subject in _search_subjects()
            ],
        ),
        Operation(
            "api_detail",
            "API-Detail eines Anwendungsfalls",
            f"/api/v1/use-cases/{uc_id}/",
            "detail",
            user=head,
            floor=("use_case_detail", {"id": uc_id}),
        ),
        Operation(
            "api_history",
            "API-Historie eines Anwendungsfalls",
            f"/api/v1/use-cases/{uc_id}/history/",
            "detail",
            user=head,
            floor=("use_case_detail", {"id": uc_id}),
        ),
        Operation(
            "my_use_cases",
            "„Meine Anwendungsfälle“ (Arbeitsbereich) einer Fachbereichsleitung",
            "/arbeitsbereich/",
            "list",
            user=head,
            floor=("use_case_list", {"user": head.pk, "limit": 50}),
        ),
        Operation(
            "board_dashboard",
            "Übersicht des KI-Gremiums",
            "/gremium/",
            "list",
            user=board,
            # The same counts, lists and outcome figures by hand-written SQL.
            floor=("board_dashboard", {"org": p["largest"].pk}),
        ),
        Operation(
            "board_portfolio",
            "Auswahl von Anwendungsfällen (Portfolio) der größten Organisation",
            "/gremium/auswahl/?" + urlencode({"organisation": p["largest"].slug}),
            "list",
            user=board,
        ),
        Operation(
            "board_roadmap",
            "Fahrplan 2027 der größten Organisation",
            f"/gremium/reifegrad/{p['largest'].slug}/fahrplan/",
            "list",
            user=board,
        ),
        Operation(
            "board_maturity",
            "Ergebnis der Standortbestimmung (mit Verteilung über alle Organisationen)",
            f"/gremium/reifegrad/{p['largest'].slug}/",
            "list",
            user=board,
        ),
        Operation(
            "risk_classification",
            "Risikoeinstufung (POST)",
            "/api/v1/risk-classification/",
            "action",
            method="POST",
            body=RISK_FACTS,
        ),
    ]


def _search_subjects() -> list[str]:
    """The first word of every subject the generated titles name, once each."""
    from bench.vocabulary import ACTIONS

    subjects = [subject.split()[0] for _action, _prep, items in ACTIONS for subject in items]
    return list(dict.fromkeys(subjects))


def _varied_searches() -> list[str]:
    """Searches that differ in every request: subjects of the generated titles by risk class."""
    risks = ["minimal", "high_risk", "transparency", "unclassified"]
    return [
        "/?" + urlencode({"q": subject, "risiko": risk})
        for risk in risks
        for subject in _search_subjects()
    ]


def _floor_op(name: str, params: dict[str, Any]) -> Operation:
    return Operation(
        f"floor:{name}", name, f"/__bench__/floor/{name}/?{urlencode(params)}", "floor"
    )


def _export(server: Server, port: int, log_path: Path) -> dict[str, Any]:
    path = "/daten/register.csv"
    if not _resolves(path):
        return {"status": "not available", "path": path}
    from registry.models import PublishedUseCase

    baseline = {pid: _rss_mb(pid) for pid in server.worker_pids()}
    peak: dict[int, float] = dict(baseline)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in server.worker_pids():
                peak[pid] = max(peak.get(pid, 0.0), _rss_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    request_id = uuid.uuid4().hex
    try:
        status, headers, size, elapsed = request(
            port, "GET", path, headers={"X-Bench-Id": request_id}, sink=True
        )
    finally:
        done.set()
        sampler.join()
    queries = None
    for line in log_path.read_text(encoding="utf-8").splitlines() if log_path.exists() else []:
        entry = json.loads(line)
        if entry.get("id") == request_id:
            queries = entry["queries"]
    # The worker that served the export is the one whose memory grew most.
    grown = {pid: peak[pid] - baseline.get(pid, peak[pid]) for pid in peak}
    worker = max(grown, key=lambda pid: grown[pid]) if grown else None
    return {
        "status": "ok" if status == 200 else "error",
        "http_status": status,
        "path": path,
        "rows": PublishedUseCase.objects.count(),
        "bytes": size,
        "seconds": round(elapsed / 1000, 2),
        "streamed": "content-length" not in headers,
        "queries": queries,
        "worker_rss_before_mb": round(baseline.get(worker, 0.0), 1) if worker else None,
        "peak_rss_mb": round(peak[worker], 1) if worker else None,
    }


def _load(
    port: int,
    p: dict[str, Any],
    concurrency: int,
    seconds: float,
    not_modified: dict[str, str] | None,
) -> dict[str, Any]:
    requests: list[dict[str, Any]] = []
    for term, risk in (("", ""), ("Chatbot", ""), ("Wohngeld", "minimal"), ("", "high_risk")):
        query = urlencode({k: v for k, v in {"q": term, "risiko": risk}.items() if v})
        requests.append({"path": "/?" + query if query else "/", "weight": 2})
    for use_case_id in p["sample_published"][:100]:
        requests.append({"path": f"/anwendungsfaelle/{use_case_id}/", "weight": 0.3})
    requests.append({"path": "/api/v1/public/use-cases/?page_size=50", "weight": 2})
    if not_modified:
        requests.append({**not_modified, "expect": [304], "weight": 2})
    requests.append(
        {"method": "POST", "path": "/api/v1/risk-classification/", "body": RISK_FACTS,
         "headers": {"Content-Type": "application/json"}, "weight": 1}
    )  # fmt: skip
    available = [r for r in requests if _resolves(r["path"])]
    if not available:
        return {"status": "not available"}
    for item in available:
        item.setdefault("headers", {})["Accept-Language"] = "de"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as plan_file:
        json.dump({"host": "127.0.0.1", "port": port, "requests": available}, plan_file)
    try:
        output = subprocess.run(  # noqa: S603 - fixed arguments
            [PYTHON, "-m", "bench.loadgen", "--plan", plan_file.name,
             "--concurrency", str(concurrency), "--seconds", str(seconds)],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=seconds + 120,
        ).stdout  # fmt: skip
    finally:
        os.unlink(plan_file.name)
    result: dict[str, Any] = json.loads(output)
    result["status"] = "ok"
    result["mix"] = sorted(
        {
            r["path"].split("?")[0]
            if "anwendungsfaelle" not in r["path"]
            else "/anwendungsfaelle/<id>/"
            for r in available
        }
    )
    return result


def _floor_key(op: Operation) -> str:
    """A floor per query and parameters: the board's list is compared with the board's rows."""
    assert op.floor is not None
    name, params = op.floor
    return name if "user" not in params else f"{name}:user={params['user']}"


def _judge(op: Operation, floors: dict[str, dict[str, Any]], constant: dict[str, Any]) -> None:
    result = op.result
    if result.get("status") != "ok":
        return
    if op.floor:
        floor = floors.get(_floor_key(op), {})
        if floor.get("median_ms"):
            result["floor"] = _floor_key(op)
            result["floor_median_ms"] = floor["median_ms"]
            result["ratio_to_floor"] = round(result["median_ms"] / floor["median_ms"], 2)
    if constant.get("median_ms"):
        result["ratio_to_constant"] = round(result["median_ms"] / constant["median_ms"], 2)
    target = TARGETS.get(op.kind)
    if target:
        result["target"] = target
        verdict = result["p95_ms"] <= target["p95_ms"]
        if "ratio_to_floor" in target and "ratio_to_floor" in result:
            verdict = verdict and result["ratio_to_floor"] <= target["ratio_to_floor"]
        result["meets_target"] = verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="KI-Register benchmark")
    parser.add_argument("--tier", choices=["S", "M", "L"], default="S")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--requests", type=int, default=50, help="timed requests per operation")
    parser.add_argument("--warmup", type=int, default=8, help="untimed requests first")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--quick", action="store_true", help="few requests, short load (tests)")
    parser.add_argument("--no-explain", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.warmup, args.load_seconds = 3, 1, 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / f".{args.tier}-queries.tmp"
    log_path.unlink(missing_ok=True)
    _ensure_database(args.database_url)
    env = _env(args.database_url, str(log_path))
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from bench import loader

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL.", file=sys.stderr)
        return 2
    started_at = datetime.datetime.now(tz=datetime.UTC)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    dataset = loader.loaded_tier()
    if not dataset or dataset.get("tier") != args.tier:
        print(f"Loading tier {args.tier} …", flush=True)
        subprocess.run(  # noqa: S603 - fixed arguments
            [PYTHON, "manage.py", "generate_benchmark_data", "--tier", args.tier, "--reset"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        dataset = loader.loaded_tier()
    print("Collecting static files …", flush=True)
    subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    personas = _personas()
    change_logs = _open_change_logs(personas)
    if change_logs:
        print(f"Change logs opened for {change_logs} measured organisations", flush=True)
    cookies: dict[int, str] = {}
    for key in ("head", "board", "small_head", "small_board"):
        if personas[key] is not None:
            cookies[personas[key].pk] = _session_cookie(personas[key])
    operations = _operations(personas)

    server = Server(env, args.workers)
    port = server.port
    try:
        print(f"gunicorn on 127.0.0.1:{port} with {args.workers} workers", flush=True)
        # Floors first: the bare view, then each raw-SQL query.
        constant = _measure(
            port, Operation("constant", "", "/__bench__/constant/", "floor"), None,
            args.requests, args.warmup,
        )  # fmt: skip
        floors: dict[str, dict[str, Any]] = {"constant": constant}
        for op in operations:
            if op.floor and _floor_key(op) not in floors:
                floor_op = _floor_op(*op.floor)
                floors[_floor_key(op)] = {
                    **_measure(port, floor_op, None, args.requests, args.warmup),
                    "path": floor_op.path,
                }
        not_modified_plan: dict[str, Any] | None = None
        for op in operations:
            if not _resolves(op.path):
                op.result = {"status": "not available"}
                print(f"  {op.name:28} not available", flush=True)
                continue
            cookie = cookies.get(op.user.pk) if op.user is not None else None
            if op.kind == "not_modified":
                status, headers, _c, _t = request(port, "GET", op.path)
                validators = {}
                if "etag" in headers:
                    validators["If-None-Match"] = headers["etag"]
                if "last-modified" in headers:
                    validators["If-Modified-Since"] = headers["last-modified"]
                if status != 200 or not validators:
                    op.result = {"status": "not available", "note": "no ETag/Last-Modified"}
                    continue
                op.headers.update(validators)
                not_modified_plan = {"path": op.path, "headers": validators}
            op.result = _measure(port, op, cookie, args.requests, args.warmup)
            _judge(op, floors, constant)
            if op.result["status"] == "ok" and not args.no_explain and op.kind == "list":
                op.result["explain"] = _explain(_trace(port, op, cookie, log_path))
                op.result["seq_scans"] = sorted(
                    {t for plan in op.result["explain"] for t in plan["seq_scans"]}
                )
            print(
                f"  {op.name:28} {op.result.get('status'):6} "
                f"median {op.result.get('median_ms')} ms, p95 {op.result.get('p95_ms')} ms, "
                f"{op.result.get('queries')} queries",
                flush=True,
            )

        # Query counts must not depend on page size or on how many permissions a user holds.
        # Both sides of each comparison are cold requests (the worker's cache emptied first),
        # so a cached answer on one side cannot pass for independence.
        def cold_queries(path: str, user: Any) -> int:
            headers: dict[str, str] = {"X-Bench-Cold": "1"}
            if user is not None:
                headers["Cookie"] = cookies[user.pk]
            _s, response_headers, _c, _t = request(port, "GET", path, headers=headers)
            return int(response_headers.get("x-bench-queries", -1))

        checks: dict[str, Any] = {}
        by_name = {op.name: op for op in operations}
        comparisons: list[tuple[str, str, str, Any, Any]] = (
            [
                (
                    name,
                    f"fewer permissions ({label})",
                    by_name[name].path,
                    by_name[name].user,
                    other,
                )
                for name, other, label in (
                    (
                        "api_list_board",
                        personas["small_board"],
                        "board of the smallest organisation",
                    ),
                    (
                        "api_list_department_head",
                        personas["small_head"],
                        "head in the smallest organisation",
                    ),
                    ("my_use_cases", personas["small_head"], "head in the smallest organisation"),
                    (
                        "board_dashboard",
                        personas["small_board"],
                        "board of the smallest organisation",
                    ),
                )
            ]
            + [
                (
                    name,
                    "fewer use cases (board of the smallest organisation)",
                    by_name[name].path.replace(personas["largest"].slug, personas["smallest"].slug),
                    by_name[name].user,
                    personas["small_board"],
                )
                for name in ("board_portfolio", "board_roadmap", "board_maturity")
            ]
            + [
                (
                    name,
                    "page size 10 instead of 50",
                    by_name[name].path.replace("page_size=50", "page_size=10"),
                    by_name[name].user,
                    by_name[name].user,
                )
                for name in ("api_list_department_head", "api_list_board", "api_list_public")
            ]
        )
        for name, label, other_path, user, other_user in comparisons:
            op = by_name[name]
            if op.result.get("status") != "ok" or (user is not None and other_user is None):
                continue
            reference = cold_queries(op.path, user)
            queries = cold_queries(other_path, other_user)
            checks[f"{name}: {label}"] = {
                "queries": queries,
                "reference": reference,
                "independent": queries == reference,
            }

        print("CSV export …", flush=True)
        export = _export(server, port, log_path)
        if export.get("status") == "ok":
            export["target"] = TARGETS["export"]
            # The target is for 336,000 use cases; smaller tiers are scaled linearly.
            export["seconds_per_100k_rows"] = round(
                export["seconds"] / max(export["rows"], 1) * 100_000, 2
            )
            export["meets_target"] = (
                export["seconds"] <= TARGETS["export"]["seconds"]
                and (export["peak_rss_mb"] or 0) <= TARGETS["export"]["peak_rss_mb"]
            )
        print(f"  {export}", flush=True)
        print(
            f"Mixed public load: {args.concurrency} clients for {args.load_seconds} s …", flush=True
        )
        load = _load(port, personas, args.concurrency, args.load_seconds, not_modified_plan)
        if load.get("status") == "ok":
            target = TARGETS["load"]
            load["target"] = target
            load["meets_target"] = (
                load["requests_per_second"] >= target["requests_per_second"]
                and load["p95_ms"] <= target["p95_ms"]
                and load["errors"] == 0
            )
        print(f"  { ({k: v for k, v in load.items() if k != 'error_examples'}) }", flush=True)
    finally:
        server.stop()
        log_path.unlink(missing_ok=True)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    results = {
        "tier": args.tier,
        "started_at": started_at.isoformat(),
        "finished_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            "shared_buffers": shared_buffers,
            "gunicorn_workers": args.workers,
            "requests_per_operation": args.requests,
            # Other processes on the machine (test suites, browsers) slow every figure down.
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "dataset": dataset,
        "personas": {
            "largest_organisation": personas["largest"].name,
            "department_head_id": personas["head"].pk if personas["head"] else None,
            "board_member_id": personas["board"].pk if personas["board"] else None,
            "use_case_id": personas["detail"].pk if personas["detail"] else None,
            "published_use_case_id": personas["published"].use_case_id
            if personas["published"]
            else None,
        },
        "floors": floors,
        "operations": [
            {
                "name": op.name,
                "label": op.label,
                "kind": op.kind,
                "method": op.method,
                "path": op.path,
                **op.result,
            }
            for op in operations
        ],
        "query_count_checks": checks,
        "export": export,
        "load": load,
    }
    (out / f"{args.tier}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (out / f"{args.tier}.md").write_text(markdown(results), encoding="utf-8")
    print(f"Wrote {out / (args.tier + '.json')} and {out / (args.tier + '.md')}")
    return 0


def _cell(value: Any, suffix: str = "") -> str:
    return "–" if value is None else f"{value}{suffix}"


def markdown(results: dict[str, Any]) -> str:
    """The results as a Markdown report: tables first, EXPLAIN plans at the end."""
    dataset = results.get("dataset") or {}
    rows = dataset.get("rows", {})
    lines = [
        f"# Benchmark tier {results['tier']}",
        "",
        f"Run {results['started_at'][:19]} UTC on {results['machine']['cpus']} cores, "
        f"{results['machine']['postgresql'].split(' on ')[0]} (shared_buffers "
        f"{results['machine']['shared_buffers']}), gunicorn with "
        f"{results['machine']['gunicorn_workers']} sync workers, "
        f"{results['machine']['requests_per_operation']} timed requests per operation. "
        f"Load average of the machine at start {results['machine'].get('load_average_at_start')}, "
        f"at end {results['machine'].get('load_average_at_end')} (other work on the machine "
        "slows every figure).",
        "",
        f"Data: {rows.get('registry_usecase', 0):,} use cases, "
        f"{rows.get('registry_historicalusecase', 0):,} use-case history rows, "
        f"{rows.get('accounts_organisation', 0):,} organisations, "
        f"{rows.get('accounts_user', 0):,} users, "
        f"{rows.get('registry_publishedusecase', 0):,} published; generated in "
        f"{dataset.get('seconds', {}).get('total', '–')} s ({dataset.get('seconds', {})}).",
        "",
        "| operation | median ms | p95 ms | queries | floor ms | × floor | × constant | target "
        "| met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for op in results["operations"]:
        if op.get("status") != "ok":
            detail = op.get("status", "")
            if op.get("http_status"):
                detail += f" (HTTP {op['http_status']})"
            lines.append(f"| {op['label']} | {detail} | | | | | | | |")
            continue
        target = op.get("target") or {}
        target_text = ", ".join(
            f"p95 ≤ {v} ms" if k == "p95_ms" else f"≤ {v}× floor" for k, v in target.items()
        )
        met = {True: "yes", False: "**no**"}.get(op.get("meets_target"), "–")
        lines.append(
            f"| {op['label']} | {op['median_ms']} | {op['p95_ms']} | {_cell(op.get('queries'))} | "
            f"{_cell(op.get('floor_median_ms'))} | {_cell(op.get('ratio_to_floor'))} | "
            f"{_cell(op.get('ratio_to_constant'))} | {target_text} | {met} |"
        )
    constant = results["floors"].get("constant", {})
    lines += [
        "",
        f"Constant floor (bare Django view): median {constant.get('median_ms')} ms, "
        f"p95 {constant.get('p95_ms')} ms.",
        "",
        "## CSV export of the whole register",
        "",
    ]
    export = results["export"]
    if export.get("status") == "ok":
        lines.append(
            f"{export['rows']:,} rows, {export['bytes']:,} bytes in {export['seconds']} s "
            f"({export['seconds_per_100k_rows']} s per 100,000 rows), streamed: "
            f"{export['streamed']}, {export['queries']} queries, server worker RSS "
            f"{export['worker_rss_before_mb']} MB before, peak {export['peak_rss_mb']} MB. "
            f"Target ≤ 60 s and < 300 MB: {'met' if export.get('meets_target') else '**not met**'}."
        )
    else:
        lines.append(f"{export.get('status')}")
    load = results["load"]
    lines += ["", "## Mixed public load", ""]
    if load.get("status") == "ok":
        lines.append(
            f"{load['concurrency']} concurrent clients for {load['seconds']} s from a second "
            f"process: {load['requests']:,} requests, {load['requests_per_second']} requests/s, "
            f"median {load['median_ms']} ms, p95 {load['p95_ms']} ms, p99 {load['p99_ms']} ms, "
            f"{load['errors']} errors (statuses {load['statuses']}). "
            f"Mix: {', '.join(load['mix'])}. "
            f"Target ≥ 200 requests/s, p95 ≤ 300 ms, no errors: "
            f"{'met' if load.get('meets_target') else '**not met**'}."
        )
    else:
        lines.append(str(load.get("status")))
    lines += [
        "",
        "## Query counts",
        "",
        "| check | queries | reference | independent |",
        "|---|---:|---:|---|",
    ]
    for name, check in results["query_count_checks"].items():
        lines.append(
            f"| {name} | {check['queries']} | {check['reference']} | "
            f"{'yes' if check['independent'] else '**no**'} |"
        )
    lines += ["", "## EXPLAIN of the list queries", ""]
    for op in results["operations"]:
        plans = op.get("explain")
        if not plans:
            continue
        seq = op.get("seq_scans") or []
        lines.append(
            f"### {op['label']}: "
            + (
                "no sequential scan of the big tables"
                if not seq
                else f"**sequential scan of {', '.join(seq)}**"
            )
        )
        lines.append("")
        for plan in plans:
            lines += ["```sql", plan["sql"], "```", "", "```", plan["plan"], "```", ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
