"""Sending a delivery: one signed POST per attempt, and the retry bookkeeping around it."""

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.models import WebhookAttempt, WebhookDelivery
from registry.webhooks.endpoints import check_webhook_url
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


def send(delivery: WebhookDelivery) -> WebhookAttempt:
    """One signed POST; the attempt row records the answer or the error."""
    endpoint = delivery.endpoint
    attempt = WebhookAttempt(delivery=delivery)
    try:
        check_webhook_url(endpoint.url)
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
    try:
        # No redirects: a redirect could point the request into an internal network.
        with requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as response:
            attempt.response_status = response.status_code
            raw = response.raw.read(RESPONSE_EXCERPT_CHARS * 4, decode_content=True) or b""
            attempt.response_body = raw.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]
    except requests.RequestException as exc:
        attempt.error = f"{type(exc).__name__}: {exc}"[:RESPONSE_EXCERPT_CHARS]
    attempt.save()
    return attempt


def deliver(delivery_id: int) -> Outcome:
    """Send one pending delivery; settle it, or say when to try again (exponential back-off).

    Idempotent: a delivery already settled is not sent again (Redis may hand a task out twice).
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
    if delivery.attempt_count >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.save(update_fields=["status", "attempt_count"])
        logger.warning(
            "webhook delivery %s failed after %s attempts", delivery.pk, delivery.attempt_count
        )
        return Outcome(delivery.status)
    delivery.save(update_fields=["attempt_count"])
    countdown = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempt_count - 1)
    return Outcome(delivery.status, retry_in=countdown)
