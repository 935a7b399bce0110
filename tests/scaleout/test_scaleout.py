"""Two web instances behind nginx, two workers and a beat, with the production settings:
what holds across instances, and what happens when a part dies."""

import datetime
import http.server
import json
import signal
import ssl
import threading
from typing import Any

import psycopg
import pytest
import requests

from tests.scaleout.conftest import Browser, log_in
from tests.scaleout.environment import ADMIN_URL, Environment, wait_for

pytestmark = pytest.mark.services


def api_json(member: Browser, instance: str, path: str) -> Any:
    response = member.on(instance, "GET", path, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text[:300]
    return response.json()


def in_operation_use_case(member: Browser) -> dict[str, Any]:
    page = api_json(member, "web1", "/api/v1/use-cases/")
    results = page["results"]
    return next(item for item in results if item["workflow_state"] == "in_operation")


def test_a_login_on_one_instance_is_valid_on_the_other(member):
    # The form (and its CSRF token) comes from web1, the login is posted to web2.
    log_in(member, "gremium", form_from="web1", post_to="web2")
    for instance in ("web1", "web2"):
        response = member.on(instance, "GET", "/arbeitsbereich/")
        assert response.status_code == 200, instance
        assert "Abmelden" in response.text


def test_a_change_through_one_instance_is_never_served_stale_by_the_other(member):
    log_in(member, "gremium")
    use_case = in_operation_use_case(member)
    address = f"/api/v1/public/use-cases/{use_case['id']}/"
    # Both instances render (and keep in the shared cache) the public record first.
    for instance in ("web2", "web1"):
        assert (
            Browser(member.environment).on(instance, "GET", address).json()["status"]
            == "in_operation"
        )
    retire = member.on(
        "web1",
        "POST",
        f"/api/v1/use-cases/{use_case['id']}/retire/",
        json={"reason": "Skalierungstest"},
        headers={"X-CSRFToken": member.csrf_token()},
    )
    assert retire.status_code == 200, retire.text[:300]
    anonymous = Browser(member.environment)
    for instance in ("web2", "web1"):
        assert anonymous.on(instance, "GET", address).json()["status"] == "retired", instance


def test_one_web_instance_killed_during_mixed_load_fails_no_request(scaleout, member):
    log_in(member, "gremium")
    paths = ["/", "/organisationen/", "/daten/register.json", "/api/v1/public/use-cases/"]
    statuses: list[int] = []
    stop = threading.Event()

    def visitor() -> None:
        visitor_browser = Browser(scaleout)
        index = 0
        while not stop.is_set() and index < 400:
            statuses.append(visitor_browser.get(paths[index % len(paths)]).status_code)
            index += 1

    def signed_in() -> None:
        index = 0
        while not stop.is_set() and index < 200:
            statuses.append(
                member.get(["/arbeitsbereich/", "/api/v1/use-cases/"][index % 2]).status_code
            )
            index += 1

    threads = [threading.Thread(target=visitor) for _ in range(3)] + [
        threading.Thread(target=signed_in)
    ]
    for thread in threads:
        thread.start()
    wait_for(lambda: len(statuses) >= 20, "load")
    scaleout.kill("web1", signal.SIGKILL)
    during = len(statuses)
    wait_for(lambda: len(statuses) >= during + 40, "load after the kill", timeout=120)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert len(statuses) > during
        assert set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    finally:
        scaleout.start_web("web1")


class Receiver(http.server.ThreadingHTTPServer):
    """An HTTPS webhook receiver that holds its first answer, and applies each event once."""

    def __init__(self, environment: Environment) -> None:
        self.received: list[str] = []
        self.applied: set[str] = set()
        self.hold_first = threading.Event()
        self.first_arrived = threading.Event()
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(environment.cert, environment.key)
        self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}/hook"


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        event_id = self.headers.get("X-KI-Register-Event-Id") or self.headers.get("X-Event-Id", "")
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.received.append(event_id)
        if len(self.server.received) == 1:
            self.server.first_arrived.set()
            self.server.hold_first.wait(timeout=180)
        self.server.applied.add(event_id)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def in_environment(scaleout: Environment, call: str) -> Any:
    """What a function of tests/scaleout/fixtures.py prints (JSON), run inside the environment."""
    output = scaleout.manage("shell", "-c", f"from tests.scaleout import fixtures; {call}")
    return json.loads(output.strip().splitlines()[-1])


