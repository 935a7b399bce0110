"""The write benchmark: KI-Register's write path under gunicorn, Celery and Redis at tier S, M or L.

    python -m bench.write --tier L            (or: make bench-write TIER=L)

Like bench.run it serves config.wsgi under gunicorn (bench.write_settings: bench.settings plus a
loopback webhook receiver and the file mail backend) on a database that holds the tier; unlike
it, tasks go through Redis (REDIS_URL, database --redis-db) to real Celery workers. Measured:

1. Department heads saving the guided form's "Verantwortung" step (workspace: session and CSRF
   cookies, version token; 409 when someone saved in between) and PATCHing the API (If-Match;
   412 when stale), half and half, at 16 and 64 concurrent clients, each client in its own
   organisation and all in the largest one (where they share records through permission grants).
   Every organisation has a webhook endpoint, live use cases are republished on each edit. Each
   run is followed by the same load against the floor (bench.write_floor: the same rows by
   hand-written SQL in one transaction) and by the checks: every accepted write is in the
   history and follows the version its client read (no lost update), nothing refused was
   written, no deadlock (pg_stat_database), no error.
2. The workflow under load: submissions, sign-offs and decisions of different use cases in
   parallel through the API, each once, and their floor.
3. Webhook fan-out with two Celery workers and a local HTTP receiver (bench.receiver): one change
   with 50 receivers, then 10,000 queued events; deliveries per second and the delay from the
   commit to the first attempt.
4. Transparency reports rendered by a worker: the largest organisation's, and the reports of 500
   municipalities requested at once (an IT provider's installation); time and the worker's peak
   memory.
5. The review reminders of every organisation in one run of the beat's task, in this process:
   time, queries, mails (counted in the file backend's directory) and a second run that must
   send nothing.

Writes bench/results/<tier>-write.json and .md. Never run against a database you need: it
writes into it (clone the tier first, see README).
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.loadgen import percentile
from bench.run import (
    DEFAULT_DATABASE_URL,
    PYTHON,
    ROOT,
    Server,
    _env,
    _free_port,
    _rss_mb,
    _session_cookie,
    request,
)

TARGETS = {"write_p95_ms_at_16": 200, "errors": 0, "deadlocks": 0, "lost_updates": 0}
STEP = "verantwortung"
ACCEPTED = {"form": {302}, "api": {200}, "floor": {200}}
STALE = {"form": {409}, "api": {412}, "floor": set()}


def _csrf() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(percentile(values, 0.5), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "max_ms": round(max(values), 1) if values else 0.0,
    }


def _deadlocks() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


# -- processes ----------------------------------------------------------------------------------


class Workers:
    """Celery workers (`celery -A config worker`), each its own process with its own pool."""

    def __init__(self, env: dict[str, str], count: int, concurrency: int, log_dir: Path) -> None:
        self.processes = []
        for index in range(count):
            log = open(log_dir / f"worker-{index}.log", "w", encoding="utf-8")  # noqa: SIM115
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments
                    [
                        PYTHON,
                        "-m",
                        "celery",
                        "-A",
                        "config",
                        "worker",
                        "--loglevel",
                        "WARNING",
                        "--concurrency",
                        str(concurrency),
                        "--without-mingle",
                        "--without-gossip",
                        "--hostname",
                        f"bench{index}@%h",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def pids(self) -> list[int]:
        """Every process of the workers: the main processes and their pool children."""
        pids = []
        for process in self.processes:
            pids.append(process.pid)
            children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
            with contextlib.suppress(OSError):
                pids.extend(int(p) for p in children.read_text().split())
        return pids

    def wait_ready(self, app: Any) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if len(replies) >= len(self.processes):
                return
        raise RuntimeError("the Celery workers did not answer within 90 s")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class Sampler:
    """The peak resident memory of each of a set of processes, sampled every 20 ms."""

    def __init__(self, pids: Any) -> None:
        self.pids = pids
        self.peak: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.done.is_set():
            for pid in self.pids():
                self.peak[pid] = max(self.peak.get(pid, 0.0), _rss_mb(pid))
            time.sleep(0.02)

    def __enter__(self) -> "Sampler":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()

    def max_mb(self) -> float:
        return round(max(self.peak.values(), default=0.0), 1)


def _receiver_lines(path: Path) -> list[tuple[float, int]]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        arrived, delivery, _event = line.split(" ")
        if delivery.isdigit():
            lines.append((float(arrived), int(delivery)))
    return lines


# -- set-up -------------------------------------------------------------------------------------


def _board_actor() -> Any:
    """The installation's operator: it sits on every board (accounts.roles.is_board_member)."""
    from accounts.models import User
    from bench import loader

    ids = loader.ensure_cross_organisation_personas()
    return User.objects.get(pk=ids["operator"])


def _ensure_endpoint(organisation: Any, actor: Any, url: str, count: int = 1) -> None:
    from registry.models import WebhookEndpoint
    from registry.webhooks.endpoints import (
        create_webhook_endpoint,
        delete_webhook_endpoint,
        update_webhook_endpoint,
    )

    # An earlier run's endpoints point at its receiver: this run's receiver gets them.
    for endpoint in WebhookEndpoint.objects.filter(
        organisation=organisation, description__startswith="Benchmark-Empfänger"
    ).exclude(url=url):
        update_webhook_endpoint(endpoint, actor=actor, url=url, reason="Neuer Lasttest-Empfänger")
    mine = WebhookEndpoint.objects.filter(organisation=organisation, url=url).order_by("pk")
    for surplus in mine[count:]:
        delete_webhook_endpoint(surplus, actor=actor)
    have = mine.count()
    for index in range(have, count):
        create_webhook_endpoint(
            actor=actor,
            organisation=organisation,
            url=url,
            events=list(WebhookEndpoint.Event.values),
            description=f"Benchmark-Empfänger {index + 1}",
        )


