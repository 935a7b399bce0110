"""The benchmark harness at tier S, so that it cannot rot: generator, server, results files.

The figures are measurements, never asserted; only that the run completes and its results are
complete and well-formed. Needs PostgreSQL (COPY): CI's PostgreSQL leg runs it.
"""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.services]


@pytest.fixture
def throwaway_database_url() -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("The benchmark needs PostgreSQL; this leg runs on SQLite.")
    params = connection.settings_dict
    name = f"ki_register_bench_test_{uuid.uuid4().hex[:8]}"
    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres",
        user=params.get("USER") or "",
        password=params.get("PASSWORD") or "",
        host=params.get("HOST") or "",
        port=str(params.get("PORT") or ""),
    )
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    host = params.get("HOST") or "127.0.0.1"
    port = params.get("PORT") or 5432
    try:
        yield f"postgres://{user}{password}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Two harness runs (bench.run, then bench.personas) on a shared two-core machine.
@pytest.mark.timeout(900)
def test_benchmark_at_tier_s_writes_complete_results(throwaway_database_url, tmp_path):
    env = {**os.environ, "BENCH_DATABASE_URL": throwaway_database_url}
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "bench.run", "--tier", "S", "--quick", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads((tmp_path / "S.json").read_text(encoding="utf-8"))
    assert results["tier"] == "S"
    rows = results["dataset"]["rows"]
    assert rows["registry_usecase"] == 1500
    # The path's records, so that the board's maturity, portfolio and Fahrplan pages read data.
    for table in (
        "maturity_readinessassessment",
        "maturity_serviceassessment",
        "maturity_maturitymeasure",
        "portfolio_candidaterating",
        "portfolio_measurement",
    ):
        assert rows[table] > 0, table
        assert rows[f"{table.replace('_', '_historical', 1)}"] == rows[table], table
    assert results["floors"]["constant"]["status"] == "ok"
    # The board persona's organisation walks the whole path: its dashboard and Fahrplan are
    # measured with their maturity and outcome sections (bench.loader, `always`).
    with psycopg.connect(throwaway_database_url) as database:
        (largest,) = database.execute(
            "SELECT organisation_id FROM registry_usecase GROUP BY 1 ORDER BY count(*) DESC, 1 "
            "LIMIT 1"
        ).fetchone()
        for query in (
            "SELECT count(*) FROM maturity_readinessassessment WHERE organisation_id = %s",
            "SELECT count(*) FROM portfolio_measurement m JOIN registry_usecase u "
            "ON u.id = m.use_case_id WHERE u.organisation_id = %s",
        ):
            assert database.execute(query, [largest]).fetchone()[0] > 0, query
    dashboard = next(op for op in results["operations"] if op["name"] == "board_dashboard")
    # Compared with the same counts, lists and outcome figures by hand-written SQL.
    assert dashboard["floor"] == "board_dashboard"
    assert dashboard["floor_median_ms"] > 0
    names = {op["name"] for op in results["operations"]}
    assert {"public_search", "public_detail", "api_list_board", "risk_classification"} <= names
    assert {"board_portfolio", "board_roadmap", "board_maturity"} <= names
    for op in results["operations"]:
        # Every operation was measured or reported missing; none failed.
        assert op["status"] in {"ok", "not available"}, op
        if op["status"] == "ok":
            assert op["p95_ms"] >= op["median_ms"] > 0
    assert results["export"]["status"] in {"ok", "not available"}
    assert results["load"]["status"] in {"ok", "not available"}
    # Query counts are compared between cold requests; none may differ at tier S either.
    assert results["query_count_checks"], results.keys()
    assert all(check["independent"] for check in results["query_count_checks"].values())
    markdown = (tmp_path / "S.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Benchmark tier S")
    assert "| operation | median ms | p95 ms | queries |" in markdown
    # The signed-in personas (bench/personas.py) on the same data: every operation answered.
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "bench.personas", "--tier", "S", "--label", "test",
         "--requests", "2", "--warmup", "1", "--walk-pages", "2", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    personas = json.loads((tmp_path / "S-personas-test.json").read_text(encoding="utf-8"))
    assert set(personas["personas"]) == {
        "operator",
        "shared_auditor",
        "board_largest",
        "head_small",
    }
    for entry in personas["personas"].values():
        assert set(entry["operations"]) == {"list", "search", "detail", "history"}
        for op in entry["operations"].values():
            assert op["status"] == "ok", op
            assert op["floor_median_ms"] > 0
        assert entry["full_read"]["walk"]["status"] == "ok"
        assert entry["full_read"]["bulk"]["status"] == "ok"
        assert entry["full_read"]["bulk"]["rows"] == entry["full_read"]["floor"]["rows"]
