"""Webhooks: who manages them, which events they get, how they are signed, sent and retried."""

import datetime
import hashlib
import hmac
import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from governance import services as governance_services
from registry import services
from registry.models import WebhookDelivery
from registry.webhooks import endpoints, signing
from registry.webhooks.delivery import deliver
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
    governance_services.change_use_case(
        use_case, actor=department_head, reason="r", purpose="anders"
    )
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

    def __init__(
        self,
        failures: int = 0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
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

        self.server = ThreadingHTTPServer((host, port), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

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


# -- the address filter and the pinned connection ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://0.0.0.0/h",
        "http://[::]/h",
        "http://[fc00::1]/h",
        "http://[fe80::1]/h",
        # IPv4-compatible, IPv4-mapped and IPv4-translated forms of internal IPv4 addresses.
        "http://[::127.0.0.1]/h",
        "http://[::ffff:127.0.0.1]/h",
        "http://[::ffff:10.0.0.5]/h",
        "http://[::ffff:169.254.169.254]/h",
        "http://[::ffff:0:127.0.0.1]/h",
        # NAT64: the well-known prefix around an internal IPv4, and the local-use prefix at all.
        "http://[64:ff9b::127.0.0.1]/h",
        "http://[64:ff9b::10.0.0.5]/h",
        "http://[64:ff9b:1::7f00:1]/h",
        "http://[64:ff9b:1::808:808]/h",
        # 6to4 around loopback and the metadata address.
        "http://[2002:7f00:1::]/h",
        "http://[2002:a9fe:a9fe::1]/h",
        # Teredo, with the client 127.0.0.1 and with a public client.
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/h",
        "http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/h",
    ],
)
def test_ipv6_forms_of_internal_addresses_are_refused(url):
    with pytest.raises(ValidationError) as exc:
        endpoints.check_webhook_url(url)
    assert "url" in exc.value.message_dict


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8/h",
        "http://[2606:4700::1111]/h",
        "http://[::ffff:8.8.8.8]/h",
        "http://[64:ff9b::8.8.8.8]/h",
        "http://[2002:808:808::1]/h",
    ],
)
def test_public_addresses_pass_the_filter_also_in_ipv6_forms(url):
    endpoints.check_webhook_url(url)


def _rebinding_dns(monkeypatch, host: str, first: str, later: str) -> list[str]:
    """Answer `first` for `host` once, then `later`; other names resolve as usual."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        answers.append(first if not answers else later)
        return real(answers[-1], port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _pending_delivery(board_member, organisation, department_head, department, url):
    endpoint = _endpoint(board_member, organisation, url=url, events=["use_case.created"])
    make_use_case(department_head, department, "Posteingang")
    return WebhookDelivery.objects.get(endpoint=endpoint)


@override_settings(WEBHOOK_PRIVATE_HOSTS_ALLOWED=["hooks.example"])
def test_a_delivery_connects_to_the_address_it_checked_even_if_the_name_resolves_anew(
    board_member, organisation, department_head, department, monkeypatch
):
    with Receiver() as checked, Receiver(host="127.0.0.2", port=checked.port) as rebound:
        delivery = _pending_delivery(
            board_member,
            organisation,
            department_head,
            department,
            f"http://hooks.example:{checked.port}/hook",
        )
        answers = _rebinding_dns(monkeypatch, "hooks.example", "127.0.0.1", "127.0.0.2")
        assert deliver(delivery.pk).status == WebhookDelivery.Status.SUCCEEDED
    assert answers == ["127.0.0.1"]
    assert rebound.requests == []
    [request] = checked.requests
    assert request["headers"]["Host"] == f"hooks.example:{checked.port}"


def _tls_context(tmp_path, name: str) -> tuple[ssl.SSLContext, str]:
    """A server context with a self-signed certificate for `name`, and the file that trusts it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file = tmp_path / f"{name}.pem"
    key_file = tmp_path / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, str(cert_file)


@override_settings(WEBHOOK_PRIVATE_HOSTS_ALLOWED=["hooks.example"])
def test_an_https_delivery_to_the_pinned_address_verifies_the_certificate_of_the_host_name(
    board_member, organisation, department_head, department, monkeypatch, tmp_path
):
    context, trusted = _tls_context(tmp_path, "hooks.example")
    names: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: names.append(name)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", trusted)
    with Receiver(tls=context) as receiver:
        delivery = _pending_delivery(
            board_member,
            organisation,
            department_head,
            department,
            f"https://hooks.example:{receiver.port}/hook",
        )
        _rebinding_dns(monkeypatch, "hooks.example", "127.0.0.1", "127.0.0.2")
        assert deliver(delivery.pk).status == WebhookDelivery.Status.SUCCEEDED
    # The certificate names hooks.example only, not 127.0.0.1: it was checked against the name.
    assert names == ["hooks.example"]
    assert receiver.requests[0]["headers"]["Host"] == f"hooks.example:{receiver.port}"


@override_settings(WEBHOOK_PRIVATE_HOSTS_ALLOWED=["hooks.example"])
def test_an_https_receiver_with_a_certificate_for_another_name_is_not_sent_to(
    board_member, organisation, department_head, department, monkeypatch, tmp_path
):
    context, trusted = _tls_context(tmp_path, "other.example")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", trusted)
    with Receiver(tls=context) as receiver:
        delivery = _pending_delivery(
            board_member,
            organisation,
            department_head,
            department,
            f"https://hooks.example:{receiver.port}/hook",
        )
        _rebinding_dns(monkeypatch, "hooks.example", "127.0.0.1", "127.0.0.1")
        deliver(delivery.pk)
    attempt = delivery.attempts.get()
    assert attempt.response_status is None
    assert "SSLError" in attempt.error
    assert receiver.requests == []
