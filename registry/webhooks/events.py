"""Change events: what a receiver gets, and the deliveries recorded for each subscribed endpoint.

A delivery is recorded in the transaction that made the change and handed to Celery once it
commits (`registry.tasks.deliver_webhook`).
"""

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from registry.models import UseCase, WebhookDelivery, WebhookEndpoint
from registry.tasks import deliver_webhook
from registry.webhooks.endpoints import _require_board

EVENTS = WebhookEndpoint.Event


def _enqueue(delivery_ids: Iterable[int]) -> None:
    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)


def event_payload(
    event: str,
    use_case: UseCase,
    *,
    event_id: uuid.UUID,
    actor: User | None,
    changed_fields: Iterable[str] = (),
    subject: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a receiver gets: the event and a thin reference to the use case to fetch.

    An event about a record of the use case (an incident, an objection) names it in `subject`
    (its kind, id and API address), never its content.
    """
    payload = {
        "id": str(event_id),
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "organisation": {
            "id": use_case.organisation_id,
            "ags": use_case.organisation.ags,
        },
        "use_case": {
            "id": use_case.pk,
            "title": use_case.title,
            "status": use_case.status,
            "workflow_state": use_case.workflow_state,
            "department": use_case.department_id,
            "url": f"/api/v1/use-cases/{use_case.pk}/",
        },
        "changed_fields": sorted(changed_fields),
        "actor": {"id": actor.pk, "username": actor.username} if actor is not None else None,
    }
    if subject is not None:
        payload["subject"] = dict(subject)
    return payload


def emit_event(
    event: str,
    use_case: UseCase,
    *,
    actor: User | None = None,
    changed_fields: Iterable[str] = (),
    subject: Mapping[str, Any] | None = None,
) -> list[WebhookDelivery]:
    """Record a delivery for every active endpoint subscribed to the event; send them on commit."""
    if event not in EVENTS.values:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            organisation_id=use_case.organisation_id, is_active=True
        )
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    payload = event_payload(
        event,
        use_case,
        event_id=event_id,
        actor=actor,
        changed_fields=changed_fields,
        subject=subject,
    )
    # One INSERT for every receiver (deliveries are not history-tracked): fifty endpoints cost
    # the change one statement, not fifty.
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                event_id=event_id,
                use_case_pk=use_case.pk,
                payload=payload,
            )
            for endpoint in endpoints
        ]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


@transaction.atomic
def replay_webhook_delivery(delivery: WebhookDelivery, *, actor: User) -> WebhookDelivery:
    """Send a delivery's payload again as a new delivery (board only); same event id."""
    _require_board(actor, delivery.endpoint.organisation)
    replay = WebhookDelivery.objects.create(
        endpoint=delivery.endpoint,
        event=delivery.event,
        event_id=delivery.event_id,
        use_case_pk=delivery.use_case_pk,
        payload=delivery.payload,
        replay_of=delivery,
    )
    transaction.on_commit(lambda: _enqueue([replay.pk]))
    return replay
