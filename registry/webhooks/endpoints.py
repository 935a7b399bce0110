"""The receivers an organisation registers: the address check and the board's services."""

import ipaddress
import secrets
import socket
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import is_board_member
from registry.history import delete_tracked, save_tracked
from registry.models import WebhookEndpoint

ENDPOINT_FIELDS = frozenset({"url", "events", "description", "is_active"})


# -- SSRF guard ---------------------------------------------------------------------------------

# IPv6 prefixes that carry an IPv4 address in their last 32 bits: IPv4-compatible (::a.b.c.d),
# IPv4-translated (RFC 2765) and the NAT64 well-known prefix (RFC 6052). IPv4-mapped, 6to4 and
# Teredo addresses are decoded by the ipaddress module.
IPV4_IN_LAST_32_BITS = (
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
)
# The NAT64 local-use prefix (RFC 8215): where the IPv4 address sits depends on the operator's
# prefix length, and it reaches only what that operator's translator reaches.
NAT64_LOCAL_USE = ipaddress.IPv6Network("64:ff9b:1::/48")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    embedded = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo is not None:
        embedded.extend(address.teredo)
    if any(address in network for network in IPV4_IN_LAST_32_BITS):
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return embedded


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address lies outside every internal network, also through an IPv4 inside it."""
    if not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    if address in NAT64_LOCAL_USE:
        return False
    return all(inner.is_global for inner in _embedded_ipv4(address))


def _receiver(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    allowed_schemes = {"https"} if settings.WEBHOOK_REQUIRE_HTTPS else {"https", "http"}
    if parts.scheme not in allowed_schemes:
        raise ValidationError({"url": _("Die Empfänger-Adresse muss mit https:// beginnen.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Zugangsdaten in der Adresse sind nicht erlaubt.")})
    host = parts.hostname
    if not host:
        raise ValidationError({"url": _("Die Adresse nennt keinen Rechner.")})
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError(
            {"url": _("Der Rechner der Empfänger-Adresse ist nicht auffindbar.")}
        ) from exc
    return host, port


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError) as exc:
        raise ValidationError(
            {"url": _("Der Rechner der Empfänger-Adresse ist nicht auffindbar.")}
        ) from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def _require_public(addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> None:
    if not all(is_public_address(address) for address in addresses):
        raise ValidationError(
            {"url": _("Die Empfänger-Adresse zeigt auf ein internes Netz; das ist nicht erlaubt.")}
        )


def check_webhook_url(url: str) -> None:
    """Refuse receivers without HTTPS or that resolve to private, loopback or link-local addresses.

    Hosts listed in WEBHOOK_PRIVATE_HOSTS_ALLOWED are exempt from the address check (tests, an
    on-premises receiver the operator vouches for). Checked at registration; each delivery checks
    again through `resolve_webhook_url`, so a name that later resolves inwards is refused too.
    """
    host, port = _receiver(url)
    if host in settings.WEBHOOK_PRIVATE_HOSTS_ALLOWED:
        return
    _require_public(_resolve(host, port))


def resolve_webhook_url(url: str) -> tuple[str, str]:
    """The receiver's host name and the one address, checked like check_webhook_url, to send to.

    The name is resolved once: the delivery connects to exactly the address checked here, so an
    answer that changes between check and connection (DNS rebinding) cannot redirect it.
    """
    host, port = _receiver(url)
    addresses = _resolve(host, port)
    if host not in settings.WEBHOOK_PRIVATE_HOSTS_ALLOWED:
        _require_public(addresses)
    return host, str(addresses[0])


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
