"""The outermost middleware: request id, latency metric, health and metrics endpoints, 503."""

import hmac
import json
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from operations import health, metrics, requestid

logger = logging.getLogger("operations.requests")

LIVENESS_PATH = "/health/live/"
READINESS_PATH = "/health/ready/"
METRICS_PATH = "/metrics"


class RequestIdMiddleware:
    """Gives each request its id (X-Request-ID in and out) and times it by view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = requestid.accepted_or_new(request.META.get(requestid.META_KEY))
        token = requestid.current.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            view = (match.view_name or match._func_path) if match else "unresolved"
            metrics.REQUEST_DURATION.labels(
                view=view, method=request.method or "", status=str(response.status_code)
            ).observe(elapsed)
            response.headers[requestid.HEADER] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "view": view,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            return response
        finally:
            requestid.current.reset(token)


class OperationsEndpointsMiddleware:
    """Answers the probes and the metrics scrape before hosts, sessions or the database are read.

    Load balancers and Prometheus reach the application server by its address, not by the host
    names in DJANGO_ALLOWED_HOSTS, and over plain HTTP inside the network.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if path == LIVENESS_PATH:
            return _json({"status": "ok"}, 200)
        if path == READINESS_PATH:
            checks = health.readiness()
            ready = all(result == "ok" for result in checks.values())
            return _json(
                {"status": "ok" if ready else "fehler", "checks": checks}, 200 if ready else 503
            )
        if path == METRICS_PATH:
            return _metrics(request)
        return self.get_response(request)


def _json(body: dict[str, object], status: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/json; charset=utf-8"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _metrics(request: HttpRequest) -> HttpResponse:
    # Without a token the metrics are off; with one, only a scraper that sends it reads them.
    expected = settings.METRICS_TOKEN
    sent = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return HttpResponse(status=404)
    response = HttpResponse(
        metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
