"""The OpenAPI schema is valid, and the API keeps every promise it makes (Schemathesis)."""

from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, settings

from tests.conftest import make_use_case


@pytest.mark.django_db
def test_the_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.mark.django_db
def test_swagger_ui_and_redoc_load_their_assets_locally(client):
    for path in ("/api/schema/swagger/", "/api/schema/redoc/"):
        page = client.get(path).content.decode()
        assert "cdn." not in page
        assert "/static/drf_spectacular_sidecar/" in page


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    # Schemathesis calls the WSGI handler itself, which would close the test's database
    # connection after each request; Django's test client disconnects these signals too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _session_headers(user: Any) -> dict[str, str]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    token = _get_new_csrf_string()
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={token}", "X-CSRFToken": token}


@pytest.fixture
def department_head_world(department_head, department, ai_system) -> dict[str, str]:
    make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    return _session_headers(department_head)


# Loading the schema touches no database, so it can happen at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
# The coverage phase enumerates edge cases of every field of the large use-case bodies and takes
# minutes; the examples and fuzzing phases (valid and invalid data) keep the run short.
schema.config.phases.coverage.enabled = False

# Kept small so the whole run stays well under a minute; the examples phase and the coverage
# phase still send every documented operation its edge cases.
FUZZ = settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schema.parametrize()
@FUZZ
def test_the_api_keeps_its_schema_for_a_department_head(case, department_head_world):
    case.call_and_validate(headers=department_head_world)


@pytest.fixture
def public_world(board_member, department) -> None:
    """A published use case without an AI system: its technique and hosting are empty."""
    from registry.publication import publish_use_case

    use_case = make_use_case(board_member, department, "Terminvergabe ohne KI-System")
    publish_use_case(use_case, actor=board_member, reason="veröffentlicht")


@schema.parametrize()
@FUZZ
@pytest.mark.django_db
def test_the_api_keeps_its_schema_for_an_anonymous_caller(case, public_world):
    case.call_and_validate()
