"""Request ids in responses, logs and Celery tasks; metrics by view; the 503 page."""

import io
import json
import logging
from typing import Any

import pytest
from celery import shared_task
from django.http import HttpResponse
from django.test import override_settings

from operations import jsonlog, metrics, requestid
from operations.middleware import RequestIdMiddleware

seen_in_task: list[str] = []


@shared_task
def remember_request_id() -> str:
    logging.getLogger("tests.operations").info("in the task")
    seen_in_task.append(requestid.current.get())
    return requestid.current.get()


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_a_good_one_from_the_proxy_is_kept(client):
    fresh = client.get("/health/live/")
    assert len(fresh["X-Request-ID"]) == 32
    kept = client.get("/", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert kept["X-Request-ID"] == "nginx-0123456789abcdef"


@pytest.mark.django_db
def test_a_forged_request_id_is_replaced(client):
    response = client.get("/", HTTP_X_REQUEST_ID='x"}\n{"level": "CRITICAL"')
    assert response["X-Request-ID"] != 'x"}\n{"level": "CRITICAL"'
    assert len(response["X-Request-ID"]) == 32


def test_a_json_log_line_has_the_request_id_and_the_extra_fields():
    record = logging.makeLogRecord(
        {"name": "x", "levelname": "INFO", "msg": "saved %s", "args": ("Ä",), "status": 200}
    )
    token = requestid.current.set("req-12345678")
    try:
        requestid.RequestIdFilter().filter(record)
    finally:
        requestid.current.reset(token)
    line = json.loads(jsonlog.JSONFormatter().format(record))
    assert line["message"] == "saved Ä"
    assert line["request_id"] == "req-12345678"
    assert line["status"] == 200
    assert line["level"] == "INFO"


@pytest.fixture
def worker_log() -> Any:
    """The task logger's lines as the installation writes them (settings.LOGGING's filter and
    JSON formatter), from whichever thread logs; independent of the root logger's handlers."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(requestid.RequestIdFilter())
    handler.setFormatter(jsonlog.JSONFormatter())
    logger = logging.getLogger("tests.operations")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.services
def test_the_request_id_follows_the_request_into_its_celery_task(celery_worker, worker_log):
    seen_in_task.clear()

    def view(request):
        result = remember_request_id.delay()
        return HttpResponse(result.get(timeout=60))

    middleware = RequestIdMiddleware(view)
    from django.test import RequestFactory

    response = middleware(RequestFactory().get("/", HTTP_X_REQUEST_ID="req-from-nginx-42"))
    assert response.content == b"req-from-nginx-42"
    # The task ran in this process's worker (its own queue), not in a parallel test process's.
    assert seen_in_task == ["req-from-nginx-42"]
    lines = [json.loads(line) for line in worker_log.getvalue().splitlines()]
    task_lines = [line for line in lines if line["message"] == "in the task"]
    assert [line["request_id"] for line in task_lines] == ["req-from-nginx-42"]


@pytest.mark.django_db
def test_request_latency_is_measured_by_view_name(client):
    def count(view):
        return metrics.REQUEST_DURATION.labels(view=view, method="GET", status="200")._sum.get()

    before = metrics.REQUEST_DURATION.labels(view="registry:home", method="GET", status="200")
    before_count = sum(b.get() for b in before._buckets)
    client.get("/")
    after_count = sum(b.get() for b in before._buckets)
    assert after_count == before_count + 1
    assert count("registry:home") > 0


@pytest.mark.django_db
@override_settings(METRICS_TOKEN="scrape-secret")
def test_metrics_are_served_only_to_the_scraper_with_the_token(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.get("/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'ki_register_http_request_duration_seconds_count{method="GET",status="200",view="registry:home"}'
        in text
    )
    assert "ki_register_webhook_delivery_attempts_total" in text or "ki_register_celery" in text


@override_settings(METRICS_TOKEN="")
def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.fixture
def unreachable_database(transactional_db):
    """The test database's connection pointed where no database answers, restored afterwards."""
    from django.db import connection

    kept = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/directory/db.sqlite3"
    else:
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
    yield
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(kept)


def test_an_unreachable_database_gives_the_german_503_page(client, unreachable_database):
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Das Register ist vorübergehend nicht erreichbar" in body
    assert 'lang="de"' in body
