"""Webhooks: who manages them, which events they get, how they are signed, sent and retried."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from registry import services
from registry.models import WebhookDelivery
from registry.webhooks import endpoints, signing
from registry.webhooks.events import EVENTS, replay_webhook_delivery
from tests.api.conftest import ApiClient
from tests.conftest import make_use_case


def _endpoint(board_member, organisation, url="http://127.0.0.1:9/hook", events=None):
    return endpoints.create_webhook_endpoint(
        actor=board_member,
        organisation=organisation,
        url=url,
        events=events or [e.value for e in EVENTS],
    )


def test_signature_is_hmac_sha256_over_timestamp_and_body():
    body = b'{"a":1}'
    expected = hmac.new(b"geheim", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signing.sign("geheim", 1700000000, body) == f"v1={expected}"


@override_settings(WEBHOOK_REQUIRE_HTTPS=True)
def test_plain_http_receivers_are_refused_when_https_is_required(board_member, organisation):
    with pytest.raises(ValidationError) as exc:
        _endpoint(board_member, organisation, url="http://127.0.0.1:9/hook")
    assert "url" in exc.value.message_dict


@pytest.mark.parametrize(
    "url",
    ["http://10.0.0.5/h", "http://localhost/h", "http://169.254.169.254/latest", "http://[::1]/h"],
)
def test_receivers_in_internal_networks_are_refused(board_member, organisation, url):
    with pytest.raises(ValidationError):
        _endpoint(board_member, organisation, url=url)


def test_receivers_with_credentials_in_the_address_are_refused(board_member, organisation):
    with pytest.raises(ValidationError):
        _endpoint(board_member, organisation, url="http://user:pw@127.0.0.1:9/h")


def test_only_the_board_registers_endpoints(department_head, organisation):
    with pytest.raises(PermissionDenied):
        _endpoint(department_head, organisation)


def test_an_unknown_event_is_named(board_member, organisation):
    with pytest.raises(ValidationError) as exc:
        _endpoint(board_member, organisation, events=["use_case.exploded"])
    assert "events" in exc.value.message_dict


def test_events_reach_only_subscribed_active_endpoints_of_the_organisation(
    board_member,
    organisation,
    foreign_board_member,
    other_organisation,
    department_head,
    department,
):
    created = _endpoint(board_member, organisation, events=["use_case.created"])
    changed_only = _endpoint(board_member, organisation, events=["use_case.changed"])
    inactive = _endpoint(board_member, organisation, events=["use_case.created"])
    endpoints.update_webhook_endpoint(inactive, actor=board_member, is_active=False)
    foreign = _endpoint(foreign_board_member, other_organisation, events=["use_case.created"])
    make_use_case(department_head, department, "Neu")
    assert set(WebhookDelivery.objects.values_list("endpoint", flat=True)) == {created.pk}
    assert not WebhookDelivery.objects.filter(
        endpoint__in=[changed_only, inactive, foreign]
    ).exists()


def test_registry_services_emit_created_changed_and_deleted(
    board_member, organisation, department_head, department
):
    _endpoint(board_member, organisation)
    use_case = make_use_case(department_head, department, "Neu")
    services.update_use_case(use_case, actor=department_head, reason="r", purpose="anders")
    pk = use_case.pk
    services.delete_use_case(use_case, actor=board_member, reason="doppelt")
    deliveries = WebhookDelivery.objects.filter(use_case_pk=pk).order_by("pk")
    assert [d.event for d in deliveries] == [
        "use_case.created",
        "use_case.changed",
        "use_case.deleted",
    ]
    assert deliveries[1].payload["changed_fields"] == ["purpose"]
    assert deliveries[1].payload["actor"]["username"] == department_head.username


def test_the_secret_is_shown_once_at_creation(board_member, organisation):
    client = ApiClient(board_member)
    response = client.post(
        "/api/v1/webhooks/",
        {
            "organisation": organisation.pk,
            "url": "http://127.0.0.1:9/h",
            "events": ["use_case.created"],
        },
    )
    assert response.status_code == 201
    assert response.json()["secret"]
    assert "secret" not in client.get(f"/api/v1/webhooks/{response.json()['id']}/").json()


def test_webhook_changes_need_if_match(board_member, organisation):
    endpoint = _endpoint(board_member, organisation)
    response = ApiClient(board_member).patch(
        f"/api/v1/webhooks/{endpoint.pk}/", {"is_active": False}
    )
    assert response.status_code == 428


# -- real deliveries: a receiver on 127.0.0.1 and a Celery worker on Redis ------------------------


class Receiver:
    """A tiny HTTP server that records requests and fails the first `failures` of them."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                failing = len(receiver.requests) <= receiver.failures
                self.send_response(503 if failing else 204)
                self.end_headers()
                if failing:
                    self.wfile.write(b"busy")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def _wait_for(condition, attempts: int = 300):
    # Polls the worker's result; a bound on polls, not a time limit the test asserts.
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.05)
    return False


def _settled(delivery_pk: int) -> bool:
    return WebhookDelivery.objects.get(pk=delivery_pk).status != WebhookDelivery.Status.PENDING


@pytest.mark.services
def test_a_worker_delivers_a_signed_event_to_the_receiver(
    celery_worker, board_member, organisation, department_head, department
):
    with Receiver() as receiver:
        endpoint = _endpoint(
            board_member, organisation, url=receiver.url, events=["use_case.created"]
        )
        use_case = make_use_case(department_head, department, "Posteingang")
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert _wait_for(lambda: _settled(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert headers[signing.EVENT_HEADER] == "use_case.created"
    signed = signing.sign(endpoint.secret, int(headers[signing.TIMESTAMP_HEADER]), body)
    assert hmac.compare_digest(headers[signing.SIGNATURE_HEADER], signed)
    payload = json.loads(body)
    assert payload["use_case"]["id"] == use_case.pk
    assert payload["event"] == "use_case.created"


@pytest.mark.services
@override_settings(WEBHOOK_RETRY_BASE_SECONDS=0.05)
def test_a_failing_receiver_gets_the_event_again_until_it_accepts(
    celery_worker, board_member, organisation, department_head, department
):
    with Receiver(failures=2) as receiver:
        endpoint = _endpoint(
            board_member, organisation, url=receiver.url, events=["use_case.created"]
        )
        make_use_case(department_head, department, "Posteingang")
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert _wait_for(lambda: _settled(delivery.pk))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempt_count == 3
    assert [a.response_status for a in delivery.attempts.all()] == [503, 503, 204]
    assert delivery.attempts.first().response_body == "busy"
    # Every attempt carries the same event; receivers deduplicate by its id.
    assert len({r["headers"][signing.EVENT_ID_HEADER] for r in receiver.requests}) == 1


@pytest.mark.services
@override_settings(WEBHOOK_RETRY_BASE_SECONDS=0.05, WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_fails_for_good_after_the_last_attempt_and_can_be_replayed(
    celery_worker, board_member, organisation, department_head, department
):
    with Receiver(failures=2) as receiver:
        endpoint = _endpoint(
            board_member, organisation, url=receiver.url, events=["use_case.created"]
        )
        make_use_case(department_head, department, "Posteingang")
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert _wait_for(lambda: _settled(delivery.pk))
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.FAILED
        replay = replay_webhook_delivery(delivery, actor=board_member)
        assert _wait_for(lambda: _settled(replay.pk))
    replay.refresh_from_db()
    assert replay.status == WebhookDelivery.Status.SUCCEEDED
    assert replay.event_id == delivery.event_id
