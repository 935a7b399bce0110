"""Celery tasks of the registry: webhook deliveries."""

import logging
import time

import requests
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.models import WebhookAttempt, WebhookDelivery
from registry.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    check_webhook_url,
    payload_bytes,
    sign,
)

logger = logging.getLogger(__name__)
RESPONSE_EXCERPT_CHARS = 2000


def _send(delivery: WebhookDelivery) -> WebhookAttempt:
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


@shared_task(bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send one delivery; retry with exponential back-off until it succeeds or attempts run out.

    Idempotent: a delivery already settled is not sent again (Redis may hand a task out twice).
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return "skipped"
    attempt = _send(delivery)
    delivery.attempt_count += 1
    succeeded = attempt.response_status is not None and 200 <= attempt.response_status < 300
    if succeeded:
        delivery.status = WebhookDelivery.Status.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.save(update_fields=["status", "delivered_at", "attempt_count"])
        return delivery.status
    # Eagerly (no broker) the next attempt would run at once inside the user's request.
    if delivery.attempt_count >= settings.WEBHOOK_MAX_ATTEMPTS or self.request.is_eager:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.save(update_fields=["status", "attempt_count"])
        logger.warning(
            "webhook delivery %s failed after %s attempts", delivery.pk, delivery.attempt_count
        )
        return delivery.status
    delivery.save(update_fields=["attempt_count"])
    countdown = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempt_count - 1)
    raise self.retry(countdown=countdown)
