"""A small closed-loop HTTP load generator: N threads, a fixed time, a mix of requests.

Run as its own process so that timing the server does not share an interpreter with it:

    python -m bench.loadgen --plan plan.json --concurrency 16 --seconds 30

The plan is a JSON list of requests ({"method", "path", "headers", "body", "weight",
"expect": [status, …]}); the result (requests/s, latency percentiles, errors) goes to stdout
as JSON.
Requests only go to the loopback address given in the plan's "host".
"""

import argparse
import http.client
import json
import random
import threading
import time
from typing import Any


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a list of numbers (0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(len(ordered), rank) - 1]


def run(plan: dict[str, Any], concurrency: int, seconds: float) -> dict[str, Any]:
    host, port = plan["host"], int(plan["port"])
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("The load generator only targets the loopback address.")
    requests = plan["requests"]
    weights = [r.get("weight", 1) for r in requests]
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - picks requests, not secrets
        local: list[float] = []
        local_status: dict[str, int] = {}
        local_errors: list[str] = []
        while time.monotonic() < deadline:
            spec = rng.choices(requests, weights)[0]
            body = spec.get("body")
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request(
                    spec.get("method", "GET"),
                    spec["path"],
                    body=json.dumps(body).encode() if body is not None else None,
                    headers=spec.get("headers", {}),
                )
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError as exc:
                local_errors.append(f"{spec['path']}: {exc}")
                continue
            local.append((time.perf_counter() - started) * 1000)
            local_status[str(status)] = local_status.get(str(status), 0) + 1
            if status not in spec.get("expect", [200]):
                local_errors.append(f"{spec['path']}: HTTP {status}")
        with lock:
            latencies.extend(local)
            for key, value in local_status.items():
                statuses[key] = statuses.get(key, 0) + value
            errors.extend(local_errors)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "median_ms": round(percentile(latencies, 0.5), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "errors": len(errors),
        "error_examples": errors[:10],
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True, help="JSON file with host, port and requests")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with open(args.plan, encoding="utf-8") as source:
        plan = json.load(source)
    print(json.dumps(run(plan, args.concurrency, args.seconds)))


if __name__ == "__main__":
    main()
