"""Sending a delivery: one signed POST per attempt, and the retry bookkeeping around it."""

import ipaddress
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.models import WebhookAttempt, WebhookDelivery
from registry.webhooks.endpoints import resolve_webhook_url
from registry.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    payload_bytes,
    sign,
)

logger = logging.getLogger(__name__)
RESPONSE_EXCERPT_CHARS = 2000


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended: the delivery's status, and in how many seconds to try again."""

    status: str
    retry_in: float | None = None


def _authority(host: str, port: int | None, scheme: str) -> str:
    """Host and port as a URL or a Host header names them; the scheme's default port is left out."""
    try:
        literal = f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        literal = host
    default = 443 if scheme == "https" else 80
    return literal if port in (None, default) else f"{literal}:{port}"


class PinnedAddressAdapter(requests.adapters.HTTPAdapter):
    """Connects to one checked address, whatever the receiver's name resolves to by then.

    Only the TCP connection goes to the address: the request names the host in its Host header
    and, over HTTPS, in TLS SNI and the certificate check.
    """

    def __init__(self, host: str, address: str) -> None:
        self.host = host
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        # The host, not the address connected to, is what TLS must verify; plain HTTP ignores it.
        super().init_poolmanager(*args, server_hostname=self.host, **kwargs)

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        parts = urlsplit(str(request.url))
        assert parts.hostname is not None, "requests prepares only URLs with a host"
        request.headers["Host"] = _authority(parts.hostname, parts.port, parts.scheme)
        pinned = _authority(self.address, parts.port, parts.scheme)
        request.url = urlunsplit(parts._replace(netloc=pinned))
        return super().send(request, *args, **kwargs)


def send(delivery: WebhookDelivery) -> WebhookAttempt:
    """One signed POST; the attempt row records the answer or the error."""
    endpoint = delivery.endpoint
    attempt = WebhookAttempt(delivery=delivery)
    try:
        host, address = resolve_webhook_url(endpoint.url)
    except ValidationError as exc:
        attempt.error = "; ".join(exc.messages)
        attempt.save()
        return attempt
    body = payload_bytes(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "KI-Register-Webhooks/1",
        EVENT_HEADER: delivery.event,
        EVENT_ID_HEADER: str(delivery.event_id),
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(endpoint.secret, timestamp, body),
    }
    session = requests.Session()
    adapter = PinnedAddressAdapter(host, address)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    try:
        # No redirects: a redirect could point the request into an internal network.
        with (
            session,
            session.post(
                endpoint.url,
                data=body,
                headers=headers,
                timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                allow_redirects=False,
                stream=True,
            ) as response,
        ):
            attempt.response_status = response.status_code
            raw = response.raw.read(RESPONSE_EXCERPT_CHARS * 4, decode_content=True) or b""
            attempt.response_body = raw.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]
    except requests.RequestException as exc:
        attempt.error = f"{type(exc).__name__}: {exc}"[:RESPONSE_EXCERPT_CHARS]
    attempt.save()
    return attempt


def deliver(delivery_id: int, *, last_attempt: bool = False) -> Outcome:
    """Send one pending delivery; settle it, or say when to try again (exponential back-off).

    Idempotent: a delivery already settled is not sent again (Redis may hand a task out twice).
    `last_attempt` settles a failure at once: without a broker, a retry would run inside the
    user's request.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return Outcome("skipped")
    attempt = send(delivery)
    delivery.attempt_count += 1
    succeeded = attempt.response_status is not None and 200 <= attempt.response_status < 300
    if succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.save(update_fields=["status", "delivered_at", "attempt_count"])
        return Outcome(delivery.status)
    if delivery.attempt_count >= settings.WEBHOOK_MAX_ATTEMPTS or last_attempt:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.save(update_fields=["status", "attempt_count"])
        logger.warning(
            "webhook delivery %s failed after %s attempts", delivery.pk, delivery.attempt_count
        )
        return Outcome(delivery.status)
    delivery.save(update_fields=["attempt_count"])
    countdown = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempt_count - 1)
    return Outcome(delivery.status, retry_in=countdown)
