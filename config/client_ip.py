"""The client's address for rate limits and login lockouts (django-axes, django-ratelimit)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the outermost trusted proxy saw when proxies are configured.

    Each of TRUSTED_PROXY_COUNT proxies appends the address it was reached from to
    CLIENT_IP_HEADER; entries further left were written by the client and prove nothing.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count: int = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = str(request.META.get(settings.CLIENT_IP_HEADER, ""))
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
