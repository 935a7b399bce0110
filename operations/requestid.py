"""The request id: one per request, taken from the proxy's X-Request-ID or made here.

It is kept in a context variable, so every log line written while the request (or a Celery task
it started) runs carries it, and it travels into tasks as a message header.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
TASK_HEADER = "request_id"
# What a proxy may hand in: letters, digits and a few separators, bounded; anything else is
# replaced, so a log line can never be forged through the header.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def accepted_or_new(candidate: str | None) -> str:
    """The proxy's id when it is well-formed, otherwise a fresh one."""
    if candidate and _ACCEPTED.match(candidate):
        return candidate
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (empty outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True