def _editable_use_cases(membership: Any, limit: int) -> list[int]:
    from registry.models import UseCase

    return list(
        UseCase.objects.filter(
            department__in=membership.departments.all(),
            workflow_state__in=("draft", "approved", "in_operation"),
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def _setup(receiver_url: str, clients: int, log: Any) -> dict[str, Any]:
    """Organisations, people and records of the write load; endpoints and grants it needs."""
    from django.db.models import Count

    from accounts.models import Membership, Organisation
    from registry import permissions
    from registry import services as registry_services
    from registry.models import UseCase

    operator = _board_actor()
    counted = Organisation.objects.annotate(n=Count("use_cases"))
    largest = counted.order_by("-n", "pk").first()
    assert largest is not None, "no benchmark data loaded"

    heads = Membership.objects.filter(
        role=Membership.Role.DEPARTMENT_HEAD, departments__isnull=False
    ).distinct()
    # Different organisations: the first head with editable records in each of `clients` others.
    different: list[dict[str, Any]] = []
    fanout: dict[str, Any] | None = None
    for membership in (
        heads.exclude(organisation=largest)
        .select_related("user", "organisation")
        .order_by("organisation_id", "pk")
        .iterator(chunk_size=500)
    ):
        if any(c["organisation"] == membership.organisation_id for c in different):
            continue
        if fanout is not None and membership.organisation_id == fanout["organisation"]:
            continue
        pool = _editable_use_cases(membership, 4)
        if not pool:
            continue
        entry = {
            "user": membership.user,
            "organisation": membership.organisation_id,
            "pool": pool,
            "org": membership.organisation,
        }
        if fanout is None:
            fanout = entry
            continue
        different.append(entry)
        if len(different) >= clients:
            break
    assert fanout is not None and different, "no department head with editable use cases"
    # The same organisation: its heads, each with its own records and, through permission
    # grants, four shared ones that every client writes too (so that writes collide).
    same: list[dict[str, Any]] = []
    for membership in heads.filter(organisation=largest).select_related("user").order_by("pk"):
        pool = _editable_use_cases(membership, 3)
        if pool:
            same.append({"user": membership.user, "organisation": largest.pk, "pool": pool})
        if len(same) >= clients:
            break
    hot = list(
        UseCase.objects.filter(organisation=largest, workflow_state="in_operation")
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    log(f"  granting {len(same)} heads change access to {len(hot)} shared use cases …")
    for person in same:
        for pk in hot:
            use_case = UseCase.objects.get(pk=pk)
            if not permissions.user_has_perm(person["user"], use_case, permissions.CHANGE):
                registry_services.grant_use_case_access(
                    use_case,
                    actor=operator,
                    user=person["user"],
                    permission=permissions.CHANGE,
                    reason="Vertretung im Lasttest",
                )
        person["pool"] = [*person["pool"], *hot]
    log(f"  webhook endpoints for {len(different) + 2} organisations …")
    _ensure_endpoint(largest, operator, receiver_url)
    for entry in different:
        _ensure_endpoint(entry["org"], operator, receiver_url)
    _ensure_endpoint(fanout["org"], operator, receiver_url, count=50)
    return {
        "largest": largest,
        "different": different,
        "same": same,
        "hot": hot,
        "fanout": fanout,
        "operator": operator,
    }


# -- 1. concurrent edits ------------------------------------------------------------------------


def _run_plan(plan: dict[str, Any], work: Path) -> tuple[float, list[dict[str, Any]]]:
    plan_path = work / f"plan-{plan['run']}.json"
    out_path = work / f"out-{plan['run']}.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "bench.writeload", "--plan", str(plan_path), "--out", str(out_path)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    records = json.loads(out_path.read_text(encoding="utf-8"))
    return float(records[0]["elapsed"]), records[1:]


def _check_history(records: list[dict[str, Any]], run: str) -> dict[str, Any]:
    """Every accepted write in the history, right after the version its client read."""
    from registry.models import UseCase

    history = UseCase.history.model
    use_cases = sorted({r["use_case"] for r in records})
    sequences: dict[int, list[str]] = {}
    for pk, value in (
        history.objects.filter(id__in=use_cases)
        .order_by("id", "history_id")
        .values_list("id", "technical_contact")
    ):
        sequence = sequences.setdefault(pk, [])
        if not sequence or sequence[-1] != value:
            sequence.append(value)
    predecessor: dict[str, str] = {}
    in_history: set[str] = set()
    for sequence in sequences.values():
        for before, value in zip(["\0", *sequence], sequence, strict=False):
            if value.startswith(f"{run}-"):
                in_history.add(value)
                predecessor[value] = before
    accepted = [r for r in records if r.get("status") in ACCEPTED[r["mode"]]]
    refused = [r for r in records if r.get("status") in STALE[r["mode"]]]
    missing = [r["token"] for r in accepted if r["token"] not in in_history]
    lost = [
        r["token"]
        for r in accepted
        if r["token"] in predecessor and predecessor[r["token"]] != r.get("read")
    ]
    written_refused = [r["token"] for r in refused if r["token"] in in_history]
    return {
        "accepted": len(accepted),
        "refused_stale": len(refused),
        "accepted_in_history": len(accepted) - len(missing),
        "missing_from_history": missing[:10],
        "lost_updates": len(lost),
        "lost_update_examples": lost[:10],
        "refused_but_written": written_refused[:10],
        "ok": not missing and not lost and not written_refused,
    }


def _clients(
    entries: list[dict[str, Any]], count: int, cookies: dict[int, str], mode: str | None
) -> list[dict[str, Any]]:
    clients = []
    for index in range(count):
        entry = entries[index % len(entries)]
        user = entry["user"]
        if user.pk not in cookies:
            cookies[user.pk] = _session_cookie(user)
        client_mode = mode or ("form" if index % 2 == 0 else "api")
        clients.append(
            {
                "cookie": cookies[user.pk],
                "csrf": _csrf(),
                "mode": client_mode,
                "pool": entry["pool"],
                "actor": user.pk,
                "expect": sorted(ACCEPTED[client_mode] | STALE[client_mode]),
            }
        )
    return clients


def _summarise(records: list[dict[str, Any]], elapsed: float) -> dict[str, Any]:
    writes = [r["write_ms"] for r in records if "write_ms" in r]
    by_mode: dict[str, Any] = {}
    for mode in sorted({r["mode"] for r in records}):
        mine = [r for r in records if r["mode"] == mode]
        by_mode[mode] = {
            "writes": len([r for r in mine if "write_ms" in r]),
            "write": _stats([r["write_ms"] for r in mine if "write_ms" in r]),
            "read": _stats([r["read_ms"] for r in mine if r.get("read_ms")]),
        }
    statuses: dict[str, int] = {}
    for r in records:
        statuses[str(r.get("status"))] = statuses.get(str(r.get("status")), 0) + 1
    errors = [r for r in records if r.get("status") not in ACCEPTED[r["mode"]] | STALE[r["mode"]]]
    return {
        "seconds": round(elapsed, 1),
        "writes": len(writes),
        "writes_per_second": round(len(writes) / elapsed, 1) if elapsed else 0.0,
        "write": _stats(writes),
        "by_mode": by_mode,
        "statuses": statuses,
        "errors": len(errors),
        "error_examples": [
            {k: r.get(k) for k in ("mode", "use_case", "status", "phase", "body", "error")}
            for r in errors[:5]
        ],
    }


def edits(
    port: int, setup: dict[str, Any], concurrencies: list[int], seconds: float, work: Path, log: Any
) -> list[dict[str, Any]]:
    cookies: dict[int, str] = {}
    results = []
    for scenario, label in (
        ("different", "verschiedene Organisationen"),
        ("same", "dieselbe Organisation"),
    ):
        entries = setup[scenario]
        for concurrency in concurrencies:
            run = f"wb{int(time.time())}{scenario[0]}{concurrency}"
            deadlocks_before = _deadlocks()
            load_before = [round(x, 2) for x in os.getloadavg()]
            base = {"host": "127.0.0.1", "port": port, "seconds": seconds, "step": STEP}
            elapsed, records = _run_plan(
                {**base, "run": run, "clients": _clients(entries, concurrency, cookies, None)}, work
            )
            deadlocks = _deadlocks() - deadlocks_before
            summary = _summarise(records, elapsed)
            check = _check_history(records, run)
            floor_elapsed, floor_records = _run_plan(
                {
                    **base,
                    "run": run + "f",
                    "clients": _clients(entries, concurrency, cookies, "floor"),
                },
                work,
            )
            floor = _summarise(floor_records, floor_elapsed)
            result = {
                "scenario": scenario,
                "label": label,
                "concurrency": concurrency,
                "clients_organisations": len({e["organisation"] for e in entries[:concurrency]}),
                "distinct_users": len({e["user"].pk for e in entries[:concurrency]}),
                "use_cases": len({pk for e in entries[:concurrency] for pk in e["pool"]}),
                **summary,
                "deadlocks": deadlocks,
                "history_check": check,
                "floor": {k: floor[k] for k in ("writes", "writes_per_second", "write", "errors")},
                "ratio_to_floor_p95": round(
                    summary["write"]["p95_ms"] / max(floor["write"]["p95_ms"], 0.01), 2
                ),
                "load_average": [load_before, [round(x, 2) for x in os.getloadavg()]],
            }
            if concurrency == 16:
                result["target"] = {"p95_ms": TARGETS["write_p95_ms_at_16"]}
            result["meets_target"] = (
                (concurrency != 16 or summary["write"]["p95_ms"] <= TARGETS["write_p95_ms_at_16"])
                and summary["errors"] == 0
                and deadlocks == 0
                and check["ok"]
            )
            log(
                f"  {scenario:9} {concurrency:3} clients: {summary['writes']} writes "
                f"({summary['writes_per_second']}/s), p95 {summary['write']['p95_ms']} ms "
                f"(floor {floor['write']['p95_ms']} ms), {check['refused_stale']} stale, "
                f"{summary['errors']} errors, {deadlocks} deadlocks, history ok: {check['ok']}"
            )
            results.append(result)
    return results


def _statement_kinds(statements: list[str]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for sql in statements:
        word = sql.split(None, 1)[0].upper() if sql.strip() else "?"
        kinds[word] = kinds.get(word, 0) + 1
    return dict(sorted(kinds.items()))


def statements(setup: dict[str, Any]) -> dict[str, Any]:
    """SQL statements of one API PATCH and one guided-form save of a live use case, in-process
    (Django's test client, the same views and services as under gunicorn), by kind."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.writeload import step_form
    from registry.models import UseCase

    entry = next(
        (
            e
            for e in setup["different"]
            if UseCase.objects.filter(
                pk__in=e["pool"], workflow_state__in=("approved", "in_operation")
            ).exists()
        ),
        setup["different"][0],
    )
    use_case = UseCase.objects.filter(pk__in=entry["pool"]).order_by("-workflow_state").first()
    assert use_case is not None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(entry["user"])
    token = f"st{int(time.time())}"
    path = f"/api/v1/use-cases/{use_case.pk}/"
    etag = client.get(path)["ETag"]
    with CaptureQueriesContext(connection) as patch:
        response = client.patch(
            path,
            {"technical_contact": f"{token}-api", "reason": "Zählung der Anweisungen"},
            content_type="application/json",
            HTTP_IF_MATCH=etag,
        )
    patch_status = response.status_code
    form_path = f"/arbeitsbereich/{use_case.pk}/schritt/{STEP}/"
    fields = step_form(client.get(form_path).content.decode()) or []
    sent = {k: (f"{token}-form" if k == "technical_contact" else v) for k, v in fields}
    with CaptureQueriesContext(connection) as form:
        response = client.post(form_path, {**sent, "action": "save"})
    form_status = response.status_code
    patch_sql = [q["sql"] for q in patch.captured_queries]
    form_sql = [q["sql"] for q in form.captured_queries]
    return {
        "use_case": use_case.pk,
        "workflow_state": use_case.workflow_state,
        "api_patch": {
            "status": patch_status,
            "statements": len(patch_sql),
            "by_kind": _statement_kinds(patch_sql),
        },
        "form_save": {
            "status": form_status,
            "statements": len(form_sql),
            "by_kind": _statement_kinds(form_sql),
        },
    }


# -- 2. workflow --------------------------------------------------------------------------------


def _workflow_jobs(per_kind: int, exclude: set[int]) -> dict[str, list[dict[str, Any]]]:
    """One-shot transitions of different use cases: (actor, job) per submission, sign-off and
    decision, each allowed by the workflow's rules for that actor."""
    from accounts.models import Membership
    from governance import workflow
    from governance.models import RiskClassification, SignOff
    from governance.selectors import current_submission
    from registry.models import UseCase

    jobs: dict[str, list[dict[str, Any]]] = {"submit": [], "sign_off": [], "decide": []}
    used: set[int] = set(exclude)

    def holder(
        organisation: int, role: str, *, not_user: int | None = None, department: int | None = None
    ) -> Any:
        memberships = Membership.objects.filter(organisation_id=organisation, role=role)
        if department is not None:
            memberships = memberships.filter(departments=department)
        if not_user is not None:
            memberships = memberships.exclude(user_id=not_user)
        membership = memberships.select_related("user").order_by("pk").first()
        return membership.user if membership else None

    classified = RiskClassification.objects.values("use_case_id")
    for use_case in (
        UseCase.objects.filter(workflow_state="draft", pk__in=classified)
        .exclude(pk__in=used)
        .order_by("organisation_id", "pk")[: per_kind * 4]
    ):
        if len(jobs["submit"]) >= per_kind:
            break
        user = holder(
            use_case.organisation_id, "department_head", department=use_case.department_id
        )
        if user is None:
            continue
        used.add(use_case.pk)
        jobs["submit"].append(
            {
                "user": user,
                "use_case": use_case.pk,
                "kind": "submit",
                "path": f"/api/v1/use-cases/{use_case.pk}/submit/",
                "body": {"note": "Bitte prüfen (Lasttest)"},
            }
        )
    review = UseCase.objects.filter(workflow_state__in=workflow.REVIEW_STATES).exclude(pk__in=used)
    for use_case in review.order_by("organisation_id", "pk")[: per_kind * 8]:
        if len(jobs["sign_off"]) >= per_kind and len(jobs["decide"]) >= per_kind:
            break
        submission = current_submission(use_case)
        if submission is None:
            continue
        done = set(SignOff.objects.filter(submission=submission).values_list("role", flat=True))
        missing = [r for r in workflow.required_sign_off_roles(use_case) if r not in done]
        if missing and len(jobs["sign_off"]) < per_kind:
            user = holder(use_case.organisation_id, missing[0], not_user=submission.submitted_by_id)
            if user is not None:
                used.add(use_case.pk)
                jobs["sign_off"].append(
                    {
                        "user": user,
                        "use_case": use_case.pk,
                        "kind": "sign_off",
                        "path": f"/api/v1/use-cases/{use_case.pk}/sign-off/",
                        "body": {
                            "role": missing[0],
                            "verdict": "agree",
                            "reason": "Keine Einwände (Lasttest)",
                        },
                    }
                )
        elif not missing and len(jobs["decide"]) < per_kind:
            user = holder(use_case.organisation_id, "board", not_user=submission.submitted_by_id)
            if user is not None:
                used.add(use_case.pk)
                jobs["decide"].append(
                    {
                        "user": user,
                        "use_case": use_case.pk,
                        "kind": "decide",
                        "path": f"/api/v1/use-cases/{use_case.pk}/decide/",
                        "body": {
                            "outcome": "changes_requested",
                            "rationale": "Bitte Aufsicht genauer beschreiben (Lasttest)",
                        },
                    }
                )
    return jobs


def workflow_load(
    port: int, per_kind: int, concurrency: int, exclude: set[int], work: Path, log: Any
) -> dict[str, Any]:
    from governance.models import Decision, SignOff, Submission
    from registry.models import UseCase

    jobs = _workflow_jobs(per_kind, exclude)
    # Interleaved, so that the three kinds run at the same time.
    flat = [
        job
        for index in range(max(len(v) for v in jobs.values()))
        for kind in ("submit", "sign_off", "decide")
        for job in jobs[kind][index : index + 1]
    ]
    if not flat:
        return {"status": "no candidates"}
    cookies: dict[int, str] = {}
    # `concurrency` lanes, each running its jobs one after another with each job's actor.
    lanes_plan: list[list[dict[str, Any]]] = [[] for _ in range(concurrency)]
    for index, job in enumerate(flat):
        if job["user"].pk not in cookies:
            cookies[job["user"].pk] = _session_cookie(job["user"])
        job.update(id=index, method="POST", expect=[200])
        lanes_plan[index % concurrency].append(job)
    lanes_plan = [lane for lane in lanes_plan if lane]
    plans_clients = [
        {
            "cookie": "",
            "csrf": _csrf(),
            "mode": "jobs",
            "expect": [200],
            "jobs": [
                {**{k: v for k, v in job.items() if k != "user"}, "cookie": cookies[job["user"].pk]}
                for job in lane
            ],
        }
        for lane in lanes_plan
    ]
    deadlocks_before = _deadlocks()
    load_before = [round(x, 2) for x in os.getloadavg()]
    # Only this run's rows count: an earlier run may have signed off the same use cases.
    since = datetime.datetime.now(tz=datetime.UTC)
    elapsed, records = _run_plan(
        {
            "host": "127.0.0.1",
            "port": port,
            "run": f"wf{int(time.time())}",
            "clients": plans_clients,
        },
        work,
    )
    deadlocks = _deadlocks() - deadlocks_before
    # Each transition exactly once, and the use case in the state it leads to.
    ids = {kind: [job["use_case"] for job in jobs[kind]] for kind in jobs}
    check = {
        "submissions_recorded": Submission.objects.filter(
            use_case_id__in=ids["submit"], note="Bitte prüfen (Lasttest)", submitted_at__gte=since
        ).count(),
        "submitted_now": UseCase.objects.filter(
            pk__in=ids["submit"], workflow_state__in=("submitted", "in_review")
        ).count(),
        "sign_offs_recorded": SignOff.objects.filter(
            use_case_id__in=ids["sign_off"],
            reason="Keine Einwände (Lasttest)",
            signed_at__gte=since,
        ).count(),
        "decisions_recorded": Decision.objects.filter(
            use_case_id__in=ids["decide"], rationale__endswith="(Lasttest)", decided_at__gte=since
        ).count(),
        "changes_requested_now": UseCase.objects.filter(
            pk__in=ids["decide"], workflow_state="changes_requested"
        ).count(),
    }
    kinds = {}
    for kind in ("submit", "sign_off", "decide"):
        mine = [r for r in records if r["kind"] == kind]
        kinds[kind] = {
            "jobs": len(jobs[kind]),
            "ok": len([r for r in mine if r.get("status") == 200]),
            **_stats([r["write_ms"] for r in mine if "write_ms" in r]),
        }
    errors = [r for r in records if r.get("status") != 200]
    # The floor: the same kinds of rows by hand-written SQL, for the same use cases.
    floor_clients = [
        {
            "cookie": "",
            "csrf": "",
            "mode": "jobs",
            "expect": [200],
            "jobs": [
                {
                    "method": "POST",
                    "path": "/__bench__/write-floor/",
                    "kind": job["kind"],
                    "use_case": job["use_case"],
                    "body": {
                        "use_case": job["use_case"],
                        "actor": job["user"].pk,
                        "kind": job["kind"],
                        "token": "",
                    },
                }
                for job in lane_jobs
            ],
        }
        for lane_jobs in lanes_plan
    ]
    floor_elapsed, floor_records = _run_plan(
        {
            "host": "127.0.0.1",
            "port": port,
            "run": f"wff{int(time.time())}",
            "clients": floor_clients,
        },
        work,
    )
    floor = {}
    for kind in ("submit", "sign_off", "decide"):
        floor[kind] = _stats(
            [r["write_ms"] for r in floor_records if r["kind"] == kind and "write_ms" in r]
        )
    result: dict[str, Any] = {
        "concurrency": concurrency,
        "seconds": round(elapsed, 1),
        "transitions": len(records),
        "transitions_per_second": round(len(records) / elapsed, 1) if elapsed else 0.0,
        "all": _stats([r["write_ms"] for r in records if "write_ms" in r]),
        "kinds": kinds,
        "errors": len(errors),
        "error_examples": [
            {k: r.get(k) for k in ("kind", "use_case", "status", "body")} for r in errors[:5]
        ],
        "deadlocks": deadlocks,
        "check": check,
        "exactly_once": (
            check["submissions_recorded"] == check["submitted_now"] == len(jobs["submit"])
            and check["sign_offs_recorded"] == len(jobs["sign_off"])
            and check["decisions_recorded"] == check["changes_requested_now"] == len(jobs["decide"])
        ),
        "floor": floor,
        "floor_seconds": round(floor_elapsed, 1),
        "floor_errors": len([r for r in floor_records if r.get("status") != 200]),
        "load_average": [load_before, [round(x, 2) for x in os.getloadavg()]],
    }
    log(
        f"  workflow: {result['transitions']} transitions in {result['seconds']} s, "
        f"p95 {result['all']['p95_ms']} ms, {result['errors']} errors, "
        f"exactly once: {result['exactly_once']}"
    )
    return result


# -- 3. webhooks --------------------------------------------------------------------------------


def _wait_for(deliveries: dict[int, float], receiver_log: Path, timeout: float) -> dict[int, float]:
    """First arrival at the receiver of each delivery id, waiting until all came or timeout."""
    deadline = time.monotonic() + timeout
    first: dict[int, float] = {}
    while time.monotonic() < deadline:
        first = {}
        for arrived, delivery in _receiver_lines(receiver_log):
            if delivery in deliveries and delivery not in first:
                first[delivery] = arrived
        if len(first) >= len(deliveries):
            break
        time.sleep(0.5)
    return first


def _delivery_figures(committed: dict[int, float], first: dict[int, float]) -> dict[str, Any]:
    from registry.models import WebhookDelivery

    delays = [(first[d] - committed[d]) * 1000 for d in first]
    span = (max(first.values()) - min(committed.values())) if first else 0.0
    statuses: dict[str, int] = {}
    for status in WebhookDelivery.objects.filter(pk__in=list(committed)).values_list(
        "status", flat=True
    ):
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "deliveries": len(committed),
        "received": len(first),
        "seconds_until_last": round(span, 2),
        "deliveries_per_second": round(len(first) / span, 1) if span else 0.0,
        "delay_commit_to_first_attempt": _stats(delays),
        "statuses": statuses,
    }


def webhooks(
    port: int,
    env: dict[str, str],
    setup: dict[str, Any],
    events: int,
    worker_concurrency: int,
    receiver_log: Path,
    work: Path,
    log: Any,
) -> dict[str, Any]:
    from django.db import transaction

    from config.celery import app
    from registry.models import UseCase, WebhookDelivery, WebhookEndpoint
    from registry.webhooks.events import EVENTS, emit_event

    results: dict[str, Any] = {}
    workers = Workers(env, 2, worker_concurrency, work)
    try:
        workers.wait_ready(app)
        # One change through the API with 50 receivers.
        entry = setup["fanout"]
        use_case = entry["pool"][0]
        cookie = _session_cookie(entry["user"])
        csrf = _csrf()
        headers = {"Cookie": f"{cookie}; csrftoken={csrf}"}
        before = set(
            WebhookDelivery.objects.filter(use_case_pk=use_case).values_list("pk", flat=True)
        )
        status, response_headers, _body, _ms = request(
            port, "GET", f"/api/v1/use-cases/{use_case}/", headers=headers
        )
        status, _h, _body, write_ms = request(
            port,
            "PATCH",
            f"/api/v1/use-cases/{use_case}/",
            headers={**headers, "If-Match": response_headers.get("etag", ""), "X-CSRFToken": csrf},
            body={
                "technical_contact": f"fanout-{int(time.time())}",
                "reason": "Kontakt aktualisiert (Lasttest)",
            },
        )
        committed_at = time.time()  # the response comes after the commit: an upper bound
        new = WebhookDelivery.objects.filter(use_case_pk=use_case).exclude(pk__in=before)
        committed = dict.fromkeys(new.values_list("pk", flat=True), committed_at)
        first = _wait_for(committed, receiver_log, 120)
        results["fan_out"] = {
            "http_status": status,
            "write_ms": round(write_ms, 1),
            "endpoints": WebhookEndpoint.objects.filter(
                organisation_id=entry["organisation"], is_active=True
            ).count(),
            **_delivery_figures(committed, first),
        }
        log(f"  fan-out: {results['fan_out']}")
    finally:
        workers.stop()
    # 10,000 events queued while no worker runs, then two workers drain the queue.
    largest = setup["largest"]
    pool = list(
        UseCase.objects.filter(organisation=largest)
        .select_related("organisation")
        .order_by("pk")[:200]
    )
    committed = {}
    log(f"  queueing {events} events …")
    queued_started = time.monotonic()
    batch = 500
    for start in range(0, events, batch):
        with transaction.atomic():
            ids = []
            for index in range(start, min(start + batch, events)):
                ids += [
                    d.pk
                    for d in emit_event(
                        EVENTS.USE_CASE_CHANGED,
                        pool[index % len(pool)],
                        changed_fields=["technical_contact"],
                    )
                ]
        now = time.time()
        committed.update(dict.fromkeys(ids, now))
    queue_seconds = time.monotonic() - queued_started
    workers = Workers(env, 2, worker_concurrency, work)
    started = time.time()
    try:
        with Sampler(workers.pids) as sampler:
            first = _wait_for(committed, receiver_log, 1800)
    finally:
        workers.stop()
    figures = _delivery_figures(committed, first)
    drained = (max(first.values()) - started) if first else 0.0
    # The workers start after the last commit; their rate is from the first delivery received
    # to the last (a worker's start-up, Django's set-up included, is reported on its own).
    draining = (max(first.values()) - min(first.values())) if len(first) > 1 else 0.0
    results["queued"] = {
        "events": events,
        "endpoints_per_event": 1,
        "queueing_seconds": round(queue_seconds, 1),
        **figures,
        "seconds_from_worker_start": round(drained, 1),
        "worker_start_to_first_delivery_seconds": round(min(first.values()) - started, 1)
        if first
        else None,
        "seconds_first_to_last_delivery": round(draining, 1),
        "deliveries_per_second_while_draining": round((len(first) - 1) / draining, 1)
        if draining
        else 0.0,
        "worker_peak_rss_mb": sampler.max_mb(),
    }
    log(f"  queued: {results['queued']}")
    return results


# -- 4. transparency reports --------------------------------------------------------------------


def reports(
    env: dict[str, str],
    setup: dict[str, Any],
    municipalities: int,
    worker_concurrency: int,
    work: Path,
    log: Any,
) -> dict[str, Any]:
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Organisation
    from config.celery import app
    from governance.models import TransparencyReport
    from governance.reports.services import request_report

    operator = setup["operator"]
    year = timezone.localdate().year - 1
    results: dict[str, Any] = {}

    def run(organisations: list[Any], label: str) -> dict[str, Any]:
        TransparencyReport.objects.filter(
            organisation__in=organisations,
            period_start__year=year,
            status__in=("queued", "running"),
        ).delete()
        workers = Workers(env, 2, worker_concurrency, work)
        try:
            workers.wait_ready(app)
            with Sampler(workers.pids) as sampler:
                started = time.monotonic()
                ids = [request_report(o, actor=operator, year=year).pk for o in organisations]
                deadline = time.monotonic() + 3600
                while time.monotonic() < deadline:
                    open_ = TransparencyReport.objects.filter(
                        pk__in=ids, status__in=("queued", "running")
                    ).count()
                    if open_ == 0:
                        break
                    time.sleep(0.5)
                elapsed = time.monotonic() - started
        finally:
            workers.stop()
        done = TransparencyReport.objects.filter(pk__in=ids)
        durations = [
            (r.finished_at - r.started_at).total_seconds() * 1000
            for r in done
            if r.finished_at and r.started_at
        ]
        statuses: dict[str, int] = {}
        for status in done.values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        figures = {
            "reports": len(ids),
            "seconds": round(elapsed, 1),
            "statuses": statuses,
            "per_report": _stats(durations),
            "worker_peak_rss_mb": sampler.max_mb(),
            "worker_concurrency": worker_concurrency,
        }
        log(f"  {label}: {figures}")
        return figures

    largest = setup["largest"]
    results["largest"] = {
        "organisation": largest.name,
        "use_cases": largest.use_cases.count(),
        **run([largest], "largest organisation"),
    }
    # An IT provider's installation: the reports of its municipalities requested at once.
    organisations = list(
        Organisation.objects.annotate(n=Count("use_cases"))
        .exclude(pk=largest.pk)
        .order_by("pk")[:municipalities]
    )
    results["provider"] = {
        "organisations": len(organisations),
        "use_cases": sum(o.n for o in organisations),
        **run(organisations, f"{len(organisations)} municipalities"),
    }
    return results


# -- 5. reminders -------------------------------------------------------------------------------


def reminders(mail_dir: Path, cap: int, log: Any) -> dict[str, Any]:
    """The beat's reminder run (governance.tasks.send_review_reminders calls
    emails.send_review_reminders), twice, in this process: the second run must send nothing."""
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from governance import emails
    from governance.models import SentNotification
    from governance.selectors import reviews_due

    def count_mails() -> tuple[int, int]:
        files = list(mail_dir.glob("*.log")) if mail_dir.exists() else []
        messages = 0
        for path in files:
            messages += path.read_text(encoding="utf-8", errors="replace").count(
                "\nMessage-ID: "
            ) + path.read_text(encoding="utf-8", errors="replace").startswith("Message-ID: ")
        return len(files), messages

    today = timezone.localdate()
    full = reviews_due(today=today)
    full_count = full.count()
    full_organisations = full.values("organisation_id").distinct().count()
    if cap and full_count > cap:
        # The run as the beat would have made it on the day when `cap` reviews were due: the
        # same code on fewer records (the figures per use case and per mail carry over).
        dates = list(
            full.order_by("next_review_date").values_list("next_review_date", flat=True)[
                cap - 1 : cap
            ]
        )
        assert dates[0] is not None  # reviews_due filters on the date
        today = dates[0] - datetime.timedelta(days=30)
    due = reviews_due(today=today)
    due_count = due.count()
    due_organisations = due.values("organisation_id").distinct().count()
    shutil.rmtree(mail_dir, ignore_errors=True)
    mail_dir.mkdir(parents=True)
    runs = []
    for attempt in (1, 2):
        queries = [0]

        def counter(
            execute: Any, sql: str, params: Any, many: bool, context: Any, queries: Any = queries
        ) -> Any:
            queries[0] += 1
            return execute(sql, params, many, context)

        keys_before = SentNotification.objects.count()
        with Sampler(lambda: [os.getpid()]) as sampler, connection.execute_wrapper(counter):
            started = time.monotonic()
            sent = emails.send_review_reminders(today=today)
            elapsed = time.monotonic() - started
        _files, mails = count_mails()
        runs.append(
            {
                "run": attempt,
                "seconds": round(elapsed, 1),
                "queries": queries[0],
                "sent": sent,
                "mails_in_backend_total": mails,
                "notification_keys_added": SentNotification.objects.count() - keys_before,
                "process_peak_rss_mb": sampler.max_mb(),
            }
        )
        log(f"  reminders run {attempt}: {runs[-1]}")
    duplicates = (
        SentNotification.objects.values("key", "recipient_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    first, second = runs
    first_seconds = runs[0]["seconds"]
    per_use_case = first_seconds / max(due_count, 1)
    return {
        "today": today.isoformat(),
        "due_use_cases_today": full_count,
        "organisations_with_due_reviews_today": full_organisations,
        "cap": cap,
        "due_use_cases": due_count,
        "organisations_with_due_reviews": due_organisations,
        "seconds_per_due_use_case": round(per_use_case, 4),
        "extrapolated_seconds_for_all_due_today": round(per_use_case * full_count),
        "runs": runs,
        "queries_per_mail": round(first["queries"] / max(first["sent"], 1), 2),
        "duplicate_keys": duplicates,
        "exactly_once": (
            second["sent"] == 0
            and first["mails_in_backend_total"] == first["sent"]
            and second["mails_in_backend_total"] == first["sent"]
            and duplicates == 0
        ),
    }


# -- the run ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=["S", "M", "L"], default="S")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("BENCH_REDIS_DB", 12)))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers (2×cores+1)")
    parser.add_argument(
        "--worker-concurrency",
        type=int,
        default=1,
        help="processes of each of the two Celery workers",
    )
    parser.add_argument("--concurrency", default="16,64")
    parser.add_argument("--seconds", type=float, default=20, help="per edit run")
    parser.add_argument("--workflow-per-kind", type=int, default=100)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--municipalities", type=int, default=500)
    parser.add_argument(
        "--reminder-cap",
        type=int,
        default=0,
        help="measure on the day when this many reviews were due (0: today)",
    )
    parser.add_argument(
        "--keep-static", action="store_true", help="skip collectstatic when it ran before"
    )
    parser.add_argument("--only", default="statements,edits,workflow,webhooks,reports,reminders")
    args = parser.parse_args()
    only = set(args.only.split(","))

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="ki-register-write-"))
    log_path = work / "server.jsonl"
    mail_dir = work / "mail"
    receiver_log = work / "receiver.log"
    env = _env(args.database_url, str(log_path))
    env.pop("EAGER_TASKS_ALLOWED", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.write_settings",
            "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "KI_REGISTER_BENCH_MAIL_DIR": str(mail_dir),
            "SITE_URL": "http://127.0.0.1",
        }
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from bench import loader

    def log(message: str) -> None:
        print(message, flush=True)

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
        log(f"Loading tier {args.tier} …")
        subprocess.run(  # noqa: S603 - fixed arguments
            [PYTHON, "manage.py", "generate_benchmark_data", "--tier", args.tier, "--reset"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        dataset = loader.loaded_tier()
    if not (args.keep_static and (ROOT / "staticfiles" / "staticfiles.json").exists()):
        subprocess.run(  # noqa: S603 - fixed arguments
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=900,
        )
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()

    receiver_port = _free_port()
    receiver = subprocess.Popen(  # noqa: S603 - fixed arguments
        [PYTHON, "-m", "bench.receiver", "--port", str(receiver_port), "--log", str(receiver_log)],
        cwd=ROOT,
        env=env,
    )
    results: dict[str, Any] = {"tier": args.tier, "started_at": started_at.isoformat()}
    partial = out / f"{args.tier}-write.partial.json"

    def phase(name: str, run: Any) -> None:
        """Run one part; a failure is recorded and the next part still runs."""
        try:
            results[name] = run()
        except Exception as exc:
            import traceback

            log(f"  {name} failed: {exc!r}")
            results[name] = {"status": "error", "error": traceback.format_exc()[-3000:]}
        partial.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")

    try:
        log("Setting up organisations, endpoints and grants …")
        setup = _setup(
            f"http://127.0.0.1:{receiver_port}/hook",
            max(int(c) for c in args.concurrency.split(",")),
            log,
        )
        server = Server(env, args.workers)
        try:
            port = server.port
            log(f"gunicorn on 127.0.0.1:{port} with {args.workers} workers")
            if "statements" in only or "edits" in only:
                log("Statements per write …")
                phase("statements", lambda: statements(setup))
            if "edits" in only:
                log("Concurrent edits …")
                phase(
                    "edits",
                    lambda: edits(
                        port,
                        setup,
                        [int(c) for c in args.concurrency.split(",")],
                        args.seconds,
                        work,
                        log,
                    ),
                )
            if "workflow" in only:
                log("Workflow under load …")
                exclude = {
                    pk for key in ("different", "same") for e in setup[key] for pk in e["pool"]
                }
                phase(
                    "workflow",
                    lambda: workflow_load(port, args.workflow_per_kind, 16, exclude, work, log),
                )
            # What the writes queued is not part of the webhook figures.
            redis.Redis.from_url(env["REDIS_URL"]).flushdb()
            if "webhooks" in only:
                log("Webhooks …")
                phase(
                    "webhooks",
                    lambda: webhooks(
                        port,
                        env,
                        setup,
                        args.events,
                        args.worker_concurrency,
                        receiver_log,
                        work,
                        log,
                    ),
                )
        finally:
            server.stop()
        if "reports" in only:
            log("Transparency reports …")
            phase(
                "reports",
                lambda: reports(
                    env, setup, args.municipalities, args.worker_concurrency, work, log
                ),
            )
        if "reminders" in only:
            log("Review reminders …")
            phase("reminders", lambda: reminders(mail_dir, args.reminder_cap, log))
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    results.update(
        {
            "finished_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "postgresql": pg_version,
                "shared_buffers": shared_buffers,
                "gunicorn_workers": args.workers,
                "celery_workers": 2,
                "celery_worker_concurrency": args.worker_concurrency,
                "load_average_at_start": load_at_start,
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            },
            "dataset": dataset,
            "targets": TARGETS,
        }
    )
    name = f"{args.tier}-write"
    (out / f"{name}.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (out / f"{name}.md").write_text(markdown(results), encoding="utf-8")
    log(f"Wrote {out / (name + '.json')} and {out / (name + '.md')}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _yes(value: Any) -> str:
    return {True: "yes", False: "**no**"}.get(value, "–")


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    rows = (results.get("dataset") or {}).get("rows", {})
    lines = [
        f"# Write benchmark tier {results['tier']}",
        "",
        f"Run {results['started_at'][:19]} UTC on {machine['cpus']} cores, "
        f"{machine['postgresql'].split(' on ')[0]} (shared_buffers {machine['shared_buffers']}), "
        f"gunicorn with {machine['gunicorn_workers']} sync workers, "
        f"{machine['celery_workers']} Celery workers of {machine['celery_worker_concurrency']} "
        f"process(es) each, Redis as broker. Load average of the machine at start "
        f"{machine['load_average_at_start']}, at end {machine['load_average_at_end']} (the "
        "machine is shared; see L-write-notes.md for what that means).",
        "",
        f"Data: {rows.get('registry_usecase', 0):,} use cases, "
        f"{rows.get('registry_historicalusecase', 0):,} history rows, "
        f"{rows.get('accounts_organisation', 0):,} organisations.",
        "",
    ]
    for name in ("statements", "edits", "workflow", "webhooks", "reports", "reminders"):
        part = results.get(name)
        if isinstance(part, dict) and part.get("status") == "error":
            lines += [f"**{name} failed**:", "", "```", part["error"], "```", ""]
    counted = results.get("statements")
    if isinstance(counted, dict) and "api_patch" in counted:
        lines += [
            "## SQL statements of one write",
            "",
            f"Use case {counted['use_case']} ({counted['workflow_state']}, in an organisation "
            "with a webhook endpoint), written in-process through the same views and services, "
            "the whole request counted (session and user included).",
            "",
            "| write | status | statements | by kind |",
            "|---|---:|---:|---|",
        ]
        for key, label in (("api_patch", "API PATCH"), ("form_save", "guided-form save")):
            part = counted[key]
            kinds = ", ".join(f"{k} {v}" for k, v in part["by_kind"].items())
            lines.append(f"| {label} | {part['status']} | {part['statements']} | {kinds} |")
        lines.append("")
    if isinstance(results.get("edits"), list):
        lines += [
            "## Department heads saving the guided form and PATCHing the API",
            "",
            "Half the clients save the step „Verantwortung“ of the guided form (GET the form, "
            "POST it with session and CSRF cookies and the version token), half GET the API "
            "detail and PATCH it with If-Match. Closed loop, no think time. Latencies are of "
            "the write request (POST/PATCH); the floor is the same load writing the same rows "
            "by hand-written SQL in one transaction (bench/write_floor.py).",
            "",
            "| organisations | clients | writes/s | p50 ms | p95 ms | form p95 | API p95 "
            "| floor p95 | × floor | stale (409/412) | errors | deadlocks | history ok | "
            "load avg | target met |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
        ]
        for r in results["edits"]:
            modes = r["by_mode"]
            lines.append(
                f"| {r['label']} | {r['concurrency']} | {r['writes_per_second']} | "
                f"{r['write']['median_ms']} | {r['write']['p95_ms']} | "
                f"{modes.get('form', {}).get('write', {}).get('p95_ms', '–')} | "
                f"{modes.get('api', {}).get('write', {}).get('p95_ms', '–')} | "
                f"{r['floor']['write']['p95_ms']} | {r['ratio_to_floor_p95']} | "
                f"{r['history_check']['refused_stale']} | {r['errors']} | {r['deadlocks']} | "
                f"{_yes(r['history_check']['ok'])} | {r['load_average'][1][0]} | "
                f"{_yes(r['meets_target'])} |"
            )
        lines += [
            "",
            "Target: p95 ≤ 200 ms at 16 clients; at every concurrency no error, no deadlock, "
            "every accepted write in the history directly after the version its client read "
            "(no lost update), nothing refused written.",
            "",
        ]
        for r in results["edits"]:
            check = r["history_check"]
            lines.append(
                f"- {r['label']}, {r['concurrency']} clients: {r['writes']} writes, "
                f"{check['accepted']} accepted and {check['accepted_in_history']} of them in the "
                f"history, {check['lost_updates']} lost updates, {check['refused_stale']} "
                f"refused as stale; statuses {r['statuses']}; reads (GET before the write) p95 "
                f"form {r['by_mode'].get('form', {}).get('read', {}).get('p95_ms', '–')} ms, "
                f"API {r['by_mode'].get('api', {}).get('read', {}).get('p95_ms', '–')} ms."
            )
        lines.append("")
    wf = results.get("workflow")
    if wf and wf.get("kinds"):
        lines += [
            "## The workflow under load",
            "",
            f"{wf['transitions']} transitions through the API by {wf['concurrency']} clients in "
            f"parallel ({wf['transitions_per_second']}/s), each on a different use case and "
            f"each once; {wf['errors']} errors, {wf['deadlocks']} deadlocks, each recorded "
            f"exactly once: {_yes(wf['exactly_once'])} ({wf['check']}).",
            "",
            "| transition | jobs | ok | p50 ms | p95 ms | floor p95 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for kind, label in (
            ("submit", "Einreichen"),
            ("sign_off", "Votum"),
            ("decide", "Entscheidung"),
        ):
            k = wf["kinds"][kind]
            lines.append(
                f"| {label} | {k['jobs']} | {k['ok']} | {k['median_ms']} | {k['p95_ms']} | "
                f"{wf['floor'][kind]['p95_ms']} |"
            )
        lines.append("")
    hooks = results.get("webhooks")
    if hooks and "queued" in hooks:
        fan, queued = hooks["fan_out"], hooks["queued"]
        lines += [
            "## Webhook fan-out (two Celery workers, a local HTTP receiver)",
            "",
            f"- One change (API PATCH, HTTP {fan['http_status']}, {fan['write_ms']} ms) to an "
            f"organisation with {fan['endpoints']} endpoints: {fan['deliveries']} deliveries, "
            f"{fan['received']} received, the last {fan['seconds_until_last']} s after the "
            f"commit ({fan['deliveries_per_second']}/s); delay from commit to first attempt "
            f"p50 {fan['delay_commit_to_first_attempt']['median_ms']} ms, p95 "
            f"{fan['delay_commit_to_first_attempt']['p95_ms']} ms; statuses {fan['statuses']}.",
            f"- {queued['events']:,} events queued (in {queued['queueing_seconds']} s, no worker "
            f"running), then two workers started: {queued['received']:,} received, "
            f"**{queued['deliveries_per_second_while_draining']} deliveries/s** from the first "
            f"delivery to the last ({queued['seconds_first_to_last_delivery']} s; the workers' "
            f"start-up took {queued['worker_start_to_first_delivery_seconds']} s more); delay "
            "from commit to "
            f"first attempt p50 {queued['delay_commit_to_first_attempt']['median_ms']} ms, p95 "
            f"{queued['delay_commit_to_first_attempt']['p95_ms']} ms (mostly the wait in the "
            f"queue); statuses {queued['statuses']}; worker peak RSS "
            f"{queued['worker_peak_rss_mb']} MB.",
            "",
        ]
    rep = results.get("reports")
    if rep and "provider" in rep:
        lines += ["## Transparency reports (HTML and PDF, rendered by the workers)", ""]
        for key, label in (
            (
                "largest",
                f"Largest organisation ({rep['largest']['organisation']}, "
                f"{rep['largest']['use_cases']:,} use cases)",
            ),
            (
                "provider",
                f"{rep['provider']['organisations']} municipalities "
                f"requested at once ({rep['provider']['use_cases']:,} "
                "use cases)",
            ),
        ):
            r = rep[key]
            lines.append(
                f"- {label}: {r['reports']} report(s) in {r['seconds']} s, per report p50 "
                f"{r['per_report']['median_ms']} ms, p95 {r['per_report']['p95_ms']} ms, max "
                f"{r['per_report']['max_ms']} ms; statuses {r['statuses']}; peak RSS of a worker "
                f"process {r['worker_peak_rss_mb']} MB."
            )
        lines.append("")
    rem = results.get("reminders")
    if rem and "runs" in rem:
        first, second = rem["runs"]
        lines += [
            "## Review reminders of every organisation in one beat run",
            "",
            f"Today {rem['due_use_cases_today']:,} use cases of "
            f"{rem['organisations_with_due_reviews_today']:,} organisations are due for review "
            "within 30 days or overdue. "
            + (
                f"Measured as the beat would have run on {rem['today']} (the day the first "
                f"{rem['cap']:,} were due): "
                if rem["due_use_cases"] < rem["due_use_cases_today"]
                else "Measured today: "
            )
            + f"{rem['due_use_cases']:,} use cases of {rem['organisations_with_due_reviews']:,} "
            f"organisations. First run: "
            f"{first['sent']:,} mails in {first['seconds']} s, {first['queries']:,} queries "
            f"({rem['queries_per_mail']} per mail), peak RSS {first['process_peak_rss_mb']} MB; "
            f"second run: {second['sent']} mails in {second['seconds']} s, "
            f"{second['queries']:,} queries. Mails in the file backend after both runs: "
            f"{second['mails_in_backend_total']:,}; duplicate keys {rem['duplicate_keys']}. "
            f"Exactly once: {_yes(rem['exactly_once'])}. At "
            f"{rem['seconds_per_due_use_case']} s per due use case, all of today's would take "
            f"about {rem['extrapolated_seconds_for_all_due_today']:,} s.",
            "",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
