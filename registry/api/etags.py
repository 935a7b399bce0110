"""Entity tags and If-Match: a write must name the version it was based on (no lost updates)."""

import hashlib
import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.request import Request

from registry.api.problems import PreconditionFailed, PreconditionRequired


def etag_for(representation: Any) -> str:
    """A strong ETag: a hash of the full JSON representation, so every visible change moves it."""
    canonical = json.dumps(representation, sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def require_if_match(request: Request, current: str) -> None:
    """428 without If-Match, 412 when none of its tags is the current one."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired
    tags = {tag.strip() for tag in header.split(",")}
    if "*" in tags:
        # "*" says "whatever is there now": exactly the blind overwrite If-Match exists to prevent.
        raise PreconditionRequired(
            _("„If-Match: *“ genügt nicht: Bitte senden Sie den ETag der gelesenen Fassung.")
        )
    # Weak tags never match for a write (RFC 9110, strong comparison).
    if current in tags:
        return
    raise PreconditionFailed
