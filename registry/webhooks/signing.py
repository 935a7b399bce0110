"""What makes a delivery verifiable: the exact body, its HMAC signature and the header names."""

import hashlib
import hmac
import json
from typing import Any

SIGNATURE_HEADER = "X-KI-Register-Signature"
TIMESTAMP_HEADER = "X-KI-Register-Timestamp"
EVENT_HEADER = "X-KI-Register-Event"
DELIVERY_HEADER = "X-KI-Register-Delivery"
EVENT_ID_HEADER = "X-KI-Register-Event-Id"


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The exact body sent: compact, key-sorted JSON in UTF-8, the same on every attempt."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`v1=` and the hex HMAC-SHA256 of "<timestamp>.<body>" under the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
