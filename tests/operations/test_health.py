"""Liveness and readiness answer before host checks and sessions, and name what is missing."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import override_settings

from operations import health


@pytest.fixture(autouse=True)
def _fresh_migration_cache():
    health.reset_migration_cache()
    yield
    health.reset_migration_cache()


def test_liveness_answers_without_touching_the_database(client):
    # No django_db mark: pytest-django fails the test on any database access.
    response = client.get("/health/live/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["ki-register.example"])
def test_readiness_answers_a_probe_by_address_though_the_host_is_not_allowed(client):
    # Load balancers probe the application server by its address, not by the public name.
    response = client.get("/health/ready/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok", "migrations": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readiness_reads_the_migrations_only_until_they_were_applied_once(
    client, django_assert_max_num_queries
):
    client.get("/health/ready/")
    # Later probes cost the database one SELECT 1.
    with django_assert_max_num_queries(1):
        assert client.get("/health/ready/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_readiness_fails_while_a_migration_is_not_applied(client):
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="registry").order_by("-id").first()
    assert latest is not None
    latest.delete()
    try:
        response = client.get("/health/ready/")
    finally:
        recorder.record_applied("registry", latest.name)
    assert response.status_code == 503
    assert response.json()["status"] == "fehler"
    assert response.json()["checks"]["migrations"] == "RuntimeError"


@pytest.mark.django_db
@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readiness_fails_when_the_broker_is_unreachable_and_names_no_address(client):
    response = client.get("/health/ready/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"] == "ConnectionError"
    assert checks["database"] == "ok"
    assert "127.0.0.1" not in response.content.decode()