def deliveries_to(scaleout: Environment, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = in_environment(scaleout, f"fixtures.deliveries({url!r})")
    return rows


def holder(scaleout: Environment, task: str, argument: int) -> str:
    """The worker that has run the task for that argument longest, as the workers report it."""

    def one() -> str | None:
        holders = in_environment(scaleout, f"fixtures.worker_running({task!r}, {argument})")
        return holders[0][0] if holders else None

    name: str = wait_for(one, f"the worker running {task}({argument})", timeout=60, interval=1)
    return name


def test_a_worker_killed_mid_webhook_delivery_delivers_exactly_once_in_effect(scaleout, member):
    receiver = Receiver(scaleout)
    server = threading.Thread(target=receiver.serve_forever, daemon=True)
    server.start()
    try:
        scaleout.manage(
            "shell",
            "-c",
            f"from tests.scaleout import fixtures; fixtures.add_webhook({receiver.url!r})",
        )
        log_in(member, "gremium")
        use_case = in_operation_use_case(member)
        retire = member.on(
            "web2",
            "POST",
            f"/api/v1/use-cases/{use_case['id']}/retire/",
            json={"reason": "Webhook-Test"},
            headers={"X-CSRFToken": member.csrf_token()},
        )
        assert retire.status_code == 200, retire.text[:300]
        assert receiver.first_arrived.wait(timeout=60), "the first attempt reached the receiver"
        (delivery,) = deliveries_to(scaleout, receiver.url)
        busy = holder(scaleout, "registry.tasks.deliver_webhook", delivery["id"])
        scaleout.kill(busy, signal.SIGKILL)
        receiver.hold_first.set()
        # As systemd would (Restart=on-failure): the worker comes back; the task it held returns
        # to the queue after the visibility timeout and runs again.
        scaleout.start_worker(busy)

        def settled() -> list[dict[str, Any]]:
            rows = deliveries_to(scaleout, receiver.url)
            return rows if rows and all(row["status"] == "succeeded" for row in rows) else []

        rows = wait_for(settled, "the delivery", timeout=120, interval=2)
        assert len(rows) == 1
        assert len(receiver.received) >= 2  # the killed attempt and the one after it
        assert len(set(receiver.received)) == 1  # the same event both times: the receiver dedups
        assert len(receiver.applied) == 1
    finally:
        receiver.shutdown()


def test_a_worker_killed_mid_report_rendering_renders_it_exactly_once_in_effect(scaleout):
    year = datetime.datetime.now(datetime.UTC).year - 1
    reports = scaleout.run_dir / "media" / "berichte" / "lindenfeld"
    files_before = set(reports.glob("*.pdf")) if reports.is_dir() else set()
    with psycopg.connect(ADMIN_URL, dbname=scaleout.database) as holding:
        report_id = int(in_environment(scaleout, f"fixtures.queue_report({year})"))

        def claimed() -> tuple[str, str] | None:
            with holding.cursor() as cursor:
                # Once a run has claimed the report, this lock holds its next write (its
                # progress or its result): the run stops in the middle of the rendering.
                cursor.execute(
                    "SELECT status, run_token FROM governance_transparencyreport"
                    " WHERE id = %s FOR UPDATE",
                    [report_id],
                )
                status, token = cursor.fetchone() or ("", "")
            if status == "queued":
                holding.rollback()
                return None
            return status, token

        status, first_token = wait_for(claimed, "a run claiming the report", interval=0.05)
        assert status == "running", "the report was rendered before it could be held"

        def waiting_on_the_lock() -> bool:
            with holding.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = %s AND wait_event_type = 'Lock'",
                    [scaleout.database],
                )
                row = cursor.fetchone()
            return bool(row and row[0])

        wait_for(waiting_on_the_lock, "the rendering to wait for its next write")
        busy = holder(scaleout, "governance.tasks.render_transparency_report", report_id)
        scaleout.kill(busy, signal.SIGKILL)
        holding.rollback()
        # As systemd would: the worker comes back; the task returns to the queue after the
        # visibility timeout and runs again, taking over the report the killed run had claimed.
        scaleout.start_worker(busy)

        def done() -> tuple[Any, ...] | None:
            with holding.cursor() as cursor:
                cursor.execute(
                    "SELECT status, run_token, progress, pdf, html"
                    " FROM governance_transparencyreport WHERE id = %s",
                    [report_id],
                )
                row = cursor.fetchone()
            holding.rollback()
            return row if row is not None and row[0] in ("done", "failed") else None

        status, token, progress, pdf, html = wait_for(
            done, "the report rendered again", timeout=180, interval=1
        )
    assert (status, progress) == ("done", 100)
    assert token != first_token  # a second run finished it, not the killed one
    assert "<" in html
    # One PDF in effect: the killed run stored nothing, the second stored its file once.
    new_files = set(reports.glob("*.pdf")) - files_before
    assert [path.name for path in new_files] == [pdf.rsplit("/", 1)[-1]]
    assert (scaleout.run_dir / "media" / pdf).read_bytes().startswith(b"%PDF-")


