"""Change events for other systems: signed HTTP deliveries to an organisation's endpoints.

`emit_event` records one delivery per subscribed endpoint and hands it to Celery once the
transaction commits; `registry.tasks.deliver_webhook` sends it, signs it and retries with
exponential back-off. Endpoints are written only through the services below (board only).
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import uuid
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import is_board_member
from registry.history import delete_tracked, save_tracked
from registry.models import UseCase, WebhookDelivery, WebhookEndpoint

EVENTS = WebhookEndpoint.Event
SIGNATURE_HEADER = "X-KI-Register-Signature"
TIMESTAMP_HEADER = "X-KI-Register-Timestamp"
EVENT_HEADER = "X-KI-Register-Event"
DELIVERY_HEADER = "X-KI-Register-Delivery"
EVENT_ID_HEADER = "X-KI-Register-Event-Id"
ENDPOINT_FIELDS = frozenset({"url", "events", "description", "is_active"})


# -- signing ------------------------------------------------------------------------------------


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The exact body sent: compact, key-sorted JSON in UTF-8, the same on every attempt."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of "<timestamp>.<body>" under the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


# -- SSRF guard ---------------------------------------------------------------------------------


def check_webhook_url(url: str) -> None:
    """Refuse receivers without HTTPS or that resolve to private, loopback or link-local addresses.

    Hosts listed in WEBHOOK_PRIVATE_HOSTS_ALLOWED are exempt from the address check (tests, an
    on-premises receiver the operator vouches for). Checked at registration and before each
    request, so a name that later resolves inwards is refused too.
    """
    parts = urlsplit(url)
    allowed_schemes = {"https"} if settings.WEBHOOK_REQUIRE_HTTPS else {"https", "http"}
    if parts.scheme not in allowed_schemes:
        raise ValidationError({"url": _("Die Empfänger-Adresse muss mit https:// beginnen.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Zugangsdaten in der Adresse sind nicht erlaubt.")})
    host = parts.hostname
    if not host:
        raise ValidationError({"url": _("Die Adresse nennt keinen Rechner.")})
    if host in settings.WEBHOOK_PRIVATE_HOSTS_ALLOWED:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise ValidationError(
            {"url": _("Der Rechner der Empfänger-Adresse ist nicht auffindbar.")}
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValidationError(
                {
                    "url": _(
                        "Die Empfänger-Adresse zeigt auf ein internes Netz; das ist nicht erlaubt."
                    )
                }
            )


# -- endpoints ----------------------------------------------------------------------------------


def _require_board(actor: User, organisation: Organisation) -> None:
    if is_board_member(actor, organisation.pk):
        return
    raise PermissionDenied(_("Nur das KI-Gremium verwaltet Webhooks dieser Organisation."))


def _clean_endpoint(endpoint: WebhookEndpoint) -> None:
    try:
        endpoint.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    check_webhook_url(endpoint.url)


@transaction.atomic
def create_webhook_endpoint(
    *,
    actor: User,
    organisation: Organisation,
    url: str,
    events: Sequence[str],
    description: str = "",
    is_active: bool = True,
) -> WebhookEndpoint:
    """Register a receiver for the organisation's events with a fresh secret (board only)."""
    _require_board(actor, organisation)
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=url,
        events=list(events),
        description=description,
        is_active=is_active,
        secret=secrets.token_urlsafe(32),
    )
    _clean_endpoint(endpoint)
    save_tracked(endpoint, actor=actor, reason=_("Webhook-Empfänger angelegt"))
    return endpoint


@transaction.atomic
def update_webhook_endpoint(
    endpoint: WebhookEndpoint, *, actor: User, reason: str = "", **fields: Any
) -> set[str]:
    """Change a receiver's address, events, description or activity (board only)."""
    _require_board(actor, endpoint.organisation)
    unknown = set(fields) - ENDPOINT_FIELDS
    if unknown:
        raise ValidationError(
            {name: _("Dieses Feld gibt es nicht oder es ist nicht änderbar.") for name in unknown}
        )
    changed = {name for name, value in fields.items() if getattr(endpoint, name) != value}
    for name in changed:
        setattr(endpoint, name, fields[name])
    _clean_endpoint(endpoint)
    if changed:
        save_tracked(endpoint, actor=actor, reason=reason or _("Webhook-Empfänger geändert"))
    return changed


@transaction.atomic
def rotate_webhook_secret(endpoint: WebhookEndpoint, *, actor: User) -> WebhookEndpoint:
    """Give the receiver a new signing secret; the old one stops working at once (board only)."""
    _require_board(actor, endpoint.organisation)
    endpoint.secret = secrets.token_urlsafe(32)
    save_tracked(endpoint, actor=actor, reason=_("Signaturschlüssel erneuert"))
    return endpoint


@transaction.atomic
def delete_webhook_endpoint(endpoint: WebhookEndpoint, *, actor: User) -> None:
    """Remove a receiver and its delivery log (board only)."""
    _require_board(actor, endpoint.organisation)
    delete_tracked(endpoint, actor=actor, reason=_("Webhook-Empfänger gelöscht"))


# -- events and deliveries ----------------------------------------------------------------------


def _enqueue(delivery_ids: Iterable[int]) -> None:
    from registry.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)


def event_payload(
    event: str,
    use_case: UseCase,
    *,
    event_id: uuid.UUID,
    actor: User | None,
    changed_fields: Iterable[str] = (),
) -> dict[str, Any]:
    """What a receiver gets: the event and a thin reference to the use case to fetch."""
    return {
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


def emit_event(
    event: str,
    use_case: UseCase,
    *,
    actor: User | None = None,
    changed_fields: Iterable[str] = (),
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
        event, use_case, event_id=event_id, actor=actor, changed_fields=changed_fields
    )
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event=event,
            event_id=event_id,
            use_case_pk=use_case.pk,
            payload=payload,
        )
        for endpoint in endpoints
    ]
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
