"""The error page for an unreachable database: 503 with Retry-After, in German first."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, unless the error is the database being unreachable: then a 503."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        logger.error("database unavailable: %s", type(error).__name__)
        # No request context: the page must not ask the database who is logged in.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