def test_reminders_sent_by_two_workers_at_once_go_out_once(scaleout):
    before = len(scaleout.mails())
    scaleout.manage(
        "shell",
        "-c",
        "from governance.tasks import send_review_reminders as t; r = [t.delay(), t.delay()];"
        " print(sum(x.get(timeout=120) for x in r))",
    )
    mails = scaleout.mails()[before:]
    keys = []
    for mail in mails:
        headers = (
            mail.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in mail else mail.split(b"\n\n", 1)[0]
        )
        lines = [
            line for line in headers.splitlines() if line.lower().startswith((b"to:", b"subject:"))
        ]
        keys.append(b"|".join(sorted(lines)))
    assert mails, "the demo has reviews due"
    assert len(keys) == len(set(keys))
    # A third run sends nothing: every person's digest of the day went out.
    again = scaleout.manage(
        "shell",
        "-c",
        "from governance.tasks import send_review_reminders as t;"
        " print(t.delay().get(timeout=120))",
    )
    assert again.strip().splitlines()[-1] == "0"


def test_redis_restarted_degrades_and_recovers_without_a_restart(scaleout):
    anonymous = Browser(scaleout)
    scaleout.kill("redis", signal.SIGKILL)
    try:
        # Public pages render without the cache; readiness says what is missing.
        assert anonymous.get("/").status_code == 200
        ready = requests.get(scaleout.instance_url("web1") + "/health/ready/", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"]["broker"] != "ok"
        assert ready.json()["checks"]["database"] == "ok"
    finally:
        scaleout.start_redis()
    for instance in ("web1", "web2"):
        wait_for(
            lambda instance=instance: requests.get(
                scaleout.instance_url(instance) + "/health/ready/", timeout=5
            ).status_code
            == 200,
            f"{instance} ready again",
        )
    # The workers reconnected: a task sent now runs.
    out = scaleout.manage(
        "shell",
        "-c",
        "from governance.tasks import send_review_reminders as t; print(t.delay().get(timeout=60))",
    )
    assert out.strip().splitlines()[-1].isdigit()


def test_postgresql_unavailable_gives_a_german_503_and_recovers(scaleout):
    anonymous = Browser(scaleout)
    scaleout.kill("pgproxy", signal.SIGKILL)
    try:
        for path in ("/", "/organisationen/"):
            response = anonymous.get(path)
            assert response.status_code == 503, path
            assert "Das Register ist vorübergehend nicht erreichbar" in response.text
            assert response.headers["Retry-After"] == "30"
        ready = requests.get(scaleout.instance_url("web2") + "/health/ready/", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] != "ok"
    finally:
        scaleout.start_pgproxy()
    wait_for(lambda: anonymous.get("/").status_code == 200, "recovery", timeout=60)
    assert (
        requests.get(scaleout.instance_url("web1") + "/health/ready/", timeout=10).status_code
        == 200
    )


def test_metrics_count_requests_of_every_process(scaleout):
    Browser(scaleout).get("/")
    response = requests.get(
        scaleout.instance_url("web2") + "/metrics",
        headers={"Authorization": f"Bearer {scaleout.metrics_token}"},
        timeout=10,
    )
    assert response.status_code == 200
    assert (
        'ki_register_http_request_duration_seconds_count{method="GET",status="200",view="registry:home"}'
        in response.text
    )
    assert "ki_register_celery_queue_length" in response.text
    assert "ki_register_review_reminder_runs_total" in response.text
